-- ccr.staffing_hourly against a direct computation from generated contacts
-- and presence sessions.  Own queues (q62_*), settings saved and restored,
-- rows removed at the end.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

CREATE TEMP TABLE saved_settings AS SELECT * FROM ccr.settings;
SELECT ccr.set_timezone('America/New_York');
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, offered_at, answered_at, ended_at, outcome,
						  talk_s, hold_s, acw_s)
SELECT 'q62', g::text, CASE WHEN g % 5 = 0 THEN 'chat' ELSE 'voice' END, q,
	   CASE WHEN ans THEN 'q62_agent' || (g % 7) END,
	   t, CASE WHEN ans THEN t + w * interval '1 second' END,
	   t + (w + CASE WHEN ans THEN talk ELSE 0 END) * interval '1 second',
	   CASE WHEN ans THEN 'answered' WHEN g % 11 = 0 THEN 'timeout' ELSE 'abandoned' END,
	   CASE WHEN ans THEN talk END, CASE WHEN ans AND g % 3 = 0 THEN hold END, CASE WHEN ans AND g % 4 <> 0 THEN acw END
FROM (SELECT g, 'q62_' || (ARRAY['a', 'b', 'c'])[1 + g % 3] AS q,
			 timestamptz '2026-02-10 05:00+00' + regress.rand(6201, g) * interval '40 hours' AS t,
			 regress.rand(6202, g) < 0.85 AS ans,
			 round((regress.rand(6203, g) * regress.rand(6204, g) * 90)::numeric, 3)::float8 AS w,
			 round((60 + regress.rand(6205, g) * 500)::numeric, 3)::float8 AS talk,
			 round((regress.rand(6206, g) * 60)::numeric, 3)::float8 AS hold,
			 round((regress.rand(6207, g) * 90)::numeric, 3)::float8 AS acw
	  FROM generate_series(1, 6000) g) x;
-- an hour of queue c in which every caller abandoned: no AHT to size with
INSERT INTO ccr.contacts (source, source_id, queue, offered_at, ended_at, outcome)
SELECT 'q62', 'abandon' || g, 'q62_c', timestamptz '2026-02-12 03:10+00' + g * interval '1 minute',
	   timestamptz '2026-02-12 03:10+00' + g * interval '1 minute' + interval '45 seconds', 'abandoned'
FROM generate_series(1, 5) g;

-- an hour of queue a whose only contact never ended and was never answered
-- (no wait, so nothing offered) but carries talk time: offered 0, needs 0
INSERT INTO ccr.contacts (source, source_id, queue, offered_at, outcome, talk_s)
VALUES ('q62', 'odd', 'q62_a', timestamptz '2026-02-12 01:30+00', 'abandoned', 30);

-- presence: three non-overlapping membership sessions per agent in queues a
-- and b (queue c has none: agents_logged_in is NULL there)
CREATE TEMP TABLE sessions AS
SELECT 'q62_agent' || k AS agent, q, s AS session_from,
	   s + (2 + regress.rand(6208, k || q || i) * 8) * interval '1 hour' AS session_until
FROM (SELECT k, q, i, timestamptz '2026-02-10 03:00+00' + i * interval '16 hours' + regress.rand(6209, k || q || i) * interval '4 hours' AS s
	  FROM generate_series(0, 6) k, (VALUES ('q62_a'), ('q62_b')) v(q), generate_series(0, 2) i) x;
INSERT INTO ccr.agent_presence_events (at, agent, queue, event)
SELECT session_from, agent, q, 'ADDMEMBER' FROM sessions
UNION ALL SELECT session_until, agent, q, 'REMOVEMEMBER' FROM sessions
UNION ALL SELECT session_from + interval '10 minutes', agent, q, 'PAUSE' FROM sessions WHERE agent = 'q62_agent1';

SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();

-- direct computation (threshold 20 s, policy negative, no short-abandon bound)
-- the data end used by the reference is after every generated session
SELECT max(session_until) < timestamptz '2026-02-12 03:15:45+00' AS data_end_after_sessions FROM sessions;

CREATE TEMP VIEW staffing_ref AS
WITH c AS (
	SELECT date_trunc('hour', offered_at, 'America/New_York') AS bucket, queue,
		   count(wait_s) AS offered,
		   count(*) FILTER (WHERE answered) AS answered,
		   count(talk_s) AS handled,
		   avg(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) AS aht_s,
		   count(*) FILTER (WHERE answered AND wait_s <= 20)::float8 / nullif(count(wait_s), 0) AS service_level
	FROM ccr.contacts WHERE source = 'q62' GROUP BY 1, 2
), data_end AS (
	-- the last instant generated above: the end of the last all-abandoned call
	-- of queue c (03:10 + 5 min + 45 s); checked below against the generator
	SELECT timestamptz '2026-02-12 03:15:45+00' AS t
), first_event AS (
	SELECT q AS queue, min(session_from) AS t FROM sessions GROUP BY q
), p AS (
	SELECT c.bucket, c.queue,
		   (SELECT sum(extract(epoch FROM least(s.session_until, c.bucket + interval '1 hour') - greatest(s.session_from, c.bucket)))
			FROM sessions s WHERE s.q = c.queue AND s.session_from < c.bucket + interval '1 hour' AND s.session_until > c.bucket) AS logged_s,
		   extract(epoch FROM least(d.t, c.bucket + interval '1 hour') - greatest(f.t, c.bucket)) AS covered_s
	FROM c JOIN first_event f USING (queue), data_end d
)
SELECT c.*, c.offered * c.aht_s / 3600 AS erlangs,
	   c.aht_s IS NULL AS no_aht,
	   CASE WHEN p.covered_s > 0 THEN coalesce(p.logged_s, 0) / p.covered_s END AS agents_logged_in
FROM c LEFT JOIN p USING (bucket, queue);

SELECT count(*) AS hours,
	   count(*) FILTER (WHERE s.bucket IS NULL OR r.bucket IS NULL) AS missing,
	   count(*) FILTER (WHERE s.offered <> r.offered OR s.answered <> r.answered OR s.handled <> r.handled) AS counts_bad,
	   count(*) FILTER (WHERE NOT regress.close(s.aht_s, r.aht_s)) AS aht_bad,
	   count(*) FILTER (WHERE NOT regress.close(s.offered_erlangs, r.erlangs)) AS erlangs_bad,
	   count(*) FILTER (WHERE s.service_level IS DISTINCT FROM r.service_level) AS sl_bad,
	   count(*) FILTER (WHERE s.agents_needed IS DISTINCT FROM CASE WHEN r.offered = 0 THEN 0 WHEN NOT r.no_aht THEN ccr.erlang_c_agents(r.offered, 3600, r.aht_s, 0.8, 20) END) AS needed_bad,
	   count(*) FILTER (WHERE s.agents_scheduled IS DISTINCT FROM s.agents_needed) AS scheduled_bad,
	   count(*) FILTER (WHERE NOT regress.close(s.agents_logged_in, r.agents_logged_in)) AS logged_in_bad,
	   count(*) FILTER (WHERE s.agents_logged_in IS NOT NULL) AS hours_with_presence,
	   count(*) FILTER (WHERE s.agents_needed IS NULL) AS hours_without_aht,
	   count(*) FILTER (WHERE NOT regress.close(s.erlang_service_level,
						CASE WHEN r.agents_logged_in IS NOT NULL AND r.aht_s IS NOT NULL AND r.offered > 0
							 THEN ccr.erlang_c_service_level(r.offered, 3600, r.aht_s, floor(r.agents_logged_in)::int, 20) END)) AS erlang_sl_bad,
	   bool_and(s.target_sl = 0.8 AND s.threshold_s = 20) AS defaults_ok
FROM (SELECT * FROM ccr.staffing_hourly WHERE queue LIKE 'q62%') s
	 FULL JOIN staffing_ref r USING (bucket, queue);
SELECT offered, handled, agents_needed, agents_scheduled, erlang_service_level, service_level, agents_logged_in IS NOT NULL AS has_presence
FROM ccr.staffing_hourly WHERE queue = 'q62_a' AND bucket = timestamptz '2026-02-12 01:00+00';
SELECT queue, count(*) AS hours, count(agents_logged_in) AS with_presence
FROM ccr.staffing_hourly WHERE queue LIKE 'q62%' GROUP BY queue ORDER BY queue;

-- a target with an occupancy cap and shrinkage applies at once, without a refresh
SELECT ccr.set_staffing_target(0.9, 0.85, 0.3);
SELECT count(*) AS hours,
	   count(*) FILTER (WHERE s.agents_needed IS DISTINCT FROM CASE WHEN r.offered = 0 THEN 0 WHEN NOT r.no_aht THEN ccr.erlang_c_agents(r.offered, 3600, r.aht_s, 0.9, 20, 0.85) END) AS needed_bad,
	   count(*) FILTER (WHERE s.agents_scheduled IS DISTINCT FROM CASE WHEN r.offered = 0 THEN 0 WHEN NOT r.no_aht THEN ccr.erlang_c_agents(r.offered, 3600, r.aht_s, 0.9, 20, 0.85, 0.3) END) AS scheduled_bad,
	   bool_and(s.target_sl = 0.9) AS target_shown
FROM (SELECT * FROM ccr.staffing_hourly WHERE queue LIKE 'q62%') s JOIN staffing_ref r USING (bucket, queue);
-- a KPI threshold of 30 s: the Erlang target follows the threshold the summaries were built with
SELECT ccr.set_kpi_service_level(30);
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
SELECT count(*) AS hours,
	   count(*) FILTER (WHERE s.agents_needed IS DISTINCT FROM CASE WHEN r.offered = 0 THEN 0 WHEN NOT r.no_aht THEN ccr.erlang_c_agents(r.offered, 3600, r.aht_s, 0.9, 30, 0.85) END) AS needed_bad,
	   bool_and(s.threshold_s = 30) AS threshold_followed
FROM (SELECT * FROM ccr.staffing_hourly WHERE queue LIKE 'q62%') s JOIN staffing_ref r USING (bucket, queue);

-- bad targets: 22023 naming the value, nothing stored
SELECT q, regress.err(q) FROM (VALUES
	($$SELECT ccr.set_staffing_target(80)$$),
	($$SELECT ccr.set_staffing_target(NULL)$$),
	($$SELECT ccr.set_staffing_target(0.8, 0)$$),
	($$SELECT ccr.set_staffing_target(0.8, 1, 1)$$)
) v(q);
SELECT ccr.staffing_target_sl() AS target_kept;

-- the view's columns are plain types for BI tools
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'ccr.staffing_hourly'::regclass AND attnum > 0 ORDER BY attnum;

-- clean up: own rows and settings
DELETE FROM ccr.agent_presence_events WHERE agent LIKE 'q62%';
DELETE FROM ccr.contacts WHERE source = 'q62';
DELETE FROM ccr.settings;
INSERT INTO ccr.settings SELECT * FROM saved_settings;
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
SELECT count(*) AS q62_rows_left FROM ccr.staffing_hourly WHERE queue LIKE 'q62%';
