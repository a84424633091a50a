
-- ===================== staffing and quality views =====================
-- ccr.staffing_hourly: Erlang C next to the measured service level, per
-- queue and local hour; quality columns appended to ccr.kpi_agent_daily.

-- Staffing target (ccr.settings rows; absent = default).  The threshold is
-- not a setting of its own: it is the KPI threshold each hourly summary was
-- built with (ccr.set_kpi_service_level()), so the Erlang C target and the
-- measured service level always speak of the same seconds.
CREATE FUNCTION ccr.staffing_target_sl() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'staffing_target_sl')::double precision, 0.8) $$;
COMMENT ON FUNCTION ccr.staffing_target_sl() IS 'service-level target of ccr.staffing_hourly, default 0.8; set with ccr.set_staffing_target()';
CREATE FUNCTION ccr.staffing_max_occupancy() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'staffing_max_occupancy')::double precision, 1) $$;
COMMENT ON FUNCTION ccr.staffing_max_occupancy() IS 'occupancy cap of ccr.staffing_hourly, default 1 (none); set with ccr.set_staffing_target()';
CREATE FUNCTION ccr.staffing_shrinkage() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'staffing_shrinkage')::double precision, 0) $$;
COMMENT ON FUNCTION ccr.staffing_shrinkage() IS 'shrinkage of ccr.staffing_hourly.agents_scheduled, default 0; set with ccr.set_staffing_target()';

CREATE FUNCTION ccr.set_staffing_target(target_sl double precision,
										max_occupancy double precision DEFAULT 1,
										shrinkage double precision DEFAULT 0)
	RETURNS void LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	-- the same checks (and messages) as ccr.erlang_c_agents, before anything is stored
	PERFORM ccr.erlang_c_agents(0, 1, 0, target_sl, 0, max_occupancy, shrinkage);
	INSERT INTO ccr.settings (name, value)
	VALUES ('staffing_target_sl', target_sl::text), ('staffing_max_occupancy', max_occupancy::text),
		   ('staffing_shrinkage', shrinkage::text)
	ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
END $$;
COMMENT ON FUNCTION ccr.set_staffing_target(double precision, double precision, double precision) IS
	'sets the Erlang C target of ccr.staffing_hourly: service level target_sl (fraction, default 0.8) within the KPI threshold, occupancy cap and shrinkage; used at once (no refresh needed); bad values are SQLSTATE 22023';

-- Queue membership (ADDMEMBER .. REMOVEMEMBER) per local hour: logged-in
-- agent-seconds and the seconds of the hour that presence data covers (from
-- the queue's first membership event to the end of the loaded data, as
-- ccr.agent_states counts an open state).  Paused members count as logged in.
CREATE MATERIALIZED VIEW ccr.queue_presence_hourly AS
WITH params AS (
	SELECT ccr.timezone() AS tz,
		   greatest((SELECT max(e.at) FROM ccr.agent_presence_events e),
					(SELECT max(coalesce(c.ended_at, c.answered_at, c.offered_at)) FROM ccr.contacts c)) AS data_end
), ev AS (
	SELECT coalesce(al.agent, e.agent) AS agent, e.queue, e.at, e.event = 'ADDMEMBER' AS member
	FROM ccr.agent_presence_events e
		 LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = e.agent
	WHERE e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
), spans AS (
	SELECT ev.agent, ev.queue, ev.at AS span_from,
		   coalesce(lead(ev.at) OVER (PARTITION BY ev.agent, ev.queue ORDER BY ev.at, ev.member), p.data_end) AS span_until,
		   ev.member
	FROM ev, params p
), coverage AS (
	SELECT ev.queue, min(ev.at) AS covered_from, p.data_end, p.tz
	FROM ev, params p GROUP BY ev.queue, p.data_end, p.tz
), hours AS (
	SELECT cv.queue, h AS bucket,
		   extract(epoch FROM least(h + interval '1 hour', cv.data_end) - greatest(h, cv.covered_from))::double precision AS covered_s
	FROM coverage cv,
		 generate_series(date_trunc('hour', cv.covered_from, cv.tz), cv.data_end, interval '1 hour') h
	WHERE h < cv.data_end
), logged AS (
	SELECT s.queue, h AS bucket,
		   sum(extract(epoch FROM least(h + interval '1 hour', s.span_until) - greatest(h, s.span_from)))::double precision AS logged_in_s
	FROM spans s, params p,
		 generate_series(date_trunc('hour', s.span_from, p.tz), s.span_until, interval '1 hour') h
	WHERE s.member AND s.span_until > s.span_from AND h < s.span_until
	GROUP BY 1, 2
)
SELECT hr.bucket, hr.queue, coalesce(l.logged_in_s, 0) AS logged_in_s, hr.covered_s
FROM hours hr LEFT JOIN logged l USING (queue, bucket)
WHERE hr.covered_s > 0;
CREATE UNIQUE INDEX queue_presence_hourly_key ON ccr.queue_presence_hourly (bucket, queue);
COMMENT ON MATERIALIZED VIEW ccr.queue_presence_hourly IS
	'per local hour and queue with presence data: logged-in agent-seconds of queue members (ADDMEMBER..REMOVEMEMBER, paused included) and the seconds of the hour the data covers; refreshed by ccr.refresh_kpis()';

CREATE VIEW ccr.staffing_hourly AS
SELECT h.bucket,
	   h.queue,
	   h.offered,
	   h.answered,
	   h.abandoned,
	   h.handled,
	   h.aht_s,
	   h.offered * h.aht_s / 3600 AS offered_erlangs,
	   CASE WHEN h.offered = 0 THEN 0
			WHEN h.aht_s IS NOT NULL
			THEN ccr.erlang_c_agents(h.offered, 3600, h.aht_s, p.target_sl, h.threshold_s, p.max_occupancy, 0) END AS agents_needed,
	   CASE WHEN h.offered = 0 THEN 0
			WHEN h.aht_s IS NOT NULL
			THEN ccr.erlang_c_agents(h.offered, 3600, h.aht_s, p.target_sl, h.threshold_s, p.max_occupancy, p.shrinkage) END AS agents_scheduled,
	   h.service_level,
	   pr.logged_in_s / pr.covered_s AS agents_logged_in,
	   CASE WHEN pr.covered_s IS NOT NULL AND h.aht_s IS NOT NULL AND h.offered > 0
			THEN ccr.erlang_c_service_level(h.offered, 3600, h.aht_s, floor(pr.logged_in_s / pr.covered_s)::integer,
											h.threshold_s) END AS erlang_service_level,
	   p.target_sl,
	   h.threshold_s,
	   h.asa_s,
	   h.abandon_rate
FROM (SELECT r.bucket,
			 r.queue,
			 coalesce(ccr.offered(ccr.rollup(r.sl)), 0) AS offered,
			 coalesce(ccr.answered(ccr.rollup(r.sl)), 0) AS answered,
			 coalesce(ccr.abandoned(ccr.rollup(r.sl)), 0) AS abandoned,
			 coalesce(ccr.handled(ccr.rollup(r.aht)), 0) AS handled,
			 ccr.aht(ccr.rollup(r.aht)) AS aht_s,
			 ccr.service_level(ccr.rollup(r.sl), (SELECT ccr.kpi_policy())) AS service_level,
			 ccr.asa(ccr.rollup(r.sl)) AS asa_s,
			 ccr.abandon_rate(ccr.rollup(r.sl)) AS abandon_rate,
			 -- the threshold the summaries were built with (every row of a refresh has the same)
			 substring(min(r.sl::text) FROM ' threshold=([^ ]+)')::double precision AS threshold_s
	  FROM ccr.kpi_hourly_rollup r
	  GROUP BY r.bucket, r.queue) h
	 CROSS JOIN (SELECT ccr.staffing_target_sl() AS target_sl, ccr.staffing_max_occupancy() AS max_occupancy,
						ccr.staffing_shrinkage() AS shrinkage) p
	 LEFT JOIN ccr.queue_presence_hourly pr ON pr.bucket = h.bucket AND pr.queue = h.queue;
COMMENT ON VIEW ccr.staffing_hourly IS
	'per local hour and queue (all channels): offered, AHT, offered load in Erlangs, the agents Erlang C says were needed for the staffing target (ccr.set_staffing_target(), default 80 % within the KPI threshold, default 20 s) and scheduled with shrinkage, the measured service level, the average agents logged in (NULL without presence data) and the Erlang C service level those agents predict; as of the last ccr.refresh_kpis()';
COMMENT ON COLUMN ccr.staffing_hourly.offered_erlangs IS 'offered load A = offered * aht_s / 3600';
COMMENT ON COLUMN ccr.staffing_hourly.agents_needed IS 'fewest agents with Erlang C service level >= target_sl within threshold_s (and occupancy <= the cap); 0 with nothing offered, NULL without a handled contact to measure AHT';
COMMENT ON COLUMN ccr.staffing_hourly.agents_scheduled IS 'agents_needed / (1 - shrinkage), rounded up';
COMMENT ON COLUMN ccr.staffing_hourly.agents_logged_in IS 'average number of queue members logged in during the covered part of the hour (paused included); NULL where no presence data exists';
COMMENT ON COLUMN ccr.staffing_hourly.erlang_service_level IS 'the service level Erlang C predicts with floor(agents_logged_in) agents; compare with service_level';

-- QA summaries per local day and agent, with the caller's rights: a role
-- that may not read ccr.qa_evaluations gets no rows (its QA columns in the
-- live agent view are NULL) rather than an error, so granting the live view
-- and ccr.contacts stays enough to read the rest.  Evaluations count on the
-- local day of the evaluated contact, else on that of the evaluation.
CREATE FUNCTION ccr.qa_agent_daily_visible()
	RETURNS TABLE (day date, agent text, qa ccr.qa_summary)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $$
BEGIN
	IF NOT (pg_catalog.has_table_privilege('ccr.qa_evaluations', 'SELECT')
			AND pg_catalog.has_table_privilege('ccr.contacts', 'SELECT')) THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT (coalesce(ct.offered_at, e.evaluated_at) AT TIME ZONE ccr.timezone())::date,
		   e.agent,
		   ccr.qa_agg(e.earned, e.possible, e.auto_fail)
	FROM ccr.qa_evaluations e
		 LEFT JOIN ccr.contacts ct ON ct.contact_id = e.contact_id
	GROUP BY 1, 2;
END $$;
COMMENT ON FUNCTION ccr.qa_agent_daily_visible() IS
	'QA summaries per local day (of the evaluated contact, else of the evaluation) and agent that the caller may read; no rows without SELECT on ccr.qa_evaluations';

-- Quality per local day and agent: CES of the contacts the agent handled,
-- QA evaluations, survey responses among answered contacts.  A live view
-- with the caller's rights (like ccr.kpi_agent_daily_live) and its
-- materialized copy for ccr.kpi_agent_daily.
CREATE VIEW ccr.quality_agent_daily_live WITH (security_invoker = true) AS
WITH p AS (SELECT ccr.timezone() AS tz),
c AS (
	SELECT (c.offered_at AT TIME ZONE p.tz)::date AS day,
		   c.agent,
		   -- ccr.contacts keeps no CES scale (only ces_score >= 1): mean of the scores as stored
		   ccr.ces_agg(c.ces_score, greatest(c.ces_score, 2)) AS ces,
		   count(*) FILTER (WHERE c.answered) AS answered,
		   count(*) FILTER (WHERE c.answered AND (c.csat_score IS NOT NULL OR c.nps_score IS NOT NULL
												  OR c.ces_score IS NOT NULL)) AS surveyed
	FROM ccr.contacts c, p
	WHERE c.agent IS NOT NULL
	GROUP BY 1, 2
)
SELECT date_trunc('day', day::timestamp) AT TIME ZONE p.tz AS bucket,
	   day,
	   agent,
	   c.ces,
	   q.qa,
	   coalesce(c.answered, 0) AS answered,
	   coalesce(c.surveyed, 0) AS surveyed
FROM c FULL JOIN ccr.qa_agent_daily_visible() q USING (day, agent), p;
COMMENT ON VIEW ccr.quality_agent_daily_live IS
	'quality summaries per local day and agent computed now with the caller''s rights: CES of handled contacts, QA evaluations (by the day of the evaluated contact, else of the evaluation; none without SELECT on ccr.qa_evaluations), answered and surveyed contacts';
-- security_invoker: reading it still needs SELECT on ccr.contacts (row-level security applies)
GRANT SELECT ON ccr.quality_agent_daily_live TO PUBLIC;

CREATE MATERIALIZED VIEW ccr.quality_agent_daily_rollup AS
SELECT bucket, day, agent, ces, qa, answered, surveyed FROM ccr.quality_agent_daily_live;
CREATE UNIQUE INDEX quality_agent_daily_rollup_key ON ccr.quality_agent_daily_rollup (day, agent);
COMMENT ON MATERIALIZED VIEW ccr.quality_agent_daily_rollup IS
	'ccr.quality_agent_daily_live as of the last ccr.refresh_kpis(): CES and QA summaries, answered and surveyed contacts per local day and agent; merge days with ccr.rollup()';

-- Append the quality columns to ccr.kpi_agent_daily (from the rollup) and to
-- ccr.kpi_agent_daily_live (computed now).  Each view is wrapped as it stands
-- when this script runs (whatever columns earlier fragments gave it), so its
-- columns stay first and in order, as CREATE OR REPLACE VIEW requires; its
-- options (security_invoker) are restated, as CREATE OR REPLACE resets them.
DO $$
DECLARE
	v record;
	opts text;
BEGIN
	FOR v IN SELECT * FROM (VALUES ('ccr.kpi_agent_daily', 'ccr.quality_agent_daily_rollup'),
								   ('ccr.kpi_agent_daily_live', 'ccr.quality_agent_daily_live')) x(view, quality)
	LOOP
		SELECT CASE WHEN c.reloptions IS NOT NULL THEN format('WITH (%s)', array_to_string(c.reloptions, ', ')) ELSE '' END
		INTO opts FROM pg_class c WHERE c.oid = v.view::regclass;
		EXECUTE format($v$
CREATE OR REPLACE VIEW %s %s AS
SELECT k.*,
	   100 * k.csat AS csat_pct,
	   ccr.ces(q.ces) AS ces,
	   coalesce(ccr.responses(q.ces), 0) AS ces_responses,
	   ccr.qa_score(q.qa) AS qa_score,
	   coalesce(ccr.evaluations(q.qa), 0) AS qa_evaluations,
	   ccr.auto_fail_rate(q.qa) AS qa_auto_fail_rate,
	   q.surveyed::double precision / nullif(q.answered, 0) AS survey_response_rate
FROM (%s) k
	 LEFT JOIN %s q ON q.day = k.day AND q.agent = k.agent
$v$, v.view, opts, rtrim(pg_catalog.pg_get_viewdef(v.view::regclass), E'; \n'), v.quality);
	END LOOP;
END $$;
COMMENT ON VIEW ccr.kpi_agent_daily IS
	'KPIs per local day and agent, as of the last ccr.refresh_kpis(); quality columns at the end: csat_pct, ces, ces_responses, qa_score, qa_evaluations, qa_auto_fail_rate, survey_response_rate (surveyed / answered contacts: the data has no survey-offered flag, so this is the response rate, not the offer rate)';
COMMENT ON VIEW ccr.kpi_agent_daily_live IS
	'ccr.kpi_agent_daily computed from ccr.contacts and ccr.qa_evaluations now, with the caller''s rights (row-level security applies)';
