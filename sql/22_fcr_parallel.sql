-- Repeat-contact FCR under forced parallel plans (partial states from
-- workers are flattened, shipped and combined), and the memory limit.
-- Uses regress.fcr (20_fcr) and regress.fcr_daily (21_fcr_summary).

CREATE TABLE regress.fcr_serial AS
SELECT w, ccr.fcr_rate(cust, at, w) AS rate_b, ccr.fcr_rate(cust_t, at, w) AS rate_t,
	   ccr.fcr_agg(cust, at, w) AS s
FROM regress.fcr, (VALUES (interval '0'), (interval '1 day'), (interval '30 days')) v(w)
GROUP BY w;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF) SELECT ccr.fcr_rate(cust, at, '1 day') FROM regress.fcr;
EXPLAIN (COSTS OFF) SELECT ccr.fcr_agg(cust_t, at, '1 day') FROM regress.fcr;

SELECT w,
	   (SELECT ccr.fcr_rate(cust, at, w) FROM regress.fcr) = rate_b AS bigint_same,
	   (SELECT ccr.fcr_rate(cust_t, at, w) FROM regress.fcr) = rate_t AS text_same,
	   (SELECT ccr.first_contacts(ccr.fcr_agg(cust, at, w)) FROM regress.fcr) = ccr.first_contacts(s) AS firsts_same,
	   (SELECT ccr.total(ccr.fcr_agg(cust, at, w)) FROM regress.fcr) = ccr.total(s) AS total_same
FROM regress.fcr_serial ORDER BY w;

-- per group in parallel
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE p.r = (SELECT ccr.fcr_rate(cust, at, '1 day') FROM regress.fcr f WHERE f.queue = p.queue)) AS matching
FROM (SELECT queue, ccr.fcr_rate(cust, at, '1 day') AS r FROM regress.fcr GROUP BY queue) p;

-- rollup of stored summaries in parallel
EXPLAIN (COSTS OFF) SELECT ccr.rollup(s) FROM regress.fcr_daily;
SELECT ccr.fcr_rate(ccr.rollup(s)) = (SELECT rate_b FROM regress.fcr_serial WHERE w = '1 day') AS parallel_rollup_same
FROM regress.fcr_daily;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- Partition-wise: per-partition aggregates combined.
CREATE TABLE regress.fcr_part (cust bigint, at timestamptz, queue int) PARTITION BY LIST (queue);
CREATE TABLE regress.fcr_part0 PARTITION OF regress.fcr_part FOR VALUES IN (0, 1);
CREATE TABLE regress.fcr_part1 PARTITION OF regress.fcr_part FOR VALUES IN (2, 3);
INSERT INTO regress.fcr_part SELECT cust, at, queue FROM regress.fcr;
ANALYZE regress.fcr_part;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT ccr.fcr_rate(cust, at, '1 day') FROM regress.fcr_part;
SELECT ccr.fcr_rate(cust, at, '1 day') = (SELECT rate_b FROM regress.fcr_serial WHERE w = '1 day') AS partitionwise_same
FROM regress.fcr_part;
RESET enable_partitionwise_aggregate;

-- Memory limit: past ccr.fcr_max_contacts (default and maximum 67108862,
-- the most contacts whose summary fits 1 GB) a clean error 54000.
SET ccr.fcr_max_contacts = 1000;
SELECT ccr.fcr_rate(g, '2026-01-01', '1 day') AS at_limit FROM generate_series(1, 1000) g;
SELECT regress.err($$SELECT ccr.fcr_rate(g, '2026-01-01', '1 day') FROM generate_series(1, 1001) g$$);
SELECT regress.err($$SELECT ccr.rollup(s) FROM regress.fcr_daily$$);
SELECT regress.err($$SELECT s::text::ccr.fcr_summary FROM regress.fcr_big$$);
-- a declared setting: SHOW knows it, SET validates it (22023), typos are errors
SHOW ccr.fcr_max_contacts;
SELECT regress.err($$SET ccr.fcr_max_contacts = 'lots'$$);
SELECT regress.err($$SET ccr.fcr_max_contacts = 0$$);
SELECT regress.err($$SET ccr.fcr_max_contacts = 67108863$$);
SELECT regress.err($$SET ccr.fcr_max_contact = 10$$);
RESET ccr.fcr_max_contacts;
SELECT setting, boot_val, min_val, max_val, context FROM pg_settings WHERE name = 'ccr.fcr_max_contacts';
SELECT ccr.total(ccr.rollup(s)) = (SELECT count(*) FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL) AS no_limit_after_reset
FROM regress.fcr_daily;
