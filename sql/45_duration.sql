-- Durations with percentiles: ccr.duration_agg, accessors, rollup.
-- Every check compares with plain SQL on the same generated data.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql

CREATE TABLE regress.dur AS
SELECT d.dist, g AS id,
	   timestamptz '2026-03-01 00:00+00' + (g * interval '61 seconds') AS at,
	   CASE d.dist
			WHEN 'uniform'   THEN r1 * 3600
			WHEN 'lognormal' THEN exp(4 + 2 * sqrt(-2 * ln(1 - r1)) * cos(2 * pi() * r2))
			WHEN 'zeros'     THEN CASE WHEN r1 < 0.4 THEN 0 ELSE round((r2 * 600)::numeric, 0)::float8 END
			WHEN 'tiny'      THEN 1e-7 * exp(r1 * 9)
			WHEN 'huge'      THEN 1e6 * exp(r1 * 7)
			WHEN 'constant'  THEN 42.125
			WHEN 'seconds'   THEN floor(r1 * r2 * 300)
	   END AS x
FROM unnest(ARRAY['uniform', 'lognormal', 'zeros', 'tiny', 'huge', 'constant', 'seconds']) WITH ORDINALITY d(dist, di),
	 generate_series(1, 3000) g,
	 LATERAL (SELECT regress.rand(4501, di * 10000 + g) AS r1, regress.rand(4502, di * 10000 + g) AS r2) r;
-- NULLs are skipped
INSERT INTO regress.dur SELECT dist, 100000 + g, timestamptz '2026-03-01 12:00+00', NULL
FROM (SELECT DISTINCT dist FROM regress.dur) d, generate_series(1, 5) g;
ANALYZE regress.dur;

-- percentiles within 1 % (relative) of percentile_disc; exact at 0, min and max
WITH q AS (SELECT ARRAY[0, 0.001, 0.01, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]::float8[] AS f),
ref AS (
	SELECT dist, percentile_disc((SELECT f FROM q)) WITHIN GROUP (ORDER BY x) AS p,
		   ccr.duration_agg(x) AS s
	FROM regress.dur GROUP BY dist),
cmp AS (
	SELECT dist, u.fr AS f, ccr.percentile(s, u.fr) AS got, p[i] AS want
	FROM ref, q, unnest(q.f) WITH ORDINALITY u(fr, i))
SELECT dist,
	   count(*) FILTER (WHERE NOT (abs(got - want) <= 0.01 * want)) AS off_by_more_than_1pct,
	   count(*) FILTER (WHERE got <> want) > 0 AS some_approximate,
	   bool_and(got = want) FILTER (WHERE f IN (0, 1)) AS extremes_exact,
	   coalesce(max(abs(got - want) / nullif(want, 0)), 0) <= 0.0099 AS max_rel_err_under_0_99pct
FROM cmp GROUP BY dist ORDER BY dist;

-- many fractions on one skewed distribution
SELECT count(*) FILTER (WHERE NOT (abs(ccr.percentile(s, f) - p) <= 0.01 * p)) AS off
FROM (SELECT ccr.duration_agg(x) AS s FROM regress.dur WHERE dist = 'lognormal') a,
	 generate_series(0, 200) k, LATERAL (SELECT k / 200.0::float8 AS f) ff,
	 LATERAL (SELECT percentile_disc(f) WITHIN GROUP (ORDER BY x) AS p FROM regress.dur WHERE dist = 'lognormal') r;

-- mean from the exact microsecond sum vs avg; total vs count
SELECT dist,
	   abs(ccr.mean(s) - a) <= 5e-7 + 1e-12 * a AS mean_ok,
	   ccr.total(s) = n AS total_ok,
	   ccr.min_duration(s) = mn AND ccr.max_duration(s) = mx AS min_max_ok
FROM (SELECT dist, ccr.duration_agg(x) AS s, avg(x) AS a, count(x) AS n, min(x) AS mn, max(x) AS mx
	  FROM regress.dur GROUP BY dist) t ORDER BY dist;

-- rollup of hourly summaries (and of daily rollups of them) equals the direct summary
WITH hourly AS (
	SELECT dist, date_trunc('hour', at) AS h, ccr.duration_agg(x) AS s FROM regress.dur GROUP BY 1, 2),
daily AS (
	SELECT dist, date_trunc('day', h) AS d, ccr.rollup(s) AS s FROM hourly GROUP BY 1, 2)
SELECT dist,
	   (SELECT ccr.rollup(s)::text FROM hourly h WHERE h.dist = t.dist) = t.s::text AS hourly_rollup_equal,
	   (SELECT ccr.rollup(s ORDER BY d DESC)::text FROM daily d WHERE d.dist = t.dist) = t.s::text AS daily_rollup_equal,
	   (SELECT count(*) FROM hourly h WHERE h.dist = t.dist) AS hours
FROM (SELECT dist, ccr.duration_agg(x) AS s FROM regress.dur GROUP BY dist) t ORDER BY dist;

-- text round trip, and the interval overload equals the seconds one
SELECT dist,
	   s::text::ccr.duration_summary::text = s::text AS text_round_trip,
	   (SELECT ccr.duration_agg(make_interval(secs => round(x::numeric, 6)))::text
		  = ccr.duration_agg(extract(epoch FROM make_interval(secs => round(x::numeric, 6)))::float8)::text
		FROM regress.dur d WHERE d.dist = t.dist) AS interval_equal
FROM (SELECT dist, ccr.duration_agg(x) AS s FROM regress.dur GROUP BY dist) t ORDER BY dist;

-- binary round trip through COPY BINARY (a file in pg_regress's results directory)
CREATE TABLE regress.dur_sum AS SELECT dist, ccr.duration_agg(x) AS s FROM regress.dur GROUP BY dist;
CREATE TABLE regress.dur_sum_back (dist text, s ccr.duration_summary);
\copy regress.dur_sum TO 'results/45_dur_sum.bin' (FORMAT binary)
\copy regress.dur_sum_back FROM 'results/45_dur_sum.bin' (FORMAT binary)
SELECT count(*) AS rows, count(*) FILTER (WHERE a.s::text = b.s::text) AS equal
FROM regress.dur_sum a JOIN regress.dur_sum_back b USING (dist);

-- forced parallel plans give the same summaries
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT count(*) > 0 AS partial_aggregate FROM regress.explain(
	'SELECT dist, ccr.duration_agg(x) FROM regress.dur GROUP BY dist') l WHERE l ~ 'Partial';
CREATE TEMP TABLE dur_par AS SELECT dist, ccr.duration_agg(x)::text AS s FROM regress.dur GROUP BY dist;
CREATE TEMP TABLE dur_par_all AS SELECT ccr.duration_agg(x)::text AS s FROM regress.dur;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s = t.s::text) AS parallel_equal
FROM dur_par p JOIN (SELECT dist, ccr.duration_agg(x) AS s FROM regress.dur GROUP BY dist) t USING (dist);
SELECT (SELECT s FROM dur_par_all) = ccr.duration_agg(x)::text AS parallel_all_equal FROM regress.dur;
RESET max_parallel_workers_per_gather;

-- empty, all-NULL, and rollup of nothing are NULL
SELECT ccr.duration_agg(x) IS NULL AS empty FROM regress.dur WHERE false;
SELECT ccr.duration_agg(NULL::float8) IS NULL AS all_null FROM generate_series(1, 3);
SELECT ccr.rollup(s) IS NULL AS rollup_empty FROM regress.dur_sum WHERE false;

-- hand-worked: 0, 1, 2.5, 2.5, 100 (n = 5): median is rank 3 (2.5), p90 rank 5 (100)
SELECT ccr.total(s), ccr.mean(s), ccr.percentile(s, 0) AS p0, ccr.percentile(s, 0.2) AS p20,
	   ccr.percentile(s, 0.21) AS p21_is_min_positive,
	   abs(ccr.percentile(s, 0.5) - 2.5) <= 0.025 AS median_ok, ccr.percentile(s, 0.9) AS p90,
	   s::text
FROM (SELECT ccr.duration_agg(x) AS s FROM (VALUES (0.0), (1.0), (2.5), (NULL), (2.5), (100.0)) v(x)) q;
SELECT ccr.percentile(ccr.duration_agg(x), 0.5), ccr.mean(ccr.duration_agg(x))
FROM (VALUES (interval '1 minute'), (interval '2 hours'), (interval '30 seconds')) v(x);

-- bad input
SELECT regress.err($$SELECT ccr.duration_agg(x) FROM (VALUES (1.0), (-0.5)) v(x)$$);
SELECT regress.err($$SELECT ccr.duration_agg(x) FROM (VALUES ('NaN'::float8)) v(x)$$);
SELECT regress.err($$SELECT ccr.duration_agg(x) FROM (VALUES ('Infinity'::float8)) v(x)$$);
SELECT regress.err($$SELECT ccr.duration_agg(x) FROM (VALUES (1e13::float8)) v(x)$$);
SELECT regress.err($$SELECT ccr.duration_agg(x) FROM (VALUES (interval '-1 second')) v(x)$$);
SELECT regress.err($$SELECT ccr.percentile(s, 1.5) FROM regress.dur_sum$$);
SELECT regress.err($$SELECT ccr.percentile(s, -0.1) FROM regress.dur_sum$$);
SELECT regress.err($$SELECT ccr.percentile(s, 'NaN') FROM regress.dur_sum$$);
SELECT regress.err($$SELECT ccr.percentile(s, NULL) FROM regress.dur_sum$$) AS null_fraction_is_null_not_error;
SELECT regress.err($$SELECT ccr.duration_trans(NULL, 1.0)$$);
-- malformed text
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=0:1'::ccr.duration_summary$$) AS good;
SELECT regress.err($$SELECT 'v=2 count=1 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=0:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=2 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=0:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=2 zeros=0 sum_us=1000000 min_positive=1 max=2 buckets=36:1,0:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=5 max=5 buckets=0:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=0:-1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=99999999:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=1 max=1 buckets=0:1 junk'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1 zeros=0 sum_us=1000000 min_positive=NaN max=1 buckets=0:1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=0 zeros=0 sum_us=5 min_positive=0 max=0 buckets='::ccr.duration_summary$$);
SELECT regress.err($$SELECT 'v=1 count=1'::ccr.duration_summary$$);
SELECT regress.err($$SELECT ''::ccr.duration_summary$$);
-- summaries of another type are rejected, not reinterpreted
SELECT regress.err($$SELECT ccr.mean(ccr.rate_agg(true)::text::ccr.duration_summary)$$);
