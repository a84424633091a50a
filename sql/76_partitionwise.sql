-- Declarative partitioning by month with enable_partitionwise_aggregate: the
-- planner aggregates each partition separately (Partial Aggregate under
-- Append) and combines the partial states; every aggregate must give exactly
-- the answer of the same rows in one plain table.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

-- The aggregate list regress.scale_aggs and the checker
-- regress.scale_pw_check(shape, src, query, flat, part, parallel): runs the
-- query on the plain table with partition-wise aggregation off and on the
-- partitioned one with it on (through EXPLAIN ANALYZE CREATE TABLE AS, so the
-- plan checked produced the rows), optionally with forced parallel plans, and
-- compares every cell as value and as text.
\i :abs_srcdir/test/regress/scale.sql

-- The rows of regress.calls spread over seven months (one every 10 minutes
-- from 2026-01-01) with a customer key, in a plain table (regress.scale_flat)
-- and in a table partitioned by month (regress.scale_part).
-- Month partitions are UTC months (pg_regress runs in PST8PDT).
SET TimeZone = 'UTC';
SELECT regress.make_scale_months();
SELECT tableoid::regclass AS partition, count(*) AS contacts, min(at) >= '2026-01-01 00:00+00' AS in_range
FROM regress.scale_part GROUP BY 1 ORDER BY 1;

-- Stored daily summaries, plain and partitioned by month, for ccr.rollup.
CREATE TABLE regress.scale_summ_flat AS
SELECT grp, date_trunc('day', at, 'UTC') AS day,
	   ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS rate,
	   ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat,
	   ccr.nps_agg(nps) AS nps, ccr.duration_agg(talk) AS dur,
	   ccr.backlog_agg(at, at + talk * interval '1 second', '2026-03-01 00:00+00', '2026-03-15 00:00+00', interval '1 day') AS backlog,
	   ccr.ces_agg(csat5, 5) AS ces, ccr.qa_agg(hold, 60, flag) AS qa
FROM regress.scale_flat GROUP BY 1, 2;
ANALYZE regress.scale_summ_flat;
CREATE TABLE regress.scale_summ_part (LIKE regress.scale_summ_flat) PARTITION BY RANGE (day);
SELECT format('CREATE TABLE regress.scale_summ_part_%s PARTITION OF regress.scale_summ_part FOR VALUES FROM (%L) TO (%L)',
			  to_char(m, 'YYYY_MM'), m, m + interval '1 month')
FROM generate_series(timestamptz '2026-01-01 00:00+00', '2026-07-01 00:00+00', interval '1 month') m
\gexec
INSERT INTO regress.scale_summ_part SELECT * FROM regress.scale_summ_flat;
ANALYZE regress.scale_summ_part;

-- The plan shapes, once in full.
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT ccr.sl_agg(wait, answered, 20), ccr.aht(talk, hold, acw) FROM regress.scale_part;
EXPLAIN (COSTS OFF) SELECT grp, ccr.service_level(wait, answered, 20), ccr.nps_agg(nps) FROM regress.scale_part GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT grp, ccr.rollup(sl) FROM regress.scale_summ_part WHERE day >= '2026-05-01 00:00+00' GROUP BY grp;
RESET ALL;

-- Every aggregate: partitioned and partition-wise vs one plain table.
-- Serially there is one partial aggregate per partition: 8 (7 months and the
-- default partition), or fewer where the WHERE clause prunes partitions.
SELECT c.*
FROM (VALUES (false), (true)) l(par),
	 LATERAL (VALUES
		('grouped', 'calls', 'SELECT grp, %1$s FROM %2$s GROUP BY grp', 'regress.scale_flat', 'regress.scale_part'),
		('total', 'calls', 'SELECT 0 AS grp, %1$s FROM %2$s', 'regress.scale_flat', 'regress.scale_part'),
		('40 groups', 'calls', 'SELECT grp * 10 + coalesce(reopens, 9) AS grp, %1$s FROM %2$s GROUP BY 1', 'regress.scale_flat', 'regress.scale_part'),
		('month boundaries', 'calls', 'SELECT grp, %1$s FROM %2$s WHERE extract(day FROM at AT TIME ZONE ''UTC'') IN (1, 28, 29, 30, 31) GROUP BY grp', 'regress.scale_flat', 'regress.scale_part'),
		('pruned to 2 months', 'calls', 'SELECT grp, %1$s FROM %2$s WHERE at >= ''2026-03-01 00:00+00'' AND at < ''2026-05-01 00:00+00'' GROUP BY grp', 'regress.scale_flat', 'regress.scale_part'),
		('null rows only', 'calls', 'SELECT 0 AS grp, %1$s FROM %2$s WHERE grp = 9', 'regress.scale_flat', 'regress.scale_part'),
		('no rows', 'calls', 'SELECT 0 AS grp, %1$s FROM %2$s WHERE id + 0 < 0', 'regress.scale_flat', 'regress.scale_part'),
		('rollup grouped', 'summaries', 'SELECT grp, %1$s FROM %2$s GROUP BY grp', 'regress.scale_summ_flat', 'regress.scale_summ_part'),
		('rollup total', 'summaries', 'SELECT 0 AS grp, %1$s FROM %2$s', 'regress.scale_summ_flat', 'regress.scale_summ_part')
	 ) v(shape, src, q, flat, part),
	 LATERAL regress.scale_pw_check(v.shape, v.src, v.q, v.flat, v.part, l.par) c;

-- The partitioned answers also match plain SQL on the plain table.
SET enable_partitionwise_aggregate = on;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE ccr.hits(p.rate) IS DISTINCT FROM f.hits OR ccr.total(p.rate) IS DISTINCT FROM f.total) AS rate_bad,
	   count(*) FILTER (WHERE ccr.answered(p.sl) IS DISTINCT FROM f.answered_n OR ccr.abandoned(p.sl) IS DISTINCT FROM f.abandoned_n) AS sl_bad,
	   count(*) FILTER (WHERE ccr.responses(p.nps) IS DISTINCT FROM f.nps_n) AS nps_bad
FROM (SELECT grp, ccr.rate_agg(flag) AS rate, ccr.sl_agg(wait, answered, 20) AS sl, ccr.nps_agg(nps) AS nps
	  FROM regress.scale_part GROUP BY grp) p
	 JOIN
	 (SELECT grp, count(*) FILTER (WHERE flag) AS hits, count(flag) AS total,
			 count(*) FILTER (WHERE answered AND wait IS NOT NULL) AS answered_n,
			 count(*) FILTER (WHERE NOT answered AND wait IS NOT NULL) AS abandoned_n,
			 count(nps) AS nps_n
	  FROM regress.scale_flat GROUP BY grp) f USING (grp)
WHERE grp <> 9;
RESET ALL;
