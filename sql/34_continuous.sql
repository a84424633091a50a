-- The continuous KPI layer (0.3.0): the views are real time before any
-- refresh, set_kpi_realtime(false) reads stored rows only, a refresh stores
-- exactly what a rebuild computes, repeat-contact FCR per hour and per
-- agent-day equals the spec's window-function reference in plain SQL, the
-- setters' bad values are 22023, and ccr.kpi_refresh_status has the spec's
-- columns.  (test/suites/kpi_property.sh runs random sequences of changes.)
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SELECT ccr.set_timezone('Europe/Paris');
SELECT ccr.set_kpi_fcr_window('2 days');
\set ECHO none
\set n 3000
\set days 10
\set start 2026-10-20
\set tz Europe/Paris
\set seed 0.34
\set customers 400
\set source c34
\i :abs_srcdir/test/data/generate_contacts.sql
\set ECHO all

-- bad settings
SELECT regress.err($$SELECT ccr.set_kpi_fcr_window(NULL)$$);
SELECT regress.err($$SELECT ccr.set_kpi_fcr_window('-1 hour')$$);
SELECT regress.err($$SELECT ccr.set_kpi_realtime(NULL)$$);

-- the spec's status columns
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'ccr.kpi_refresh_status'::regclass AND attnum > 0 ORDER BY attnum;

-- before any refresh: nothing stored, the views show every contact
SELECT (SELECT count(*) FROM ccr.kpi_hourly_rollup) AS stored_rows,
	   (SELECT sum(contacts) FROM ccr.kpi_hourly) = (SELECT count(*) FROM ccr.contacts) AS hourly_real_time,
	   (SELECT sum(contacts) FROM ccr.kpi_monthly) = (SELECT count(*) FROM ccr.contacts) AS monthly_real_time,
	   (SELECT bool_and(pending_keys > 0) FROM ccr.kpi_refresh_status WHERE rollup LIKE 'kpi%') AS pending;
SELECT ccr.set_kpi_realtime(false);
SELECT count(*) AS rows_stored_only FROM ccr.kpi_hourly;
SELECT ccr.set_kpi_realtime(true);

SELECT regress.model_refresh() AS refreshed;
SELECT rollup, pending_keys, oldest_change_at IS NULL AS nothing_pending, rebuild_due
FROM ccr.kpi_refresh_status WHERE rollup LIKE 'kpi%' ORDER BY rollup;

-- repeat-contact FCR against the spec's reference (lag/lead per customer)
CREATE TEMP VIEW fcr_ref AS
SELECT offered_at, queue, channel, agent,
	   customer IS NOT NULL AND (prv IS NULL OR offered_at - prv > interval '2 days') AS first_contact,
	   customer IS NOT NULL AND (prv IS NULL OR offered_at - prv > interval '2 days')
		   AND (nxt IS NULL OR nxt - offered_at > interval '2 days') AS resolved
FROM (SELECT c.*, lag(offered_at) OVER w AS prv, lead(offered_at) OVER w AS nxt
	  FROM ccr.contacts c WINDOW w AS (PARTITION BY customer ORDER BY offered_at, contact_id)) s;
CREATE FUNCTION pg_temp.fcr_mismatches() RETURNS TABLE (hours bigint, hour_mismatches bigint, agent_days bigint, agent_day_mismatches bigint)
LANGUAGE sql AS $$
SELECT (SELECT count(*) FROM ccr.kpi_hourly),
	   (SELECT count(*) FROM ccr.kpi_hourly h
			FULL JOIN (SELECT date_trunc('hour', offered_at, 'Europe/Paris') AS bucket, queue, channel,
							  count(*) FILTER (WHERE first_contact) AS f, count(*) FILTER (WHERE resolved) AS r
					   FROM fcr_ref GROUP BY 1, 2, 3) x
			ON x.bucket = h.bucket AND x.queue IS NOT DISTINCT FROM h.queue AND x.channel = h.channel
		WHERE h.first_contacts IS DISTINCT FROM x.f
			  OR round(h.repeat_fcr_rate * h.first_contacts) IS DISTINCT FROM (CASE WHEN x.f > 0 THEN x.r END)),
	   (SELECT count(*) FROM ccr.kpi_agent_daily),
	   (SELECT count(*) FROM ccr.kpi_agent_daily a
			FULL JOIN (SELECT (offered_at AT TIME ZONE 'Europe/Paris')::date AS day, agent,
							  count(*) FILTER (WHERE first_contact) AS f
					   FROM fcr_ref WHERE agent IS NOT NULL GROUP BY 1, 2) x
			ON x.day = a.day AND x.agent = a.agent
		WHERE a.first_contacts IS DISTINCT FROM x.f) $$;
SELECT * FROM pg_temp.fcr_mismatches();

-- changes: real time equals the live views before the refresh, the same
-- reference after it, and the stored rows equal a rebuild's
INSERT INTO ccr.contacts (source, queue, channel, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s)
SELECT 'c34b', 'support', 'voice', 'agent001', 'C' || lpad((1 + g % 40)::text, 6, '0'), t, t + interval '12 s', t + interval '5 min', 'answered', 240
FROM generate_series(1, 60) g, LATERAL (SELECT timestamptz '2026-10-24 09:00+02' + g * interval '97 min' AS t) x;
UPDATE ccr.contacts SET queue = 'billing', offered_at = offered_at - interval '26 hours', answered_at = answered_at - interval '26 hours',
	   ended_at = ended_at - interval '26 hours'
WHERE source = 'c34' AND contact_id % 53 = 0;
DELETE FROM ccr.contacts WHERE source = 'c34' AND contact_id % 61 = 0;
SELECT (SELECT count(*) FROM ((TABLE ccr.kpi_hourly EXCEPT ALL TABLE ccr.kpi_hourly_live) UNION ALL (TABLE ccr.kpi_hourly_live EXCEPT ALL TABLE ccr.kpi_hourly)) a) AS hourly_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_daily EXCEPT ALL TABLE ccr.kpi_daily_live) UNION ALL (TABLE ccr.kpi_daily_live EXCEPT ALL TABLE ccr.kpi_daily)) a) AS daily_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_monthly EXCEPT ALL TABLE ccr.kpi_monthly_live) UNION ALL (TABLE ccr.kpi_monthly_live EXCEPT ALL TABLE ccr.kpi_monthly)) a) AS monthly_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_agent_daily EXCEPT ALL TABLE ccr.kpi_agent_daily_live) UNION ALL (TABLE ccr.kpi_agent_daily_live EXCEPT ALL TABLE ccr.kpi_agent_daily)) a) AS agent_diff;
SELECT hour_mismatches, agent_day_mismatches FROM pg_temp.fcr_mismatches();
SELECT regress.model_refresh() AS refreshed;
SELECT hour_mismatches, agent_day_mismatches FROM pg_temp.fcr_mismatches();
CREATE TEMP TABLE stored AS
SELECT 'h' AS r, x::text AS t FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x;
SELECT count(*) > 0 AS rebuilt FROM ccr.rebuild_kpis();
SELECT count(*) AS rows_refresh_and_rebuild_differ FROM (
	(TABLE stored EXCEPT ALL (SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x))
	UNION ALL
	((SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x)
	 EXCEPT ALL TABLE stored)) z;

-- a setting written straight into ccr.settings makes the next refresh a rebuild
UPDATE ccr.settings SET value = '3 days' WHERE name = 'kpi_fcr_window';
SELECT DISTINCT rebuild_due FROM ccr.kpi_refresh_status;
SELECT regress.model_refresh() AS refreshed;
SELECT DISTINCT rebuild_due FROM ccr.kpi_refresh_status;


-- a repeat contact leaves its customer's earlier contact's key clean: only
-- that contact's FCR flags are pending, and real time still equals live
SELECT regress.model_refresh() AS refreshed;
INSERT INTO ccr.contacts (source, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s)
SELECT 'c34r', c.channel, 'sales', c.agent, c.customer, c.offered_at + interval '1 day',
	   c.answered_at + interval '1 day', c.ended_at + interval '1 day', c.outcome, c.talk_s
FROM ccr.contacts c WHERE c.source = 'c34' AND c.customer IS NOT NULL ORDER BY c.contact_id LIMIT 1;
SELECT (SELECT count(*) FROM ccr.kpi_pending_fcr f JOIN ccr.contacts c USING (contact_id) WHERE c.source = 'c34') > 0 AS earlier_contacts_pending,
	   (SELECT count(*) FROM ccr.kpi_pending_hours h JOIN ccr.contacts c ON date_trunc('hour', c.offered_at, ccr.timezone()) = h.bucket
			AND c.queue IS NOT DISTINCT FROM h.queue AND c.channel = h.channel
	    WHERE c.source = 'c34' AND c.customer = (SELECT customer FROM ccr.contacts WHERE source = 'c34r')
			  AND NOT EXISTS (SELECT 1 FROM ccr.contacts n WHERE n.source = 'c34r' AND date_trunc('hour', n.offered_at, ccr.timezone()) = h.bucket)) AS earlier_keys_pending;
SELECT (SELECT count(*) FROM ((TABLE ccr.kpi_hourly EXCEPT ALL TABLE ccr.kpi_hourly_live) UNION ALL (TABLE ccr.kpi_hourly_live EXCEPT ALL TABLE ccr.kpi_hourly)) a) AS hourly_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_agent_daily EXCEPT ALL TABLE ccr.kpi_agent_daily_live) UNION ALL (TABLE ccr.kpi_agent_daily_live EXCEPT ALL TABLE ccr.kpi_agent_daily)) a) AS agent_diff;

-- where a local bucket ends, against the first later instant (15-minute
-- steps) of another bucket, over the daylight saving changes of zones with
-- whole-hour, half-hour and 45-minute offsets
SELECT z, g, count(*) FILTER (WHERE ccr.kpi_bucket_end(g, b, z) IS DISTINCT FROM nb) AS wrong, count(*) AS buckets
FROM (VALUES ('America/New_York'), ('Australia/Lord_Howe'), ('Asia/Kathmandu')) zz(z),
	 (VALUES ('hour'), ('day'), ('month')) gg(g),
	 LATERAL (SELECT DISTINCT date_trunc(g, t, z) AS b
			  FROM generate_series('2026-03-01'::timestamptz, '2026-11-30', CASE g WHEN 'hour' THEN interval '15 minutes' ELSE interval '1 hour' END) t
			  WHERE g <> 'hour' OR t < '2026-04-15' OR t >= '2026-10-01') bb,
	 LATERAL (SELECT min(date_trunc(g, t, z)) AS nb
			  FROM generate_series(bb.b, bb.b + interval '33 days', interval '15 minutes') t
			  WHERE date_trunc(g, t, z) > bb.b) n
GROUP BY 1, 2 ORDER BY 1, 2;

-- the local buckets the _live views read, against every quarter hour's
-- bucket from the first to the last contact (a whole year: each zone's
-- daylight saving changes, Lord Howe's half-hour one); none missing, and
-- the extra ones start after the last contact
BEGIN;
INSERT INTO ccr.contacts (source, queue, channel, offered_at, outcome)
VALUES ('c34z', 'support', 'voice', '2025-11-02 10:05+00', 'abandoned'), ('c34z', 'support', 'voice', '2026-11-12 17:20+00', 'abandoned');
CREATE TEMP TABLE bucket_checks (z text, missing bigint, extra_in_span bigint, duplicated bigint);
DO $$
DECLARE z text;
BEGIN
	FOREACH z IN ARRAY ARRAY['America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Tehran'] LOOP
		PERFORM ccr.set_timezone(z);
		INSERT INTO bucket_checks
		WITH s AS (SELECT min(offered_at) AS lo, max(offered_at) AS hi FROM ccr.contacts),
		ref AS (SELECT DISTINCT date_trunc('hour', t, z) AS b
				FROM s, generate_series(date_trunc('hour', s.lo), s.hi, interval '15 minutes') t),
		got AS (SELECT bucket FROM ccr.kpi_live_buckets('hour'))
		SELECT z, (SELECT count(*) FROM ref WHERE b NOT IN (SELECT bucket FROM got)),
			   (SELECT count(*) FROM got, s WHERE bucket <= s.hi AND bucket NOT IN (SELECT b FROM ref)),
			   (SELECT count(*) - count(DISTINCT bucket) FROM got);
	END LOOP;
END $$;
SELECT * FROM bucket_checks ORDER BY z;
ROLLBACK;

SELECT regress.reset_model();
