-- Quality and staffing: per-row cost of ccr.ces / ccr.qa_score against
-- count(*) over the same scan and the plain SQL a user would write, and the
-- cost of Erlang C against the same formula written in SQL (recursive CTE).
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT setseed(0.6);
DROP TABLE IF EXISTS bench.quality;
CREATE TABLE bench.quality AS
SELECT g % 1000 AS part,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + floor(random() * 7)::int END AS ces,
	   round((20 + random() * 80)::numeric, 2)::float8 AS possible,
	   NULL::float8 AS earned,
	   random() < 0.05 AS auto_fail
FROM generate_series(1, :rows) g;
UPDATE bench.quality SET earned = round((possible * random())::numeric, 2)::float8;
VACUUM ANALYZE bench.quality;

-- the variants compared below give the same answer
SELECT abs(ccr.qa_score(earned, possible, auto_fail) - sum(CASE WHEN auto_fail THEN 0 ELSE earned END) / sum(possible)) < 1e-9 AS qa_score_equals_sql,
	   abs(ccr.ces(ces, 7) - avg(ces)) < 1e-9 AS ces_equals_sql
FROM bench.quality;

\echo 'ratio = fastest time / fastest time of the first variant, measured round-robin in this run; cpu = this backend''s CPU time'
SELECT 'before' AS load, pg_read_file('/proc/loadavg') AS loadavg;
SELECT * FROM bench.compare('ces', ARRAY['count(*)', 'ccr.ces', 'avg(ces) sql'], ARRAY[
	'SELECT count(*) FROM bench.quality',
	'SELECT ccr.ces(ces, 7) FROM bench.quality',
	'SELECT avg(ces) FROM bench.quality'])
UNION ALL
SELECT * FROM bench.compare('qa_score', ARRAY['count(*)', 'ccr.qa_score', 'sum/sum sql', 'sum/sum sql, same NULL rules', 'ccr.qa_score(ccr.qa_agg)'], ARRAY[
	'SELECT count(*) FROM bench.quality',
	'SELECT ccr.qa_score(earned, possible, auto_fail) FROM bench.quality',
	'SELECT sum(CASE WHEN auto_fail THEN 0 ELSE earned END) / sum(possible) FROM bench.quality',
	-- what ccr.qa_score counts: rows with possible, and earned or auto-failed
	'SELECT sum(CASE WHEN auto_fail THEN 0 ELSE earned END) FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail))
			/ sum(possible) FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) FROM bench.quality',
	'SELECT ccr.qa_score(ccr.qa_agg(earned, possible, auto_fail)) FROM bench.quality'])
UNION ALL
SELECT * FROM bench.compare('qa_agg + rollup of 1000 parts', ARRAY['qa_agg direct', 'rollup of per-part summaries'], ARRAY[
	'SELECT ccr.qa_agg(earned, possible, auto_fail) FROM bench.quality',
	'SELECT ccr.rollup(s) FROM (SELECT ccr.qa_agg(earned, possible, auto_fail) s FROM bench.quality GROUP BY part) x'])
UNION ALL
-- 2000 staffing questions (one per hour of a quarter, A between 5 and 200 Erlangs)
SELECT * FROM bench.compare('erlang_c_agents x2000', ARRAY['ccr.erlang_c_agents', 'recursive CTE sql'], ARRAY[
	'SELECT sum(ccr.erlang_c_agents(100 + (g % 400) * 10, 3600, 180, 0.8, 20)) FROM generate_series(1, 2000) g',
	$q$SELECT sum(n) FROM generate_series(1, 2000) g, LATERAL (
		WITH RECURSIVE e(n, b, sl) AS (
			SELECT 0, 1::float8, 0::float8
			UNION ALL
			SELECT n + 1, nb, CASE WHEN n + 1 > a THEN 1 - (n + 1) * nb / (n + 1 - a * (1 - nb)) * exp(-(n + 1 - a) * 20 / 180) ELSE 0 END
			FROM e, LATERAL (SELECT (100 + (g % 400) * 10) * 180 / 3600.0 AS a) x,
				 LATERAL (SELECT a * b / (n + 1 + a * b) AS nb) y
			WHERE sl < 0.8)
		SELECT max(n) AS n FROM e) z$q$], 3);
SELECT 'after' AS load, pg_read_file('/proc/loadavg') AS loadavg;
