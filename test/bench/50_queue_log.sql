-- Asterisk queue_log import rate: 1 million lines (fixed, whatever :rows is),
-- about 270 000 calls (5/7 answered: DID, ENTERQUEUE, CONNECT, COMPLETEAGENT;
-- 2/7 abandoned: DID, ENTERQUEUE, ABANDON), in time order.
-- Variants, timed round-robin in this run:
--   scan            count(*) over the lines (the floor)
--   parse only      ccr.parse_queue_log_line() on every line
--   plain SQL       what a user would write without the extension: split_part
--                   and GROUP BY callid into a plain table (no validation, no
--                   pending calls, no rejects, no idempotence)
--   import fresh    ccr.import_queue_log() into an empty ccr.contacts
--   re-import       the same lines again (every contact already there)
SET jit = off;
DROP TABLE IF EXISTS bench.ql;
CREATE TABLE bench.ql AS
WITH c AS (
	SELECT g, 1767225600 + g * 2 AS t0, g % 7 < 5 AS ans, 'q' || (g % 3) AS q,
		   5 + (g * 7919 % 60) AS wait, 30 + (g * 104729 % 600) AS talk
	FROM generate_series(1::bigint, 270000) g
), l AS (
	SELECT t0 AS t, g, 0 AS k, format('%s|%s.%s|%s|NONE|DID|5550', t0, t0, g, q) AS line FROM c
	UNION ALL
	SELECT t0, g, 1, format('%s|%s.%s|%s|NONE|ENTERQUEUE||+1555%s|1', t0, t0, g, q, g % 5000) FROM c
	UNION ALL
	SELECT t0 + wait, g, 2, format('%s|%s.%s|%s|Agent %s|CONNECT|%s|%s.%s9|2', t0 + wait, t0, g, q, g % 50, wait, t0, g) FROM c WHERE ans
	UNION ALL
	SELECT t0 + wait + talk, g, 3, format('%s|%s.%s|%s|Agent %s|COMPLETEAGENT|%s|%s|1', t0 + wait + talk, t0, g, q, g % 50, wait, talk) FROM c WHERE ans
	UNION ALL
	SELECT t0 + wait, g, 3, format('%s|%s.%s|%s|NONE|ABANDON|1|1|%s', t0 + wait, t0, g, q, wait) FROM c WHERE NOT ans
)
SELECT row_number() OVER (ORDER BY t, g, k) AS id, line FROM l ORDER BY t, g, k LIMIT 1000000;
VACUUM ANALYZE bench.ql;
SELECT count(*) AS lines, pg_size_pretty(pg_total_relation_size('bench.ql')) AS size FROM bench.ql;

CREATE OR REPLACE FUNCTION bench.ql_fresh() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	TRUNCATE ccr.contacts, ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events;
	SELECT contacts_added INTO n FROM ccr.import_queue_log('bench.ql');
	RETURN n;
END $$;
DROP TABLE IF EXISTS bench.ql_plain;
CREATE TABLE bench.ql_plain (callid text, queue text, agent text, customer text, offered_at timestamptz,
	answered_at timestamptz, ended_at timestamptz, outcome text, talk_s float8);
CREATE OR REPLACE FUNCTION bench.ql_plain_sql() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	TRUNCATE bench.ql_plain;
	INSERT INTO bench.ql_plain
	SELECT callid, queue,
		   max(agent) FILTER (WHERE ev = 'CONNECT'),
		   max(d2) FILTER (WHERE ev = 'ENTERQUEUE'),
		   coalesce(to_timestamp(max(t - d1::int) FILTER (WHERE ev = 'CONNECT')),
					to_timestamp(max(t - d3::int) FILTER (WHERE ev = 'ABANDON'))),
		   to_timestamp(max(t) FILTER (WHERE ev = 'CONNECT')),
		   to_timestamp(max(t) FILTER (WHERE ev IN ('COMPLETEAGENT', 'ABANDON'))),
		   CASE WHEN bool_or(ev = 'CONNECT') THEN 'answered' ELSE 'abandoned' END,
		   max(d2::float8) FILTER (WHERE ev = 'COMPLETEAGENT')
	FROM (SELECT split_part(line, '|', 1)::bigint AS t, split_part(line, '|', 2) AS callid,
				 split_part(line, '|', 3) AS queue, split_part(line, '|', 4) AS agent,
				 split_part(line, '|', 5) AS ev, split_part(line, '|', 6) AS d1,
				 split_part(line, '|', 7) AS d2, split_part(line, '|', 8) AS d3
		  FROM bench.ql) s
	WHERE ev IN ('ENTERQUEUE', 'CONNECT', 'COMPLETEAGENT', 'ABANDON')
	GROUP BY callid, queue
	HAVING bool_or(ev IN ('COMPLETEAGENT', 'ABANDON'));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

SELECT bench.ql_fresh() AS contacts_from_1m_lines;
SELECT count(*) AS pending_lines FROM ccr.queue_log_pending;

\echo 'ratio = best time / best time of the first variant, measured round-robin in this run; cpu = the backend''s own CPU time'
DROP TABLE IF EXISTS bench.ql_result;
CREATE TABLE bench.ql_result AS
SELECT * FROM bench.compare('queue_log 1M lines',
	ARRAY['scan count(*)', 'parse only', 'plain SQL split_part+GROUP BY', 'import_queue_log fresh', 'import_queue_log re-import'],
	ARRAY['SELECT count(*) FROM bench.ql',
		  'SELECT count(*) FROM bench.ql, ccr.parse_queue_log_line(line) p',
		  'SELECT bench.ql_plain_sql()',
		  'SELECT bench.ql_fresh()',
		  'SELECT * FROM ccr.import_queue_log(''bench.ql'')'], 3);
SELECT bench, variant, best_ms, ratio, cpu_ms, cpu_ratio,
	   round(1000000 / (best_ms / 1000)) AS lines_per_s_wall,
	   round(1000000 / (cpu_ms / 1000)) AS lines_per_s_cpu
FROM bench.ql_result;
