-- Per-row cost of each KPI aggregate, serial, as a ratio to count(*) over the
-- same scan and to the plain SQL a user would otherwise write.
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT setseed(0.5);
DROP TABLE IF EXISTS bench.calls;
CREATE TABLE bench.calls AS
SELECT CASE WHEN g % 97 = 0 THEN NULL ELSE round((random() * random() * 120)::numeric, 2)::float8 END AS wait,
	   random() < 0.85 AS answered,
	   round((30 + random() * 600)::numeric, 2)::float8 AS talk,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((random() * 60)::numeric, 2)::float8 END AS hold,
	   round((random() * 90)::numeric, 2)::float8 AS acw,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE random() < 0.7 END AS flag,
	   CASE WHEN g % 4 = 0 THEN 1 + (random() * 4)::int END AS csat,
	   CASE WHEN g % 5 = 0 THEN (random() * 10)::int END AS nps
FROM generate_series(1, :rows) g;
VACUUM ANALYZE bench.calls;

\echo 'ratios to count(*) over the same scan, fastest of 9 round-robin runs; cpu = this backend''s CPU time (serial plans).'
\echo 'count(column) is the floor: the cheapest aggregate that reads the same column.'
SELECT * FROM bench.compare('service_level', ARRAY['count(*)', 'count(answered)', 'ccr.service_level', 'count(*) FILTER sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(answered) FROM bench.calls',
	'SELECT ccr.service_level(wait, answered, 20) FROM bench.calls',
	'SELECT (count(*) FILTER (WHERE answered AND wait <= 20))::float8 / nullif(count(*) FILTER (WHERE wait IS NOT NULL AND answered IS NOT NULL), 0) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('fcr_rate(boolean)', ARRAY['count(*)', 'count(flag)', 'ccr.fcr_rate', 'avg(flag::int)'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(flag) FROM bench.calls',
	'SELECT ccr.fcr_rate(flag) FROM bench.calls',
	'SELECT avg(flag::int) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('abandon_rate', ARRAY['count(*)', 'count(answered)', 'ccr.abandon_rate', 'count(*) FILTER sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(answered) FROM bench.calls',
	'SELECT ccr.abandon_rate(wait, answered, 5) FROM bench.calls',
	'SELECT (count(*) FILTER (WHERE NOT answered AND wait >= 5))::float8 / nullif(count(*) FILTER (WHERE answered OR wait >= 5), 0) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('asa', ARRAY['count(*)', 'count(answered)', 'ccr.asa', 'avg(wait) FILTER sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(answered) FROM bench.calls',
	'SELECT ccr.asa(wait, answered) FROM bench.calls',
	'SELECT avg(wait) FILTER (WHERE answered) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('aht', ARRAY['count(*)', 'count(acw)', 'ccr.aht', 'avg(talk+coalesce...) sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(acw) FROM bench.calls',
	'SELECT ccr.aht(talk, hold, acw) FROM bench.calls',
	'SELECT avg(talk + coalesce(hold, 0) + coalesce(acw, 0)) FROM bench.calls WHERE talk IS NOT NULL'], 9)
UNION ALL
SELECT * FROM bench.compare('csat', ARRAY['count(*)', 'count(csat)', 'ccr.csat', 'count(*) FILTER sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(csat) FROM bench.calls',
	'SELECT ccr.csat(csat, 5) FROM bench.calls',
	'SELECT (count(*) FILTER (WHERE csat >= 4))::float8 / nullif(count(csat), 0) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('nps', ARRAY['count(*)', 'count(nps)', 'ccr.nps', 'count(*) FILTER sql'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT count(nps) FROM bench.calls',
	'SELECT ccr.nps(nps) FROM bench.calls',
	'SELECT 100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / nullif(count(nps), 0) FROM bench.calls'], 9)
UNION ALL
SELECT * FROM bench.compare('sum(int) for scale', ARRAY['count(*)', 'sum(nps)'], ARRAY[
	'SELECT count(*) FROM bench.calls',
	'SELECT sum(nps) FROM bench.calls'], 9);
