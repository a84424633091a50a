-- Declarative partitioning by month with enable_partitionwise_aggregate: the
-- planner aggregates each partition separately (Partial Aggregate under
-- Append) and combines the partial states; every aggregate must give exactly
-- the answer of the same rows in one plain table.  Uses the aggregate list
-- regress.scale_aggs of 75_parallel.

-- The rows of regress.calls spread over seven months (one every 10 minutes
-- from 2026-01-01) with a customer key, in a plain table and in a table
-- partitioned by month.
-- Month partitions are UTC months (pg_regress runs in PST8PDT).
SET TimeZone = 'UTC';
SELECT setseed(0.7575);
CREATE TABLE regress.scale_flat AS
SELECT c.id, c.grp,
	   timestamptz '2026-01-01 00:00+00' + c.id * interval '10 minutes' AS at,
	   (1 + floor(random() * 3000))::bigint AS customer,
	   c.wait, c.answered, c.talk, c.hold, c.acw, c.flag, c.reopens, c.csat5, c.nps
FROM regress.calls c;
ANALYZE regress.scale_flat;

CREATE TABLE regress.scale_part (LIKE regress.scale_flat) PARTITION BY RANGE (at);
SELECT format('CREATE TABLE regress.scale_part_%s PARTITION OF regress.scale_part FOR VALUES FROM (%L) TO (%L)',
			  to_char(m, 'YYYY_MM'), m, m + interval '1 month')
FROM generate_series(timestamptz '2026-01-01 00:00+00', '2026-07-01 00:00+00', interval '1 month') m
\gexec
CREATE TABLE regress.scale_part_default PARTITION OF regress.scale_part DEFAULT;
INSERT INTO regress.scale_part SELECT * FROM regress.scale_flat;
ANALYZE regress.scale_part;
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

-- Runs query q ('%1$s' = the select list of the aggregates of src, '%2$s' =
-- the table) on the plain table with partition-wise aggregation off and on
-- the partitioned one with it on (through EXPLAIN ANALYZE CREATE TABLE AS, so
-- the plan checked produced the rows), optionally with forced parallel
-- plans, and compares every cell as value and as text.
CREATE FUNCTION regress.scale_pw_check(p_shape text, p_src text, q text, flat text, part text, par boolean)
RETURNS TABLE (shape text, parallel boolean, partial_aggregation text,
			   rows_flat bigint, rows_part bigint, cells bigint, mismatches bigint, mismatching text)
LANGUAGE plpgsql AS $$
DECLARE
	sel text;
	plan text := '';
	line text;
	lab text;
	bad bigint;
	n int;
BEGIN
	SELECT string_agg(format('%s AS %I', a.expr, a.label), ', ' ORDER BY a.ord) INTO sel
	FROM regress.scale_aggs a WHERE a.src = p_src;

	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	PERFORM set_config('enable_partitionwise_aggregate', 'off', true);
	EXECUTE 'CREATE TABLE regress.scale_f AS ' || format(q, sel, flat);

	PERFORM set_config('enable_partitionwise_aggregate', 'on', true);
	IF par THEN
		PERFORM set_config('parallel_setup_cost', '0', true);
		PERFORM set_config('parallel_tuple_cost', '0', true);
		PERFORM set_config('min_parallel_table_scan_size', '0', true);
		PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	END IF;
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE regress.scale_p AS '
						|| format(q, sel, part) LOOP
		plan := plan || line || E'\n';
	END LOOP;
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	PERFORM set_config('enable_partitionwise_aggregate', 'off', true);

	shape := p_shape;
	parallel := par;
	-- Serially: one Partial Aggregate per scanned partition, under an
	-- Append.  In parallel the planner picks, by cost, partial aggregates per
	-- partition under a Parallel Append or one above it: any partial plan.
	n := CASE WHEN plan ~ 'Append' THEN
		(SELECT count(*) FROM regexp_matches(plan, 'Partial (Hash|Group)?Aggregate', 'g'))::int ELSE 0 END;
	partial_aggregation := CASE WHEN n = 0 THEN 'none'
								WHEN par THEN 'parallel partial'
								ELSE format('per partition (%s)', n) END;
	SELECT count(*) INTO rows_flat FROM regress.scale_f;
	SELECT count(*) INTO rows_part FROM regress.scale_p;
	cells := 0;
	mismatches := 0;
	mismatching := '';
	FOR lab IN SELECT a.label FROM regress.scale_aggs a WHERE a.src = p_src ORDER BY a.ord LOOP
		EXECUTE format('SELECT count(*) FILTER (WHERE f.%1$I IS DISTINCT FROM p.%1$I
													OR f.%1$I::text IS DISTINCT FROM p.%1$I::text
													OR f.grp IS NULL OR p.grp IS NULL)
						FROM regress.scale_f f FULL JOIN regress.scale_p p ON f.grp = p.grp', lab)
			INTO bad;
		cells := cells + rows_flat;
		mismatches := mismatches + bad;
		IF bad > 0 THEN
			mismatching := mismatching || lab || ' ';
		END IF;
	END LOOP;
	DROP TABLE regress.scale_f, regress.scale_p;
	RETURN NEXT;
END $$;

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
