-- Quality columns of ccr.kpi_agent_daily (csat_pct, ces, qa_score, ...)
-- against plain SQL.  Own agents (q63_*), settings saved and restored, rows
-- removed at the end.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

CREATE TEMP TABLE saved_settings AS SELECT * FROM ccr.settings;
SELECT ccr.set_timezone('Asia/Kolkata');
INSERT INTO ccr.contacts (source, source_id, queue, agent, offered_at, answered_at, ended_at, outcome,
						  talk_s, csat_score, csat_scale, nps_score, ces_score)
SELECT 'q63', g::text, 'q63_queue', CASE WHEN ans THEN 'q63_agent' || (g % 5) END,
	   t, CASE WHEN ans THEN t + interval '10 seconds' END, t + interval '5 minutes',
	   CASE WHEN ans THEN 'answered' ELSE 'abandoned' END, CASE WHEN ans THEN 280 END,
	   CASE WHEN ans AND r1 < 0.3 THEN 1 + floor(r2 * 5)::int END, CASE WHEN ans AND r1 < 0.3 THEN 5 END,
	   CASE WHEN ans AND r1 BETWEEN 0.2 AND 0.4 THEN (r2 * 10)::int END,
	   CASE WHEN ans AND r1 BETWEEN 0.35 AND 0.6 THEN 1 + floor(r3 * 7)::int END
FROM (SELECT g, timestamptz '2026-04-01 00:00+00' + regress.rand(6301, g) * interval '4 days' AS t,
			 regress.rand(6302, g) < 0.9 AS ans,
			 regress.rand(6303, g) AS r1, regress.rand(6304, g) AS r2, regress.rand(6305, g) AS r3
	  FROM generate_series(1, 3000) g) x;
-- QA: most evaluations tied to a contact (counted on the contact's local day),
-- some not (counted on the evaluation's local day)
INSERT INTO ccr.qa_evaluations (source, source_id, contact_id, agent, evaluated_at, earned, possible, auto_fail)
SELECT 'q63', c.contact_id::text, c.contact_id, c.agent, c.offered_at + interval '3 days',
	   round((regress.rand(6306, c.source_id) * 50)::numeric, 2)::float8, 50, regress.rand(6307, c.source_id) < 0.1
FROM ccr.contacts c WHERE c.source = 'q63' AND c.agent IS NOT NULL AND c.source_id::int % 6 = 0;
INSERT INTO ccr.qa_evaluations (source, source_id, agent, evaluated_at, earned, possible, auto_fail)
SELECT 'q63', 'free' || g, 'q63_agent' || (g % 5), timestamptz '2026-04-01 20:00+00' + g * interval '1 hour',
	   CASE WHEN g % 9 = 0 THEN NULL ELSE 17.5 END, 20, g % 9 = 0
FROM generate_series(1, 60) g;

SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();

CREATE TEMP VIEW agent_ref AS
WITH c AS (
	SELECT (offered_at AT TIME ZONE 'Asia/Kolkata')::date AS day, agent,
		   100.0 * count(*) FILTER (WHERE csat_score >= csat_scale - 1) / nullif(count(csat_score), 0) AS csat_pct,
		   avg(ces_score) AS ces, count(ces_score) AS ces_responses,
		   count(*) FILTER (WHERE csat_score IS NOT NULL OR nps_score IS NOT NULL OR ces_score IS NOT NULL)::numeric
			   / nullif(count(*) FILTER (WHERE answered), 0) AS survey_response_rate
	FROM ccr.contacts WHERE source = 'q63' AND agent IS NOT NULL GROUP BY 1, 2
), q AS (
	SELECT (coalesce(c.offered_at, e.evaluated_at) AT TIME ZONE 'Asia/Kolkata')::date AS day, e.agent,
		   sum(CASE WHEN e.auto_fail THEN 0 ELSE e.earned END) / sum(e.possible) AS qa_score,
		   count(*) AS qa_evaluations, avg(e.auto_fail::int) AS qa_auto_fail_rate
	FROM ccr.qa_evaluations e LEFT JOIN ccr.contacts c USING (contact_id)
	WHERE e.source = 'q63' GROUP BY 1, 2
)
SELECT * FROM c LEFT JOIN q USING (day, agent);

SELECT count(*) AS agent_days,
	   count(*) FILTER (WHERE k.day IS NULL OR r.day IS NULL) AS missing,
	   count(*) FILTER (WHERE NOT regress.close(k.csat_pct, r.csat_pct)) AS csat_pct_bad,
	   count(*) FILTER (WHERE NOT regress.close(k.ces, r.ces)) AS ces_bad,
	   count(*) FILTER (WHERE k.ces_responses <> r.ces_responses) AS ces_responses_bad,
	   count(*) FILTER (WHERE NOT regress.close(k.qa_score, r.qa_score)) AS qa_bad,
	   count(*) FILTER (WHERE k.qa_evaluations <> coalesce(r.qa_evaluations, 0)) AS evaluations_bad,
	   count(*) FILTER (WHERE NOT regress.close(k.qa_auto_fail_rate, r.qa_auto_fail_rate)) AS auto_fail_bad,
	   count(*) FILTER (WHERE NOT regress.close(k.survey_response_rate, r.survey_response_rate)) AS response_rate_bad,
	   count(*) FILTER (WHERE k.qa_evaluations > 0) AS days_with_qa,
	   count(*) FILTER (WHERE k.ces IS NOT NULL) AS days_with_ces
FROM (SELECT * FROM ccr.kpi_agent_daily WHERE agent LIKE 'q63%') k FULL JOIN agent_ref r USING (day, agent);

-- QA evaluations are also what ccr.qa_score reads directly; the rollup agrees with it
SELECT ccr.qa_score(ccr.rollup(qa)) = (SELECT ccr.qa_score(earned, possible, auto_fail) FROM ccr.qa_evaluations WHERE source = 'q63')
	   AS qa_rollup_ok
FROM ccr.quality_agent_daily_rollup WHERE agent LIKE 'q63%';

-- the quality columns come after the 0.2.0 columns, before those 0.3.0
-- appended (repeat-contact FCR); the view's own columns keep their order
SELECT attnum, attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'ccr.kpi_agent_daily'::regclass AND attnum > 0
	  AND attname IN ('bucket', 'day', 'agent', 'csat', 'csat_pct', 'ces', 'ces_responses', 'qa_score',
					  'qa_evaluations', 'qa_auto_fail_rate', 'survey_response_rate')
ORDER BY attnum;
SELECT max(attnum) FILTER (WHERE attname = 'survey_response_rate') = max(attnum) - 2 AS appended_last,
	   array_agg(attname ORDER BY attnum) FILTER (WHERE attnum > max_attnum - 2) AS appended_in_0_3_0
FROM pg_attribute, (SELECT max(attnum) AS max_attnum FROM pg_attribute WHERE attrelid = 'ccr.kpi_agent_daily'::regclass) m
WHERE attrelid = 'ccr.kpi_agent_daily'::regclass AND attnum > 0;

-- the live view computes the same columns from the tables now
SELECT (SELECT count(*) FROM (SELECT * FROM ccr.kpi_agent_daily WHERE agent LIKE 'q63%'
							  EXCEPT SELECT * FROM ccr.kpi_agent_daily_live WHERE agent LIKE 'q63%') x) AS materialized_only,
	   (SELECT count(*) FROM (SELECT * FROM ccr.kpi_agent_daily_live WHERE agent LIKE 'q63%'
							  EXCEPT SELECT * FROM ccr.kpi_agent_daily WHERE agent LIKE 'q63%') x) AS live_only;

-- a role granted the live view and contacts but not QA evaluations reads
-- NULL QA columns (no error); granted them, it reads the scores
CREATE ROLE regress_q63_lead;
GRANT USAGE ON SCHEMA ccr TO regress_q63_lead;
GRANT SELECT ON ccr.contacts, ccr.kpi_agent_daily_live TO regress_q63_lead;
SET ROLE regress_q63_lead;
SELECT count(*) AS agent_days, count(qa_score) AS with_qa, count(ces) AS with_ces
FROM ccr.kpi_agent_daily_live WHERE agent LIKE 'q63%';
RESET ROLE;
GRANT SELECT ON ccr.qa_evaluations TO regress_q63_lead;
SET ROLE regress_q63_lead;
SELECT count(*) AS agent_days, count(qa_score) AS with_qa, count(ces) AS with_ces
FROM ccr.kpi_agent_daily_live WHERE agent LIKE 'q63%';
RESET ROLE;
REVOKE ALL ON ccr.contacts, ccr.kpi_agent_daily_live, ccr.qa_evaluations FROM regress_q63_lead;
REVOKE USAGE ON SCHEMA ccr FROM regress_q63_lead;
DROP ROLE regress_q63_lead;

-- clean up
DELETE FROM ccr.qa_evaluations WHERE source = 'q63';
DELETE FROM ccr.contacts WHERE source = 'q63';
DELETE FROM ccr.settings;
INSERT INTO ccr.settings SELECT * FROM saved_settings;
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
SELECT count(*) AS q63_rows_left FROM ccr.kpi_agent_daily WHERE agent LIKE 'q63%';
