-- Durations with percentiles and backlog over time, against the plain SQL a
-- user would otherwise write.  Ratios are measured round-robin in this run.
SET jit = off;
SELECT setseed(0.45);
DROP TABLE IF EXISTS bench.durations;
CREATE TABLE bench.durations AS
SELECT CASE WHEN g % 50 = 0 THEN NULL ELSE random() * random() * 86400 END AS x
FROM generate_series(1, :rows) g;
VACUUM ANALYZE bench.durations;

-- 1 million tickets over 2026 (fewer when :rows is smaller), 5 % still open
DROP TABLE IF EXISTS bench.tickets;
CREATE TABLE bench.tickets AS
SELECT o AS opened_at,
	   CASE WHEN random() < 0.05 THEN NULL ELSE o + random() * random() * interval '10 days' END AS closed_at
FROM (SELECT timestamptz '2026-01-01 00:00+00' + random() * interval '365 days' AS o
	  FROM generate_series(1, least(:rows, 1000000)) g) a;
VACUUM ANALYZE bench.tickets;
SELECT count(*) AS tickets FROM bench.tickets;

\echo 'ratio = time / time of count(*) over the same scan; times_ccr = time / time of the ccr variant'
\echo 'duration_agg, serial'
SET max_parallel_workers_per_gather = 0;
SELECT c.*, round(c.best_ms / max(c.best_ms) FILTER (WHERE c.variant LIKE 'ccr.%') OVER (), 2) AS times_ccr FROM bench.compare('duration_agg serial', ARRAY['count(*)', 'ccr.duration_agg', 'percentile_disc(0.5)', 'percentile_disc(0.5, 0.9)'], ARRAY[
	'SELECT count(*) FROM bench.durations',
	'SELECT ccr.percentile(ccr.duration_agg(x), 0.5) FROM bench.durations',
	'SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM bench.durations',
	'SELECT percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x) FROM bench.durations'], 5) c;

\echo 'duration_agg, default parallel settings (percentile_disc cannot run in parallel)'
RESET max_parallel_workers_per_gather;
SELECT c.*, round(c.best_ms / max(c.best_ms) FILTER (WHERE c.variant LIKE 'ccr.%') OVER (), 2) AS times_ccr FROM bench.compare('duration_agg parallel', ARRAY['count(*)', 'ccr.duration_agg', 'percentile_disc(0.5)'], ARRAY[
	'SELECT count(*) FROM bench.durations',
	'SELECT ccr.percentile(ccr.duration_agg(x), 0.5) FROM bench.durations',
	'SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM bench.durations'], 5) c;

-- The best plain SQL for an hourly backlog: events unioned, counted per bucket
-- (floor for opened/closed, ceiling for "open at the start"), running sum.
CREATE OR REPLACE VIEW bench.backlog_sql AS
WITH ev AS (
	SELECT opened_at AS t, 1 AS d FROM bench.tickets
	UNION ALL
	SELECT closed_at, -1 FROM bench.tickets WHERE closed_at IS NOT NULL),
k AS (
	SELECT date_bin('1 hour', t, timestamptz '2026-01-01 00:00+00') AS fl,
		   greatest(date_bin('1 hour', t - interval '1 microsecond', timestamptz '2026-01-01 00:00+00') + interval '1 hour',
					timestamptz '2026-01-01 00:00+00') AS ce,
		   d
	FROM ev WHERE t < timestamptz '2027-01-01 00:00+00'),
fl AS (
	SELECT fl AS b, count(*) FILTER (WHERE d = 1) AS o, count(*) FILTER (WHERE d = -1) AS c
	FROM k WHERE fl >= timestamptz '2026-01-01 00:00+00' GROUP BY 1),
ce AS (SELECT ce AS b, sum(d) AS dd FROM k GROUP BY 1),
grid AS (SELECT b FROM generate_series(timestamptz '2026-01-01 00:00+00', timestamptz '2027-01-01 00:00+00' - interval '1 microsecond', interval '1 hour') b)
SELECT grid.b AS bucket,
	   (sum(coalesce(ce.dd, 0)) OVER (ORDER BY grid.b))::bigint AS open_at_start,
	   coalesce(fl.o, 0) AS opened, coalesce(fl.c, 0) AS closed
FROM grid LEFT JOIN ce USING (b) LEFT JOIN fl USING (b);

CREATE OR REPLACE VIEW bench.backlog_ccr AS
SELECT b.* FROM (SELECT ccr.backlog_agg(opened_at, closed_at, '2026-01-01 00:00+00', '2027-01-01 00:00+00', '1 hour') AS s
				 FROM bench.tickets) q, ccr.backlog(q.s) b;

SELECT count(*) AS buckets, count(*) FILTER (WHERE a IS DISTINCT FROM b) AS mismatches_ccr_vs_sql
FROM bench.backlog_ccr a FULL JOIN bench.backlog_sql b USING (bucket);

\echo 'hourly backlog for a year, default parallel settings'
SELECT c.*, round(c.best_ms / max(c.best_ms) FILTER (WHERE c.variant LIKE 'ccr.%') OVER (), 2) AS times_ccr FROM bench.compare('backlog hourly, 1 year', ARRAY['count(*) of tickets', 'ccr.backlog_agg + ccr.backlog', 'plain SQL (union, group, running sum)'], ARRAY[
	'SELECT count(*) FROM bench.tickets',
	'SELECT sum(open_at_start), sum(opened), sum(closed) FROM bench.backlog_ccr',
	'SELECT sum(open_at_start), sum(opened), sum(closed) FROM bench.backlog_sql'], 3) c;
\echo 'hourly backlog for a year, serial'
SET max_parallel_workers_per_gather = 0;
SELECT c.*, round(c.best_ms / max(c.best_ms) FILTER (WHERE c.variant LIKE 'ccr.%') OVER (), 2) AS times_ccr FROM bench.compare('backlog hourly serial', ARRAY['count(*) of tickets', 'ccr.backlog_agg + ccr.backlog', 'plain SQL (union, group, running sum)'], ARRAY[
	'SELECT count(*) FROM bench.tickets',
	'SELECT sum(open_at_start), sum(opened), sum(closed) FROM bench.backlog_ccr',
	'SELECT sum(open_at_start), sum(opened), sum(closed) FROM bench.backlog_sql'], 3) c;
RESET max_parallel_workers_per_gather;
