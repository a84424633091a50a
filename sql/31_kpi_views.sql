-- KPI views against plain SQL over ccr.contacts: generated contacts (the
-- reusable generator), a local time zone with a DST change, refresh, every
-- column of every view; live views equal the materialized ones; a time-zone
-- and threshold change take effect at the next refresh.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SELECT ccr.set_timezone('America/New_York');
-- How many of this suite's rollups a refresh refreshed (other matviews in
-- schema ccr are refreshed too, but are not counted here).
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\set n 20000
\set days 21
\set start 2026-02-27
\set tz America/New_York
\set seed 0.31
\set agents 12
\set source regress
\i :abs_srcdir/test/data/generate_contacts.sql
\set ECHO all
-- Awkward rows: no queue, an unanswered contact without an end (no wait),
-- a wait exactly at the threshold, answered by no known agent.
INSERT INTO ccr.contacts (source, queue, channel, offered_at, answered_at, ended_at, outcome, talk_s, fcr, resolved)
VALUES ('odd', NULL, 'voice', '2026-03-02 15:10+00', '2026-03-02 15:10:20+00', '2026-03-02 15:14+00', 'answered', 200, true, true),
	   ('odd', NULL, 'voice', '2026-03-02 15:20+00', NULL, '2026-03-02 15:20:05+00', 'abandoned', NULL, NULL, NULL),
	   ('odd', 'sales', 'voice', '2026-03-02 15:20+00', NULL, NULL, 'timeout', NULL, NULL, NULL),
	   ('odd', 'sales', 'sms', '2026-03-08 06:59:59+00', '2026-03-08 07:00:19+00', '2026-03-08 07:03+00', 'answered', 150, false, true);
SELECT count(*) > 19000 AS enough_rows, count(DISTINCT queue) AS queues, count(DISTINCT channel) AS channels,
	   count(*) FILTER (WHERE customer IN (SELECT customer FROM ccr.contacts GROUP BY 1 HAVING count(*) > 1)) > 1000 AS repeat_customers
FROM ccr.contacts;

SELECT matview, concurrent FROM ccr.refresh_kpis() WHERE matview::text ~ '^ccr\.kpi_(hourly|daily|monthly|agent_daily)_rollup$' ORDER BY 1::text;

-- Every view column has a plain type.
SELECT count(DISTINCT c.relname) >= 7 AS views_checked,
	   string_agg(c.relname || '.' || a.attname, ', ') FILTER (WHERE format_type(a.atttypid, a.atttypmod) NOT IN
		   ('bigint', 'double precision', 'date', 'timestamp with time zone', 'text')) AS non_plain_columns
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'ccr'::regnamespace AND c.relkind = 'v' AND c.relname LIKE 'kpi%';
-- The spec's columns come first, in order.
SELECT string_agg(attname, ', ' ORDER BY attnum) FILTER (WHERE attnum <= 15) AS kpi_daily
FROM pg_attribute WHERE attrelid = 'ccr.kpi_daily'::regclass AND attnum > 0;

-- The plain-SQL reference: one function of the grouping, threshold and zone.
CREATE FUNCTION regress.kpi_ref(grain text, zone text, thr float8 DEFAULT 20, short float8 DEFAULT 0, pol text DEFAULT 'negative')
RETURNS TABLE (bucket timestamptz, day date, queue text, channel text, agent text,
			   offered bigint, answered bigint, abandoned bigint, service_level float8, abandon_rate float8,
			   asa_s float8, aht_s float8, fcr_rate float8, resolution_rate float8, csat float8, nps float8,
			   contacts bigint, short_abandons bigint, handled bigint, csat_responses bigint, nps_responses bigint)
LANGUAGE sql AS $$
SELECT s.bucket, (s.bucket AT TIME ZONE zone)::date, s.queue, s.channel, s.agent,
	   s.a + s.b, s.a, s.b,
	   CASE pol WHEN 'negative' THEN s.a_t::float8 / nullif(s.a + s.b, 0)
				WHEN 'ignore' THEN s.a_t::float8 / nullif(s.a + s.b - s.b_t, 0)
				WHEN 'positive' THEN (s.a_t + s.b_t)::float8 / nullif(s.a + s.b, 0)
				ELSE s.a_t::float8 / nullif(s.a, 0) END,
	   s.b::float8 / nullif(s.a + s.b, 0),
	   s.asa, s.aht, s.fcr, s.res, s.csat, s.nps, s.n, s.short, s.handled, s.csat_n, s.nps_n
FROM (SELECT date_trunc(CASE grain WHEN 'hour' THEN 'hour' ELSE 'day' END, c.offered_at, zone) AS bucket,
			 CASE WHEN grain = 'agent' THEN NULL ELSE c.queue END AS queue,
			 CASE WHEN grain = 'agent' THEN NULL ELSE c.channel END AS channel,
			 CASE WHEN grain = 'agent' THEN c.agent END AS agent,
			 count(*) AS n,
			 count(*) FILTER (WHERE c.answered AND c.wait_s IS NOT NULL) AS a,
			 count(*) FILTER (WHERE c.answered AND c.wait_s <= thr) AS a_t,
			 count(*) FILTER (WHERE NOT c.answered AND c.wait_s >= short) AS b,
			 count(*) FILTER (WHERE NOT c.answered AND c.wait_s >= short AND c.wait_s <= thr) AS b_t,
			 count(*) FILTER (WHERE NOT c.answered AND c.wait_s < short) AS short,
			 avg(c.wait_s) FILTER (WHERE c.answered) AS asa,
			 avg(c.talk_s + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0)) AS aht,
			 count(c.talk_s) AS handled,
			 (count(*) FILTER (WHERE c.fcr))::float8 / nullif(count(c.fcr), 0) AS fcr,
			 (count(*) FILTER (WHERE c.resolved))::float8 / nullif(count(c.resolved), 0) AS res,
			 (count(*) FILTER (WHERE c.csat_score >= c.csat_scale - 1))::float8 / nullif(count(c.csat_score), 0) AS csat,
			 count(c.csat_score) AS csat_n,
			 100 * (count(*) FILTER (WHERE c.nps_score >= 9) - count(*) FILTER (WHERE c.nps_score <= 6))::float8
				 / nullif(count(c.nps_score), 0) AS nps,
			 count(c.nps_score) AS nps_n
	  FROM ccr.contacts c
	  WHERE grain <> 'agent' OR c.agent IS NOT NULL
	  GROUP BY 1, 2, 3, 4) s
$$;

-- Mismatches per column between a view and the reference (full join on the key).
CREATE FUNCTION regress.kpi_diff(v regclass, grain text, zone text, thr float8 DEFAULT 20, short float8 DEFAULT 0, pol text DEFAULT 'negative')
RETURNS TABLE (rows_view bigint, rows_ref bigint, unmatched bigint, bad_counts bigint, bad_rates bigint, bad_means bigint, bad_day bigint)
LANGUAGE plpgsql AS $$
DECLARE
	keycols text := CASE grain WHEN 'agent' THEN 'v.day = r.day AND v.agent = r.agent'
						  WHEN 'day' THEN 'v.day = r.day AND v.queue IS NOT DISTINCT FROM r.queue AND v.channel = r.channel'
						  ELSE 'v.bucket = r.bucket AND v.queue IS NOT DISTINCT FROM r.queue AND v.channel = r.channel' END;
BEGIN
	RETURN QUERY EXECUTE format($q$
		SELECT (SELECT count(*) FROM %1$s), count(r.*) ,
			   count(*) FILTER (WHERE v.bucket IS NULL OR r.bucket IS NULL),
			   count(*) FILTER (WHERE (v.offered, v.answered, v.abandoned, v.contacts, v.short_abandons, v.handled, v.csat_responses, v.nps_responses)
								   IS DISTINCT FROM (r.offered, r.answered, r.abandoned, r.contacts, r.short_abandons, r.handled, r.csat_responses, r.nps_responses)),
			   count(*) FILTER (WHERE NOT (v.service_level IS NOT DISTINCT FROM r.service_level AND v.abandon_rate IS NOT DISTINCT FROM r.abandon_rate
								   AND v.fcr_rate IS NOT DISTINCT FROM r.fcr_rate AND v.resolution_rate IS NOT DISTINCT FROM r.resolution_rate
								   AND v.csat IS NOT DISTINCT FROM r.csat AND regress.close(v.nps, r.nps))),
			   count(*) FILTER (WHERE NOT (regress.close(v.asa_s, r.asa_s) AND regress.close(v.aht_s, r.aht_s))),
			   count(*) FILTER (WHERE %4$s)
		FROM %1$s v FULL JOIN regress.kpi_ref(%2$L, %3$L, %5$s, %6$s, %7$L) r ON %8$s$q$,
		v, grain, zone,
		CASE WHEN grain = 'hour' THEN 'false' ELSE 'v.bucket IS DISTINCT FROM r.bucket' END,
		thr, short, pol, keycols);
END $$;

SELECT 'kpi_hourly' AS view, * FROM regress.kpi_diff('ccr.kpi_hourly', 'hour', 'America/New_York')
UNION ALL SELECT 'kpi_daily', * FROM regress.kpi_diff('ccr.kpi_daily', 'day', 'America/New_York')
UNION ALL SELECT 'kpi_agent_daily', * FROM regress.kpi_diff('ccr.kpi_agent_daily', 'agent', 'America/New_York')
UNION ALL SELECT 'kpi_hourly_live', * FROM regress.kpi_diff('ccr.kpi_hourly_live', 'hour', 'America/New_York')
UNION ALL SELECT 'kpi_daily_live', * FROM regress.kpi_diff('ccr.kpi_daily_live', 'day', 'America/New_York')
UNION ALL SELECT 'kpi_agent_daily_live', * FROM regress.kpi_diff('ccr.kpi_agent_daily_live', 'agent', 'America/New_York');

-- The day of the DST change has 23 local hours; its bucket is local midnight.
SELECT day, bucket, count(*) AS hours
FROM (SELECT DISTINCT d.day, d.bucket, h.bucket AS hour
	  FROM ccr.kpi_daily d JOIN ccr.kpi_hourly h ON h.bucket >= d.bucket AND h.bucket < d.bucket + interval '1 day'
	  WHERE d.day = '2026-03-08') s
GROUP BY 1, 2;
SELECT bucket, day FROM ccr.kpi_daily WHERE day IN ('2026-03-07', '2026-03-08', '2026-03-09') GROUP BY 1, 2 ORDER BY 1;

-- Live and materialized views agree bit for bit (summaries hold exact sums).
SELECT (SELECT count(*) FROM (TABLE ccr.kpi_daily EXCEPT TABLE ccr.kpi_daily_live) x) AS daily_only_mat,
	   (SELECT count(*) FROM (TABLE ccr.kpi_daily_live EXCEPT TABLE ccr.kpi_daily) x) AS daily_only_live,
	   (SELECT count(*) FROM (TABLE ccr.kpi_hourly EXCEPT TABLE ccr.kpi_hourly_live) x) AS hourly_diff,
	   (SELECT count(*) FROM (TABLE ccr.kpi_agent_daily EXCEPT TABLE ccr.kpi_agent_daily_live) x) AS agent_diff;

-- Months are rolled up from days: offered and rates against plain SQL.
SELECT count(*) AS months,
	   count(*) FILTER (WHERE m.offered IS DISTINCT FROM r.offered OR m.service_level IS DISTINCT FROM r.sl
						OR NOT regress.close(m.aht_s, r.aht) OR m.bucket IS DISTINCT FROM r.bucket) AS mismatches
FROM ccr.kpi_monthly m
	 FULL JOIN (SELECT date_trunc('month', offered_at, 'America/New_York') AS bucket, queue, channel,
					   count(wait_s) AS offered,
					   (count(*) FILTER (WHERE answered AND wait_s <= 20))::float8 / nullif(count(wait_s), 0) AS sl,
					   avg(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) AS aht
				FROM ccr.contacts GROUP BY 1, 2, 3) r
	 ON m.bucket = r.bucket AND m.queue IS NOT DISTINCT FROM r.queue AND m.channel = r.channel;

-- Rolling hours up by hand with ccr.rollup gives the daily row exactly.
SELECT count(*) AS days_checked,
	   count(*) FILTER (WHERE ccr.service_level(h.sl) IS DISTINCT FROM ccr.service_level(d.sl)
						OR ccr.aht(h.aht) IS DISTINCT FROM ccr.aht(d.aht)) AS mismatches
FROM ccr.kpi_daily_rollup d
	 CROSS JOIN LATERAL (SELECT ccr.rollup(x.sl) AS sl, ccr.rollup(x.aht) AS aht FROM ccr.kpi_hourly_rollup x
						 WHERE x.queue IS NOT DISTINCT FROM d.queue AND x.channel = d.channel
							   AND x.bucket >= d.bucket AND (x.bucket AT TIME ZONE 'America/New_York')::date = d.day) h;

-- A time-zone change rebuilds the rollups in the same transaction: the
-- views are in the new zone at once, and nothing is left pending.
SELECT ccr.set_timezone('Asia/Kolkata');
SELECT count(*) FILTER (WHERE extract(minute FROM bucket AT TIME ZONE 'UTC') = 30) = count(*) AS half_hour_buckets_at_once FROM ccr.kpi_hourly;
SELECT rollup, pending_keys, rebuild_due FROM ccr.kpi_refresh_status WHERE rollup LIKE 'kpi%' ORDER BY rollup;
SELECT 'kpi_hourly' AS view, * FROM regress.kpi_diff('ccr.kpi_hourly', 'hour', 'Asia/Kolkata')
UNION ALL SELECT 'kpi_daily', * FROM regress.kpi_diff('ccr.kpi_daily', 'day', 'Asia/Kolkata')
UNION ALL SELECT 'kpi_agent_daily', * FROM regress.kpi_diff('ccr.kpi_agent_daily', 'agent', 'Asia/Kolkata')
UNION ALL SELECT 'kpi_daily_live', * FROM regress.kpi_diff('ccr.kpi_daily_live', 'day', 'Asia/Kolkata');

-- Service-level settings: a threshold or short-abandon change rebuilds at
-- once, the policy is applied when read; bad values are 22023.
SELECT regress.err($$SELECT ccr.set_kpi_service_level(-1)$$);
SELECT regress.err($$SELECT ccr.set_kpi_service_level(NULL)$$);
SELECT regress.err($$SELECT ccr.set_kpi_service_level(20, 'strict')$$);
SELECT regress.err($$SELECT ccr.set_kpi_service_level(20, 'negative', -5)$$);
SELECT regress.err($$SELECT ccr.set_kpi_service_level('NaN')$$);
SELECT ccr.kpi_threshold_s(), ccr.kpi_policy(), ccr.kpi_short_abandon_s();
SELECT ccr.set_kpi_service_level(30, 'ignore', 5);
SELECT ccr.kpi_threshold_s(), ccr.kpi_policy(), ccr.kpi_short_abandon_s();
SELECT 'kpi_hourly' AS view, * FROM regress.kpi_diff('ccr.kpi_hourly', 'hour', 'Asia/Kolkata', 30, 5, 'ignore')
UNION ALL SELECT 'kpi_daily', * FROM regress.kpi_diff('ccr.kpi_daily', 'day', 'Asia/Kolkata', 30, 5, 'ignore')
UNION ALL SELECT 'kpi_agent_daily', * FROM regress.kpi_diff('ccr.kpi_agent_daily', 'agent', 'Asia/Kolkata', 30, 5, 'ignore')
UNION ALL SELECT 'kpi_hourly_live', * FROM regress.kpi_diff('ccr.kpi_hourly_live', 'hour', 'Asia/Kolkata', 30, 5, 'ignore');
SELECT ccr.set_kpi_service_level(30, 'positive', 5);
SELECT * FROM regress.kpi_diff('ccr.kpi_daily', 'day', 'Asia/Kolkata', 30, 5, 'positive');

-- Back to the defaults for the suites that follow.
DELETE FROM ccr.settings WHERE name LIKE 'kpi%';
SELECT ccr.set_timezone('UTC');
SELECT ccr.kpi_threshold_s(), ccr.kpi_policy(), ccr.kpi_short_abandon_s();
DELETE FROM ccr.contacts;
SELECT regress.model_refresh() AS refreshed;
SELECT count(*) AS rows_left FROM ccr.kpi_hourly;
