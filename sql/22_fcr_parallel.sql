-- Repeat-contact FCR under forced parallel plans (partial states from
-- workers are flattened, shipped and combined), and the memory limit.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
-- the generated contacts regress.fcr and the plain-SQL reference
-- regress.fcr_ref(window, text_key)
\i :abs_srcdir/test/regress/fcr_contacts.sql

-- Serial answers (parallel ones must equal them bit for bit) and the
-- reference counts (both must equal them).
CREATE TABLE regress.fcr_serial AS
SELECT w, ccr.fcr_rate(cust, at, w) AS rate_b, ccr.fcr_rate(cust_t, at, w) AS rate_t,
	   ccr.fcr_agg(cust, at, w) AS s
FROM regress.fcr, (VALUES (interval '0'), (interval '1 day'), (interval '30 days')) v(w)
GROUP BY w;
ALTER TABLE regress.fcr_serial ADD COLUMN ref_firsts bigint, ADD COLUMN ref_resolved bigint, ADD COLUMN ref_contacts bigint,
	ADD COLUMN ref_firsts_t bigint, ADD COLUMN ref_resolved_t bigint;
UPDATE regress.fcr_serial
SET (ref_firsts, ref_resolved, ref_contacts) = (SELECT firsts, resolved, contacts FROM regress.fcr_ref(w, false)),
	(ref_firsts_t, ref_resolved_t) = (SELECT firsts, resolved FROM regress.fcr_ref(w, true));
SELECT w, rate_b = ref_resolved::float8 / ref_firsts AS serial_bigint_ok,
	   rate_t = ref_resolved_t::float8 / ref_firsts_t AS serial_text_ok,
	   ccr.first_contacts(s) = ref_firsts AND ccr.total(s) = ref_contacts AS serial_counts_ok
FROM regress.fcr_serial ORDER BY w;
-- per-day, per-queue summaries (stored, for a parallel rollup) and one big
-- summary of every contact (for the memory limit)
CREATE TABLE regress.fcr_par_daily AS
SELECT (at AT TIME ZONE 'UTC')::date AS day, queue, ccr.fcr_agg(cust, at, '1 day') AS s
FROM regress.fcr WHERE at IS NOT NULL GROUP BY 1, 2;
CREATE TABLE regress.fcr_par_big AS SELECT ccr.fcr_agg(cust_t, at, '1 day') AS s FROM regress.fcr;

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
	   (SELECT ccr.total(ccr.fcr_agg(cust, at, w)) FROM regress.fcr) = ccr.total(s) AS total_same,
	   (SELECT ccr.resolved_first_contacts(ccr.fcr_agg(cust, at, w)) FROM regress.fcr) = ref_resolved AS resolved_ref_ok
FROM regress.fcr_serial ORDER BY w;

-- per group in parallel
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE p.r IS NOT DISTINCT FROM ref.r) AS matching
FROM (SELECT queue, ccr.fcr_rate(cust, at, '1 day') AS r FROM regress.fcr GROUP BY queue) p
	 JOIN (SELECT queue, rate AS r FROM regress.fcr_queue_ref('1 day')) ref USING (queue);

-- rollup of stored summaries in parallel
EXPLAIN (COSTS OFF) SELECT ccr.rollup(s) FROM regress.fcr_par_daily;
SELECT ccr.fcr_rate(ccr.rollup(s)) = (SELECT rate_b FROM regress.fcr_serial WHERE w = '1 day') AS parallel_rollup_same
FROM regress.fcr_par_daily;

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
SELECT regress.err($$SELECT ccr.rollup(s) FROM regress.fcr_par_daily$$);
SELECT regress.err($$SELECT s::text::ccr.fcr_summary FROM regress.fcr_par_big$$);
-- a declared setting: SHOW knows it, SET validates it (22023), typos are errors
SHOW ccr.fcr_max_contacts;
SELECT regress.err($$SET ccr.fcr_max_contacts = 'lots'$$);
SELECT regress.err($$SET ccr.fcr_max_contacts = 0$$);
SELECT regress.err($$SET ccr.fcr_max_contacts = 67108863$$);
SELECT regress.err($$SET ccr.fcr_max_contact = 10$$);
RESET ccr.fcr_max_contacts;
SELECT setting, boot_val, min_val, max_val, context FROM pg_settings WHERE name = 'ccr.fcr_max_contacts';
SELECT ccr.total(ccr.rollup(s)) = (SELECT count(*) FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL) AS no_limit_after_reset
FROM regress.fcr_par_daily;
