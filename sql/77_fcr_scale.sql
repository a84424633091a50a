-- Repeat-contact FCR on the scale paths: parallel workers (each sees part of
-- every customer's contacts), month partitions (a customer's repeat crosses
-- the partition boundary) and stored summaries rolled up.  The combine must
-- see every contact of a customer to classify first contacts and repeats.
-- The checkers regress.scale_par_check / regress.scale_pw_check and the
-- month tables regress.scale_flat / regress.scale_part come from the fixture
-- test/regress/scale.sql (see 75_parallel and 76_partitionwise).
--
-- fcr_summary values are compared in a canonical form (the header and the
-- sorted multiset of (customer key, contact_at) pairs): the summary is that
-- multiset, and the order in which workers or partitions concatenate their
-- pairs is not part of the value.  Every accessor is compared exactly.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();
\i :abs_srcdir/test/regress/scale.sql
SELECT regress.make_scale_months();

CREATE FUNCTION regress.fcr_canonical(s ccr.fcr_summary) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	t text := s::text;
	b bytea := decode(split_part(t, ' pairs=', 2), 'base64');
	sorted text;
BEGIN
	SELECT string_agg(encode(p, 'hex'), ',' ORDER BY p) INTO sorted
	FROM (SELECT substring(b FROM 1 + 16 * i FOR 16) AS p FROM generate_series(0, length(b) / 16 - 1) i) q;
	RETURN split_part(t, ' pairs=', 1) || ' sorted_pairs=' || coalesce(sorted, '');
END $$;

-- The canonical form tells different summaries apart and ignores pair order.
SELECT regress.fcr_canonical(a) = regress.fcr_canonical(b) AS same_contacts_other_order,
	   regress.fcr_canonical(a) <> regress.fcr_canonical(c) AS one_contact_moved_differs,
	   ccr.total(a) = 3 AS three_contacts
FROM (SELECT ccr.fcr_agg(k, t, interval '1 day') AS a FROM (VALUES (1::bigint, timestamptz '2026-01-01 10:00+00'), (2, '2026-01-01 11:00+00'), (1, '2026-01-03 10:00+00')) v(k, t)) x,
	 (SELECT ccr.fcr_agg(k, t, interval '1 day') AS b FROM (VALUES (1::bigint, timestamptz '2026-01-03 10:00+00'), (1, '2026-01-01 10:00+00'), (2, '2026-01-01 11:00+00')) v(k, t)) y,
	 (SELECT ccr.fcr_agg(k, t, interval '1 day') AS c FROM (VALUES (1::bigint, timestamptz '2026-01-01 10:00+00'), (2, '2026-01-01 11:00+00'), (1, '2026-01-03 10:00:01+00')) v(k, t)) z;

-- regress.calls: ~1000 customers (NULL where wait is NULL, so group 9 has
-- only NULL keys), ~30 contacts each over 13 days, window 6 hours.
INSERT INTO regress.scale_aggs (src, label, expr) VALUES
	('fcr75', 'fcr_rate_bigint', 'ccr.fcr_rate((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours'')'),
	('fcr75', 'fcr_rate_text', 'ccr.fcr_rate(''c'' || (CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END), at, interval ''6 hours'')'),
	('fcr75', 'fcr_agg', 'regress.fcr_canonical(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_text_key', 'regress.fcr_canonical(ccr.fcr_agg(''c'' || (CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END), at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_fcr_rate', 'ccr.fcr_rate(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_repeat_rate', 'ccr.repeat_rate(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_first_contacts', 'ccr.first_contacts(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_resolved', 'ccr.resolved_first_contacts(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75', 'fcr_agg_total', 'ccr.total(ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval ''6 hours''))'),
	('fcr75sum', 'rollup_fcr', 'regress.fcr_canonical(ccr.rollup(fcr))'),
	('fcr75sum', 'rollup_fcr_rate', 'ccr.fcr_rate(ccr.rollup(fcr))'),
	('fcr75sum', 'rollup_repeat_rate', 'ccr.repeat_rate(ccr.rollup(fcr))'),
	('fcr75sum', 'rollup_first_contacts', 'ccr.first_contacts(ccr.rollup(fcr))');

-- Stored FCR summaries per group and block of 500 ids.
CREATE TABLE regress.scale_fcr_summaries AS
SELECT grp, id / 500 AS block,
	   ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval '6 hours') AS fcr
FROM regress.calls GROUP BY grp, id / 500;
ANALYZE regress.scale_fcr_summaries;

-- Parallel vs serial, leader participation off and on.
SELECT c.*
FROM (VALUES (false), (true)) l(leader),
	 LATERAL (VALUES
		('grouped', 'fcr75', 'SELECT grp, %s FROM regress.calls GROUP BY grp'),
		('total', 'fcr75', 'SELECT 0 AS grp, %s FROM regress.calls'),
		('tiny groups', 'fcr75', 'SELECT grp, %s FROM regress.calls WHERE mod(id, 997) = 5 GROUP BY grp'),
		('no rows', 'fcr75', 'SELECT 0 AS grp, %s FROM regress.calls WHERE id + 0 < 0'),
		('null keys only', 'fcr75', 'SELECT 0 AS grp, %s FROM regress.calls WHERE grp = 9'),
		('rollup grouped', 'fcr75sum', 'SELECT grp, %s FROM regress.scale_fcr_summaries GROUP BY grp'),
		('rollup total', 'fcr75sum', 'SELECT 0 AS grp, %s FROM regress.scale_fcr_summaries')
	 ) v(shape, src, q),
	 LATERAL regress.scale_par_check(v.shape, v.src, v.q, l.leader) c;

-- Parallel answers against the plain-SQL reference of the spec (window
-- functions), as exact counts of first contacts and resolved first contacts.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT ccr.first_contacts(s) = r.first_contacts AS first_contacts_ok,
	   ccr.resolved_first_contacts(s) = r.resolved AS resolved_ok,
	   ccr.total(s) = r.contacts AS total_ok,
	   r.first_contacts < r.contacts AND r.resolved < r.first_contacts AS reference_has_repeats
FROM (SELECT ccr.fcr_agg((CASE WHEN wait IS NOT NULL THEN hashint4(id) & 1023 END)::bigint, at, interval '6 hours') AS s
	  FROM regress.calls) a,
	 (SELECT count(*) AS contacts,
			 count(*) FILTER (WHERE prv IS NULL OR at - prv > interval '6 hours') AS first_contacts,
			 count(*) FILTER (WHERE (prv IS NULL OR at - prv > interval '6 hours')
								AND (nxt IS NULL OR nxt - at > interval '6 hours')) AS resolved
	  FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
			FROM regress.calls WHERE wait IS NOT NULL
			WINDOW c AS (PARTITION BY hashint4(id) & 1023 ORDER BY at)) w) r;
RESET ALL;

-- Month partitions: regress.scale_flat / regress.scale_part have 3000
-- generated customers over seven months; window 7 days, so many repeats cross
-- a month boundary.
INSERT INTO regress.scale_aggs (src, label, expr) VALUES
	('fcr76', 'fcr_rate_bigint', 'ccr.fcr_rate(customer, at, interval ''7 days'')'),
	('fcr76', 'fcr_rate_text', 'ccr.fcr_rate(''cust-'' || customer, at, interval ''7 days'')'),
	('fcr76', 'fcr_agg', 'regress.fcr_canonical(ccr.fcr_agg(customer, at, interval ''7 days''))'),
	('fcr76', 'fcr_agg_fcr_rate', 'ccr.fcr_rate(ccr.fcr_agg(customer, at, interval ''7 days''))'),
	('fcr76', 'fcr_agg_repeat_rate', 'ccr.repeat_rate(ccr.fcr_agg(customer, at, interval ''7 days''))'),
	('fcr76', 'fcr_agg_first_contacts', 'ccr.first_contacts(ccr.fcr_agg(customer, at, interval ''7 days''))'),
	('fcr76', 'fcr_agg_resolved', 'ccr.resolved_first_contacts(ccr.fcr_agg(customer, at, interval ''7 days''))'),
	('fcr76sum', 'rollup_fcr', 'regress.fcr_canonical(ccr.rollup(fcr))'),
	('fcr76sum', 'rollup_fcr_rate', 'ccr.fcr_rate(ccr.rollup(fcr))'),
	('fcr76sum', 'rollup_first_contacts', 'ccr.first_contacts(ccr.rollup(fcr))');

-- Stored daily FCR summaries, plain and partitioned by month.
SET TimeZone = 'UTC';
CREATE TABLE regress.scale_fcrsumm_flat AS
SELECT grp, date_trunc('day', at, 'UTC') AS day, ccr.fcr_agg(customer, at, interval '7 days') AS fcr
FROM regress.scale_flat GROUP BY 1, 2;
ANALYZE regress.scale_fcrsumm_flat;
CREATE TABLE regress.scale_fcrsumm_part (LIKE regress.scale_fcrsumm_flat) PARTITION BY RANGE (day);
SELECT format('CREATE TABLE regress.scale_fcrsumm_part_%s PARTITION OF regress.scale_fcrsumm_part FOR VALUES FROM (%L) TO (%L)',
			  to_char(m, 'YYYY_MM'), m, m + interval '1 month')
FROM generate_series(timestamptz '2026-01-01 00:00+00', '2026-07-01 00:00+00', interval '1 month') m
\gexec
INSERT INTO regress.scale_fcrsumm_part SELECT * FROM regress.scale_fcrsumm_flat;
ANALYZE regress.scale_fcrsumm_part;
RESET ALL;

SELECT c.*
FROM (VALUES (false), (true)) l(par),
	 LATERAL (VALUES
		('grouped', 'fcr76', 'SELECT grp, %1$s FROM %2$s GROUP BY grp', 'regress.scale_flat', 'regress.scale_part'),
		('total', 'fcr76', 'SELECT 0 AS grp, %1$s FROM %2$s', 'regress.scale_flat', 'regress.scale_part'),
		('40 groups', 'fcr76', 'SELECT grp * 10 + coalesce(reopens, 9) AS grp, %1$s FROM %2$s GROUP BY 1', 'regress.scale_flat', 'regress.scale_part'),
		('pruned to 2 months', 'fcr76', 'SELECT grp, %1$s FROM %2$s WHERE at >= ''2026-03-01 00:00+00'' AND at < ''2026-05-01 00:00+00'' GROUP BY grp', 'regress.scale_flat', 'regress.scale_part'),
		('rollup grouped', 'fcr76sum', 'SELECT grp, %1$s FROM %2$s GROUP BY grp', 'regress.scale_fcrsumm_flat', 'regress.scale_fcrsumm_part'),
		('rollup total', 'fcr76sum', 'SELECT 0 AS grp, %1$s FROM %2$s', 'regress.scale_fcrsumm_flat', 'regress.scale_fcrsumm_part')
	 ) v(shape, src, q, flat, part),
	 LATERAL regress.scale_pw_check(v.shape, v.src, v.q, v.flat, v.part, l.par) c;

-- Partition-wise against the plain-SQL reference, and proof that the test
-- needs the cross-partition combine: many first contacts' previous contact
-- (or repeats' next one) is in another month, and classifying each month on
-- its own would give a different count.
SET enable_partitionwise_aggregate = on;
SELECT ccr.first_contacts(s) = r.first_contacts AS first_contacts_ok,
	   ccr.resolved_first_contacts(s) = r.resolved AS resolved_ok,
	   r.crossing > 100 AS many_repeats_cross_a_month_boundary,
	   (SELECT sum(ccr.first_contacts(m)) FROM (SELECT ccr.fcr_agg(customer, at, interval '7 days') AS m
												FROM regress.scale_part GROUP BY tableoid) pm) <> r.first_contacts
		AS per_month_alone_would_differ
FROM (SELECT ccr.fcr_agg(customer, at, interval '7 days') AS s FROM regress.scale_part) a,
	 (SELECT count(*) FILTER (WHERE prv IS NULL OR at - prv > interval '7 days') AS first_contacts,
			 count(*) FILTER (WHERE (prv IS NULL OR at - prv > interval '7 days')
								AND (nxt IS NULL OR nxt - at > interval '7 days')) AS resolved,
			 count(*) FILTER (WHERE at - prv <= interval '7 days'
								AND date_trunc('month', prv, 'UTC') <> date_trunc('month', at, 'UTC')) AS crossing
	  FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
			FROM regress.scale_flat WINDOW c AS (PARTITION BY customer ORDER BY at)) w) r;
EXPLAIN (COSTS OFF) SELECT ccr.fcr_rate(customer, at, interval '7 days') FROM regress.scale_part;
RESET ALL;
