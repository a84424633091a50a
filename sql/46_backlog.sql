-- Backlog over time: ccr.backlog_agg, ccr.backlog(), rollup.
-- Reference: every bucket of generate_series joined with every ticket.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql

CREATE TABLE regress.bl AS
SELECT g AS id, o AS opened_at,
	   CASE WHEN r < 0.15 THEN NULL							-- still open
			WHEN r < 0.25 THEN date_trunc('hour', o) + interval '3 hours'	-- closed on a boundary
			WHEN r < 0.28 THEN o										-- closed when opened
			ELSE o + (regress.rand(4601, g) * regress.rand(4602, g) * 10) * interval '1 day' END AS closed_at
FROM (SELECT g, regress.rand(4603, g) AS r,
			 CASE WHEN g % 7 = 0 THEN date_trunc('hour', t)		-- opened on a boundary
				  ELSE t END AS o
	  FROM (SELECT g, timestamptz '2026-03-20 00:00+00' + regress.rand(4604, g) * interval '20 days' AS t
			FROM generate_series(1, 2000) g) a) b;
INSERT INTO regress.bl VALUES (100001, NULL, NULL), (100002, NULL, '2026-03-25');	-- skipped
ANALYZE regress.bl;

CREATE FUNCTION regress.bl_reference(since timestamptz, until timestamptz, step interval)
RETURNS TABLE (bucket timestamptz, open_at_start bigint, opened bigint, closed bigint)
LANGUAGE sql STABLE AS $$
	SELECT b,
		   count(*) FILTER (WHERE t.opened_at <= b AND (t.closed_at IS NULL OR t.closed_at > b)),
		   count(*) FILTER (WHERE t.opened_at >= b AND t.opened_at < b + step),
		   count(*) FILTER (WHERE t.closed_at >= b AND t.closed_at < b + step)
	FROM generate_series(since, until, step) b CROSS JOIN regress.bl t
	WHERE b < until AND t.opened_at IS NOT NULL
	GROUP BY b
$$;

-- mismatching buckets (0 expected) for several grids: hourly, a step that does not
-- divide the period (the last bucket runs past until), starting mid-data, and in a
-- time zone with a daylight-saving change (Europe/Helsinki, 2026-03-29) local days
-- and calendar months, whose bucket starts come from timestamptz + interval
CREATE TABLE regress.bl_grids (name text, tz text, since timestamptz, until timestamptz, step interval);
INSERT INTO regress.bl_grids VALUES
	('hourly', 'UTC', '2026-03-22 00:00+00', '2026-04-05 00:00+00', '1 hour'),
	('7h uneven', 'UTC', '2026-03-19 05:00+00', '2026-04-15 00:00+00', '7 hours 30 minutes'),
	('15 min', 'UTC', '2026-03-28 10:00+00', '2026-03-30 10:00+00', '15 minutes'),
	('local days', 'Europe/Helsinki', '2026-03-15 00:00+02', '2026-04-20 00:00+03', '1 day'),
	('months from the 31st', 'Europe/Helsinki', '2026-01-31 00:00+02', '2026-07-01 00:00+03', '1 month'),
	('day and a half', 'America/New_York', '2026-03-01 00:00-05', '2026-04-20 00:00-04', '1 day 12 hours');

CREATE FUNCTION regress.bl_check(g regress.bl_grids) RETURNS TABLE (buckets bigint, mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('timezone', g.tz, true);
	RETURN QUERY
	SELECT count(*), count(*) FILTER (WHERE r IS DISTINCT FROM x)
	FROM (SELECT ccr.backlog(ccr.backlog_agg(opened_at, closed_at, g.since, g.until, g.step)) AS x
		  FROM regress.bl) a
	FULL JOIN (SELECT r FROM regress.bl_reference(g.since, g.until, g.step) r) b
	  ON (a.x).bucket = (b.r).bucket;
END $$;

BEGIN;
SELECT name, c.* FROM regress.bl_grids g, regress.bl_check(g) c ORDER BY name;
COMMIT;

-- forced parallel plans give the same summaries
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT count(*) > 0 AS partial_aggregate FROM regress.explain(
	$$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22', '2026-04-05', '1 hour') FROM regress.bl$$) l
WHERE l ~ 'Partial';
CREATE TEMP TABLE bl_par AS
SELECT name, (SELECT ccr.backlog_agg(opened_at, closed_at, g.since, g.until, g.step)::text FROM regress.bl) AS s
FROM regress.bl_grids g WHERE tz = 'UTC';
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS grids,
	   count(*) FILTER (WHERE p.s = (SELECT ccr.backlog_agg(opened_at, closed_at, g.since, g.until, g.step)::text
									 FROM regress.bl)) AS parallel_equal
FROM bl_par p JOIN regress.bl_grids g USING (name);
RESET max_parallel_workers_per_gather;

-- rollup of per-month parts (split by the month tickets opened) equals the whole,
-- and text round trips
WITH parts AS (
	SELECT date_trunc('month', opened_at) AS m,
		   ccr.backlog_agg(opened_at, closed_at, '2026-03-22', '2026-04-05', '1 hour') AS s
	FROM regress.bl GROUP BY 1),
whole AS (
	SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22', '2026-04-05', '1 hour') AS s FROM regress.bl)
SELECT (SELECT count(*) FROM parts) AS parts,
	   (SELECT ccr.rollup(s)::text FROM parts) = (SELECT s::text FROM whole) AS rollup_equal,
	   (SELECT s::text::ccr.backlog_summary::text = s::text FROM whole) AS text_round_trip,
	   (SELECT ccr.buckets(s) FROM whole) AS buckets;

-- binary round trip through COPY BINARY, in another time zone than it was built in
SET timezone = 'Europe/Helsinki';
CREATE TABLE regress.bl_sum AS
SELECT g.name, (SELECT ccr.backlog_agg(opened_at, closed_at, g.since, g.until, g.step) FROM regress.bl) AS s
FROM regress.bl_grids g;
SET timezone = 'Asia/Kolkata';
CREATE TABLE regress.bl_sum_back (LIKE regress.bl_sum);
\copy regress.bl_sum TO 'results/46_bl_sum.bin' (FORMAT binary)
\copy regress.bl_sum_back FROM 'results/46_bl_sum.bin' (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE a.s::text = b.s::text) AS binary_equal,
	   count(*) FILTER (WHERE a.s::text::ccr.backlog_summary::text = a.s::text) AS text_equal
FROM regress.bl_sum a JOIN regress.bl_sum_back b USING (name);
RESET timezone;

-- hand-worked: grid 00:00 .. 05:00 by 1 hour
SELECT b.* FROM (SELECT ccr.backlog_agg(o, c, '2026-01-01 00:00+00', '2026-01-01 05:00+00', '1 hour') AS s
	FROM (VALUES ('2026-01-01 00:30+00'::timestamptz, '2026-01-01 02:00+00'::timestamptz),	-- closes on a start
				 ('2025-12-31 00:00+00', NULL),											-- open before since
				 ('2026-01-01 01:00+00', '2026-01-01 01:00+00'),							-- opened and closed at a start
				 ('2026-01-01 03:10+00', '2026-01-05 00:00+00'),							-- closes after the grid
				 ('2026-01-01 06:00+00', NULL),											-- opens after the grid
				 (NULL, NULL)) v(o, c)) q, ccr.backlog(s) b;
-- empty input is NULL; summaries of different grids do not combine
SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22', '2026-04-05', '1 hour') IS NULL AS empty
FROM regress.bl WHERE false;
SELECT regress.err($$SELECT ccr.rollup(s) FROM regress.bl_sum$$);

-- bad parameters and data
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22', '2026-04-05', NULL) FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, NULL, '2026-04-05', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22 00:00+00', '2026-04-05 00:00+00', '-1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22 00:00+00', '2026-04-05 00:00+00', '0') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22 00:00+00', '2026-04-05 00:00+00', '-1 day') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-03-22 00:00+00', '2026-04-05 00:00+00', '1 day -25 hours') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-04-05 00:00+00', '2026-04-05 00:00+00', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2026-04-05 00:00+00', '2026-03-05 00:00+00', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '-infinity', '2026-03-05 00:00+00', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2000-01-01 00:00+00', '2100-01-01 00:00+00', '1 minute') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2000-01-01 00:00+00', '4000-01-01 00:00+00', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, '2000-01-01 00:00+00', '2200-01-01 00:00+00', '1 minute') FROM regress.bl WHERE false$$) AS no_rows_no_check;
SELECT regress.err($$SELECT ccr.backlog_agg(opened_at, closed_at, opened_at, '2026-05-01', '1 hour') FROM regress.bl$$);
SELECT regress.err($$SELECT ccr.backlog_agg(o, c, '2026-01-01 00:00+00', '2026-01-02 00:00+00', '1 hour')
	FROM (VALUES ('2026-01-01 05:00+00'::timestamptz, '2026-01-01 04:00+00'::timestamptz)) v(o, c)$$);
SELECT regress.err($$SELECT ccr.backlog_trans(NULL, now(), now(), now(), now(), '1 hour')$$);
-- malformed text
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=2 opened=1,0 closed=0,2 exact=0,0'::ccr.backlog_summary$$) AS good;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=2 opened=1,0 closed=0,3 exact=0,0'::ccr.backlog_summary$$) AS negative_open;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=3 opened=1,0,0 closed=0,0,0 exact=0,0,0'::ccr.backlog_summary$$) AS wrong_bucket_count;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=2 opened=1,0 closed=0,0'::ccr.backlog_summary$$) AS missing_field;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=2 opened=1 closed=0,0 exact=0,0'::ccr.backlog_summary$$) AS short_list;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-01T02:00:00+00:00 end=2026-01-01T02:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=1 buckets=2 opened=1,0 closed=0,0 exact=2,0'::ccr.backlog_summary$$) AS exact_too_big;
SELECT regress.err($$SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-03T00:00:00+00:00 end=2026-01-03T00:00:00+00:00 step_us=0 step_days=1 step_months=0 base=0 buckets=2 opened=0,0 closed=0,0 exact=0,0 starts=0,0'::ccr.backlog_summary$$) AS starts_not_increasing;
SELECT regress.err($$SELECT 'v=1 since=yesterday'::ccr.backlog_summary$$);
SELECT regress.err($$SELECT ccr.backlog(ccr.rate_agg(true)::text::ccr.backlog_summary)$$);
