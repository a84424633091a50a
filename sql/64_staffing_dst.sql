-- ccr.staffing_hourly across the end of daylight saving time in New York
-- (2026-11-01: 01:00-02:00 local happens twice) and the start (2026-03-08:
-- 02:00-03:00 local does not exist): one row per real hour, presence split
-- at the same boundaries as the contacts.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

CREATE TEMP TABLE saved_settings AS SELECT * FROM ccr.settings;
SELECT ccr.set_timezone('America/New_York');
INSERT INTO ccr.contacts (source, source_id, queue, agent, offered_at, answered_at, ended_at, outcome, talk_s)
SELECT 'q64', d || '-' || g, 'q64_dst', 'q64_agent' || (g % 3), t, t + interval '12 seconds', t + interval '5 minutes',
	   'answered', 288
FROM (VALUES (timestamptz '2026-11-01 03:00+00'), (timestamptz '2026-03-08 05:00+00')) v(d0),
	 LATERAL (SELECT to_char(d0, 'MMDD') AS d) n,
	 LATERAL (SELECT g, d0 + regress.rand(6401, d || g) * interval '5 hours' AS t FROM generate_series(1, 300) g) x;
CREATE TEMP TABLE sessions64 AS
SELECT 'q64_agent' || k AS agent, d0 + k * interval '17 minutes' AS session_from,
	   d0 + interval '4 hours' + k * interval '23 minutes' AS session_until
FROM (VALUES (timestamptz '2026-11-01 03:00+00'), (timestamptz '2026-03-08 05:00+00')) v(d0), generate_series(0, 2) k;
INSERT INTO ccr.agent_presence_events (at, agent, queue, event)
SELECT session_from, agent, 'q64_dst', 'ADDMEMBER' FROM sessions64
UNION ALL SELECT session_until, agent, 'q64_dst', 'REMOVEMEMBER' FROM sessions64;
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();

-- local hours: the repeated 01:00 shows as two rows, 02:00 on 2026-03-08 not at all
SELECT to_char(bucket AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI') AS local_hour,
	   extract(epoch FROM lead(bucket) OVER (ORDER BY bucket) - bucket) AS seconds_to_next,
	   offered > 0 AS has_contacts, agents_logged_in IS NOT NULL AS has_presence
FROM ccr.staffing_hourly WHERE queue = 'q64_dst' ORDER BY bucket;

-- against the direct computation (each bucket one real hour long)
SELECT count(*) AS hours,
	   count(*) FILTER (WHERE s.offered IS DISTINCT FROM r.offered) AS offered_bad,
	   count(*) FILTER (WHERE NOT regress.close(s.agents_logged_in, r.logged_s / 3600)) AS logged_in_bad
FROM (SELECT * FROM ccr.staffing_hourly WHERE queue = 'q64_dst') s
	 FULL JOIN (SELECT h.bucket, h.offered,
					   (SELECT sum(extract(epoch FROM least(x.session_until, h.bucket + interval '1 hour')
											   - greatest(x.session_from, h.bucket)))
						FROM sessions64 x
						WHERE x.session_from < h.bucket + interval '1 hour' AND x.session_until > h.bucket) AS logged_s
				FROM (SELECT date_trunc('hour', offered_at, 'America/New_York') AS bucket, count(*) AS offered
					  FROM ccr.contacts WHERE source = 'q64' GROUP BY 1) h) r USING (bucket);

-- clean up
DELETE FROM ccr.agent_presence_events WHERE agent LIKE 'q64%';
DELETE FROM ccr.contacts WHERE source = 'q64';
DELETE FROM ccr.settings;
INSERT INTO ccr.settings SELECT * FROM saved_settings;
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
