-- Repeat-contact FCR with many groups (one small state per customer or
-- queue, all states of an aggregate context in one memory context): hashed,
-- hashed and spilling, sorted, grouping sets, ROLLUP, window aggregates with
-- whole, growing and moving frames, parallel, ccr.rollup per group and the
-- state limit, each against the spec's lag/lead reference in plain SQL.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
-- the generated contacts regress.fcr (one customer with 3000 contacts, 4000
-- with one, ~2500 skewed; ties, gaps of exactly a window, NULL keys and times)
\i :abs_srcdir/test/regress/fcr_contacts.sql

-- The reference, per group, window 1 day: first contacts (the customer's
-- previous contact in the group is more than the window earlier, or none),
-- resolved first contacts (and the next one more than the window later, or
-- none), contacts.  Contacts at the same instant are a repeat of each other
-- whichever comes first (gap 0), so lag/lead order among ties does not
-- matter.  Groups: k = 'c:<cust>' per bigint customer, 't:<cust_t>' per text
-- customer, 'q:<queue>' per queue and 'qc:<queue>:<cust>' per queue and
-- customer (a customer's contacts in other queues do not count), 'all'.
CREATE TABLE regress.fcr_groups_ref AS
WITH f AS (
	SELECT 'c' AS kind, 'c:' || cust AS k, at, lag(at) OVER w1 AS prv, lead(at) OVER w1 AS nxt
	FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL WINDOW w1 AS (PARTITION BY cust ORDER BY at)
	UNION ALL
	SELECT 't', 't:' || cust_t, at, lag(at) OVER w2, lead(at) OVER w2
	FROM regress.fcr WHERE cust_t IS NOT NULL AND at IS NOT NULL WINDOW w2 AS (PARTITION BY cust_t ORDER BY at)
	UNION ALL
	SELECT 'q', 'q:' || queue, at, lag(at) OVER w3, lead(at) OVER w3
	FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL WINDOW w3 AS (PARTITION BY queue, cust ORDER BY at)
	UNION ALL
	SELECT 'qc', 'qc:' || queue || ':' || cust, at, lag(at) OVER w3, lead(at) OVER w3
	FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL WINDOW w3 AS (PARTITION BY queue, cust ORDER BY at)
	UNION ALL
	SELECT 'all', 'all', at, lag(at) OVER w1, lead(at) OVER w1
	FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL WINDOW w1 AS (PARTITION BY cust ORDER BY at))
SELECT kind, k,
	   count(*) FILTER (WHERE prv IS NULL OR at - prv > interval '1 day') AS firsts,
	   count(*) FILTER (WHERE (prv IS NULL OR at - prv > interval '1 day')
							  AND (nxt IS NULL OR nxt - at > interval '1 day')) AS resolved,
	   count(*) AS contacts
FROM f GROUP BY kind, k;
CREATE UNIQUE INDEX ON regress.fcr_groups_ref (k);
ANALYZE regress.fcr_groups_ref;
-- the groups are many and varied: most customers have one or a few
-- contacts, some more than the 5 a new state holds and more than 32 (sorted
-- by the radix sort), one thousands; some groups have repeats
SELECT kind, count(*) > 10 AS many, bool_or(contacts = 1) AS one, bool_or(contacts BETWEEN 6 AND 32) AS few,
	   bool_or(contacts > 32) AS more, bool_or(contacts > 2000) AS thousands, bool_or(firsts < contacts) AS repeats
FROM regress.fcr_groups_ref WHERE kind IN ('c', 't', 'qc') GROUP BY kind ORDER BY kind;

-- q returns (k text, s ccr.fcr_summary): every reference group of the given
-- kinds appears once with equal counts (and fcr_rate, repeat_rate); groups
-- not in the reference (NULL keys, no complete row) have a NULL summary.
CREATE OR REPLACE FUNCTION regress.fcr_groups_check(q text, kinds text[], OUT all_groups boolean, OUT mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format($f$
		SELECT count(r.k) = (SELECT count(*) FROM regress.fcr_groups_ref WHERE kind = ANY (%L))
			   AND count(DISTINCT r.k) = count(r.k)
			   AND count(*) FILTER (WHERE r.k IS NULL AND a.s IS NOT NULL) = 0,
			   count(*) FILTER (WHERE r.k IS NOT NULL AND (
					ccr.first_contacts(a.s) IS DISTINCT FROM r.firsts
					OR ccr.resolved_first_contacts(a.s) IS DISTINCT FROM r.resolved
					OR ccr.total(a.s) IS DISTINCT FROM r.contacts
					OR ccr.fcr_rate(a.s) IS DISTINCT FROM r.resolved::float8 / r.firsts
					OR ccr.repeat_rate(a.s) IS DISTINCT FROM (r.contacts - r.firsts)::float8 / r.contacts))
		FROM (%s) a LEFT JOIN regress.fcr_groups_ref r ON r.k = a.k AND r.kind = ANY (%L)$f$, kinds, q, kinds)
	INTO all_groups, mismatches;
END $$;

-- The same for q returning (k text, rate float8), the one-step aggregate.
CREATE OR REPLACE FUNCTION regress.fcr_groups_check_rate(q text, kinds text[], OUT all_groups boolean, OUT mismatches bigint)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format($f$
		SELECT count(r.k) = (SELECT count(*) FROM regress.fcr_groups_ref WHERE kind = ANY (%L))
			   AND count(DISTINCT r.k) = count(r.k)
			   AND count(*) FILTER (WHERE r.k IS NULL AND a.rate IS NOT NULL) = 0,
			   count(*) FILTER (WHERE r.k IS NOT NULL AND a.rate IS DISTINCT FROM r.resolved::float8 / r.firsts)
		FROM (%s) a LEFT JOIN regress.fcr_groups_ref r ON r.k = a.k AND r.kind = ANY (%L)$f$, kinds, q, kinds)
	INTO all_groups, mismatches;
END $$;

-- Whether the plan of q has a node matching re; the most batches of its hash
-- aggregates when run (EXPLAIN ANALYZE).
CREATE OR REPLACE FUNCTION regress.fcr_plan_has(q text, re text) RETURNS boolean
LANGUAGE sql AS $$ SELECT coalesce(bool_or(l ~ re), false) FROM regress.explain(q) l $$;
CREATE OR REPLACE FUNCTION regress.fcr_explain_json(q text) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	j json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO j;
	RETURN j;
END $$;
CREATE OR REPLACE FUNCTION regress.fcr_hash_batches(q text) RETURNS int LANGUAGE sql AS $$
	SELECT max(m[1]::int) FROM regexp_matches(regress.fcr_explain_json(q)::text, '"HashAgg Batches": ([0-9]+)', 'g') m
$$;

CREATE TABLE regress.fcr_groups_q (name text PRIMARY KEY, kinds text[], rate boolean, q text);
INSERT INTO regress.fcr_groups_q VALUES
	('customer bigint', '{c}', false,
	 $$SELECT 'c:' || cust AS k, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY cust$$),
	('customer text', '{t}', false,
	 $$SELECT 't:' || cust_t AS k, ccr.fcr_agg(cust_t, at, '1 day') AS s FROM regress.fcr GROUP BY cust_t$$),
	('customer bigint, fcr_rate', '{c}', true,
	 $$SELECT 'c:' || cust AS k, ccr.fcr_rate(cust, at, '1 day') AS rate FROM regress.fcr GROUP BY cust$$),
	('customer text, fcr_rate', '{t}', true,
	 $$SELECT 't:' || cust_t AS k, ccr.fcr_rate(cust_t, at, '1 day') AS rate FROM regress.fcr GROUP BY cust_t$$),
	('queue', '{q}', false,
	 $$SELECT 'q:' || queue AS k, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY queue$$),
	('queue and customer', '{qc}', false,
	 $$SELECT 'qc:' || queue || ':' || cust AS k, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY queue, cust$$),
	('grouping sets', '{c,q,all}', false,
	 $$SELECT CASE WHEN GROUPING(cust) = 0 THEN 'c:' || cust WHEN GROUPING(queue) = 0 THEN 'q:' || queue ELSE 'all' END AS k,
			  ccr.fcr_agg(cust, at, '1 day') AS s
	   FROM regress.fcr GROUP BY GROUPING SETS ((cust), (queue), ())$$),
	('grouping sets, fcr_rate, text', '{t,q}', true,
	 $$SELECT CASE WHEN GROUPING(cust_t) = 0 THEN 't:' || cust_t ELSE 'q:' || queue END AS k,
			  ccr.fcr_rate(cust_t, at, '1 day') AS rate
	   FROM regress.fcr GROUP BY GROUPING SETS ((cust_t), (queue))$$),
	('rollup', '{qc,q,all}', false,
	 $$SELECT CASE WHEN GROUPING(cust) = 0 THEN 'qc:' || queue || ':' || cust WHEN GROUPING(queue) = 0 THEN 'q:' || queue ELSE 'all' END AS k,
			  ccr.fcr_agg(cust, at, '1 day') AS s
	   FROM regress.fcr GROUP BY ROLLUP (queue, cust)$$),
	('ccr.rollup per customer', '{c}', false,
	 $$SELECT 'c:' || cust AS k, ccr.rollup(s) AS s
	   FROM (SELECT queue, cust, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY queue, cust) x GROUP BY cust$$);

-- Hashed (sorts off), hashed with spilling (several batches, the states
-- rebuilt in each; work_mem 64kB, and 1MB for grouping sets, which the
-- planner hashes only when it expects them to fit), sorted (every group's
-- states deleted with the aggregate context between groups, grouping sets
-- one aggregate context each).
CREATE TABLE regress.fcr_groups_res (strategy text, name text, all_groups boolean, mismatches bigint, plan_ok boolean);
SET enable_sort = off;
INSERT INTO regress.fcr_groups_res
SELECT 'hashed', name, c.*, regress.fcr_plan_has(q, 'HashAggregate|MixedAggregate') AND NOT regress.fcr_plan_has(q, 'GroupAggregate')
FROM regress.fcr_groups_q,
	 LATERAL (SELECT * FROM regress.fcr_groups_check(q, kinds) WHERE NOT rate
			  UNION ALL SELECT * FROM regress.fcr_groups_check_rate(q, kinds) WHERE rate) c;
SET work_mem = '64kB';
INSERT INTO regress.fcr_groups_res
SELECT 'hashed, spilling', name, c.*, regress.fcr_hash_batches(q) > 1
FROM regress.fcr_groups_q,
	 LATERAL (SELECT * FROM regress.fcr_groups_check(q, kinds) WHERE NOT rate
			  UNION ALL SELECT * FROM regress.fcr_groups_check_rate(q, kinds) WHERE rate) c
WHERE name <> 'queue' AND name NOT LIKE 'grouping sets%' AND name <> 'rollup';
SET work_mem = '1MB';
INSERT INTO regress.fcr_groups_res
SELECT 'hashed, spilling', name, c.*, regress.fcr_hash_batches(q) > 1
FROM regress.fcr_groups_q,
	 LATERAL (SELECT * FROM regress.fcr_groups_check(q, kinds) WHERE NOT rate
			  UNION ALL SELECT * FROM regress.fcr_groups_check_rate(q, kinds) WHERE rate) c
WHERE name LIKE 'grouping sets%' OR name = 'rollup';
RESET work_mem;
RESET enable_sort;
SET enable_hashagg = off;
INSERT INTO regress.fcr_groups_res
SELECT 'sorted', name, c.*, regress.fcr_plan_has(q, 'GroupAggregate') AND NOT regress.fcr_plan_has(q, 'HashAggregate|MixedAggregate')
FROM regress.fcr_groups_q,
	 LATERAL (SELECT * FROM regress.fcr_groups_check(q, kinds) WHERE NOT rate
			  UNION ALL SELECT * FROM regress.fcr_groups_check_rate(q, kinds) WHERE rate) c;
RESET enable_hashagg;
SELECT strategy, name, all_groups, mismatches, plan_ok FROM regress.fcr_groups_res ORDER BY strategy, name;

-- Parallel: partial states per group in the workers, flattened, shipped and
-- combined per group in the leader: per customer sorted (the planner does
-- not hash 6,000 groups of 20,000 rows in parallel), per queue hashed.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
SELECT 'sorted' AS strategy, name, c.*,
	   regress.fcr_plan_has(q, 'Partial GroupAggregate') AND regress.fcr_plan_has(q, 'Finalize GroupAggregate') AS plan_ok
FROM regress.fcr_groups_q,
	 LATERAL (SELECT * FROM regress.fcr_groups_check(q, kinds) WHERE NOT rate
			  UNION ALL SELECT * FROM regress.fcr_groups_check_rate(q, kinds) WHERE rate) c
WHERE name LIKE 'customer%' OR name = 'queue'
ORDER BY name;
RESET enable_hashagg;
SET enable_sort = off;
SELECT 'hashed' AS strategy, name, c.*,
	   regress.fcr_plan_has(q, 'Partial HashAggregate') AND regress.fcr_plan_has(q, 'Finalize HashAggregate') AS plan_ok
FROM regress.fcr_groups_q, LATERAL regress.fcr_groups_check(q, kinds) c
WHERE name = 'queue';
RESET enable_sort;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- Memory: the fixed cost of a group is one small state, not a memory
-- context of its own (about 2 kB before 0.3.0): the hash aggregate of
-- 6,500 customers stays under 1 kB per group beyond the 16 bytes a contact.
SET enable_sort = off;
SELECT (j -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Strategy') = 'Hashed'
	   AND (j -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'HashAgg Batches')::int = 1 AS one_batch,
	   ((j -> 0 -> 'Plan' -> 'Plans' -> 0 ->> 'Peak Memory Usage')::float8 * 1024
		- 16 * (SELECT sum(contacts) FROM regress.fcr_groups_ref WHERE kind = 'c'))
	   / (SELECT count(*) FROM regress.fcr_groups_ref WHERE kind = 'c') < 1024 AS under_1kb_per_group
FROM (SELECT regress.fcr_explain_json($$SELECT count(ccr.first_contacts(s)) FROM
	  (SELECT cust, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY cust) a$$) AS j) x;
RESET enable_sort;

-- Window aggregates.  The whole partition (no ORDER BY): each row's summary
-- is its customer's.
SELECT count(*) = (SELECT count(*) FROM regress.fcr) AS all_rows,
	   count(*) FILTER (WHERE ccr.first_contacts(s) IS DISTINCT FROM r.firsts
							  OR ccr.resolved_first_contacts(s) IS DISTINCT FROM r.resolved
							  OR ccr.total(s) IS DISTINCT FROM r.contacts
							  OR rate IS DISTINCT FROM r.resolved::float8 / r.firsts) AS mismatches
FROM (SELECT cust_t, ccr.fcr_agg(cust_t, at, '1 day') OVER (PARTITION BY cust_t) AS s,
			 ccr.fcr_rate(cust_t, at, '1 day') OVER (PARTITION BY cust_t) AS rate
	  FROM regress.fcr) a
LEFT JOIN regress.fcr_groups_ref r ON r.k = 't:' || a.cust_t;

-- Growing (the default RANGE frame, ties included) and moving frames (3
-- rows: fcr has no inverse transition, so the aggregate restarts in a reset
-- context at every row) over each queue's contacts in time order, several
-- customers a frame; the reference is lag/lead over the frame's contacts
-- (array_agg over the same window).
CREATE OR REPLACE FUNCTION regress.fcr_frames_check(win text, rows_where text, OUT all_rows boolean, OUT mismatches bigint, OUT repeats boolean)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format($f$
		WITH f AS (
			SELECT id, ccr.fcr_agg(cust, at, '1 day') OVER wf AS s, ccr.fcr_rate(cust, at, '1 day') OVER wf AS rate,
				   array_agg(cust) OVER wf AS cs, array_agg(at) OVER wf AS ats
			FROM regress.fcr WHERE %s WINDOW wf AS (%s)),
		u AS (
			SELECT id, t, lag(t) OVER x AS prv, lead(t) OVER x AS nxt
			FROM f, unnest(cs, ats) u(c, t) WHERE c IS NOT NULL AND t IS NOT NULL
			WINDOW x AS (PARTITION BY id, c ORDER BY t)),
		r AS (
			SELECT id, count(*) FILTER (WHERE prv IS NULL OR t - prv > interval '1 day') AS firsts,
				   count(*) FILTER (WHERE (prv IS NULL OR t - prv > interval '1 day')
										  AND (nxt IS NULL OR nxt - t > interval '1 day')) AS resolved,
				   count(*) AS contacts
			FROM u GROUP BY id)
		SELECT count(*) = (SELECT count(*) FROM regress.fcr WHERE %s),
			   count(*) FILTER (WHERE coalesce(ccr.first_contacts(s), 0) <> coalesce(r.firsts, 0)
									  OR coalesce(ccr.resolved_first_contacts(s), 0) <> coalesce(r.resolved, 0)
									  OR coalesce(ccr.total(s), 0) <> coalesce(r.contacts, 0)
									  OR rate IS DISTINCT FROM r.resolved::float8 / nullif(r.firsts, 0)),
			   bool_or(r.firsts < r.contacts)
		FROM f LEFT JOIN r USING (id)$f$, rows_where, win, rows_where)
	INTO all_rows, mismatches, repeats;
END $$;
SELECT 'growing' AS frame, * FROM regress.fcr_frames_check('PARTITION BY queue ORDER BY at', 'id % 20 = 0')
UNION ALL
SELECT 'moving', * FROM regress.fcr_frames_check('PARTITION BY queue ORDER BY at, id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW', 'true');

-- The state limit per group: at the largest group's size every group is
-- built; one less fails with 54000 naming the largest group's size.  A limit
-- below the 5 contacts a new state holds applies to them too.
SELECT max(contacts) AS biggest FROM regress.fcr_groups_ref WHERE kind = 'c' \gset
SELECT set_config('ccr.fcr_max_contacts', :'biggest', false) IS NOT NULL AS set;
SELECT * FROM regress.fcr_groups_check((SELECT q FROM regress.fcr_groups_q WHERE name = 'customer bigint'), '{c}');
SELECT set_config('ccr.fcr_max_contacts', (:biggest - 1)::text, false) IS NOT NULL AS set;
SELECT regress.err($$SELECT count(ccr.total(s)) FROM (SELECT ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY cust) a$$)
	   = format('54000: repeat-contact FCR state would hold %s contacts, more than the limit of %s', :biggest, :biggest - 1) AS limit_error;
SET ccr.fcr_max_contacts = 3;
SELECT count(*) FILTER (WHERE ccr.total(s) IS DISTINCT FROM r.contacts OR ccr.first_contacts(s) IS DISTINCT FROM r.firsts) AS mismatches,
	   count(*) = (SELECT count(*) FROM regress.fcr_groups_ref WHERE kind = 'c' AND contacts <= 3) AS all_groups
FROM (SELECT cust, ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr
	  WHERE cust IN (SELECT substr(k, 3)::bigint FROM regress.fcr_groups_ref WHERE kind = 'c' AND contacts <= 3) AND at IS NOT NULL
	  GROUP BY cust) a
JOIN regress.fcr_groups_ref r ON r.k = 'c:' || a.cust;
SELECT regress.err($$SELECT count(ccr.total(s)) FROM (SELECT ccr.fcr_agg(cust_t, at, '1 day') AS s FROM regress.fcr GROUP BY cust_t) a$$)
	   = '54000: repeat-contact FCR state would hold 4 contacts, more than the limit of 3' AS limit_3;
SET ccr.fcr_max_contacts = 5;
SELECT regress.err($$SELECT count(ccr.total(s)) FROM (SELECT ccr.fcr_agg(cust, at, '1 day') AS s FROM regress.fcr GROUP BY cust) a$$)
	   = '54000: repeat-contact FCR state would hold 6 contacts, more than the limit of 5' AS limit_5;
-- and to the states ccr.rollup builds per group (combine)
SELECT left(regress.err((SELECT 'SELECT count(ccr.total(s)) FROM (' || q || ') a' FROM regress.fcr_groups_q WHERE name = 'ccr.rollup per customer')), 5)
	   = '54000' AS limit_5_rollup;
RESET ccr.fcr_max_contacts;

DROP FUNCTION regress.fcr_frames_check(text, text);
DROP FUNCTION regress.fcr_hash_batches(text);
DROP FUNCTION regress.fcr_explain_json(text);
DROP FUNCTION regress.fcr_plan_has(text, text);
DROP FUNCTION regress.fcr_groups_check_rate(text, text[]);
DROP FUNCTION regress.fcr_groups_check(text, text[]);
DROP TABLE regress.fcr_groups_res, regress.fcr_groups_q, regress.fcr_groups_ref;
