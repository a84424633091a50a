-- Parallel aggregation: every aggregate, forced into Partial Aggregate plans
-- under Gather, gives bit for bit the serial answer (summaries compared as
-- text, results with = and as text), with and without leader participation,
-- for grouped and ungrouped queries, empty groups, NULL rows, tiny inputs
-- where some workers see nothing, and no input at all.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

-- The aggregate calls under test, regress.scale_aggs (label, expression,
-- and the table they read: 'calls' = regress.calls, 'summaries' = stored
-- summaries for ccr.rollup, 'control' = a negative control that differs
-- between the serial and the parallel run, so the checker must report it),
-- and the checker regress.scale_par_check(shape, src, query, leader): runs
-- the query once serially and once under forced parallel settings, through
-- EXPLAIN ANALYZE CREATE TABLE AS so the plan checked is the one that
-- produced the rows, and compares every cell as value and as text.
\i :abs_srcdir/test/regress/scale.sql
SELECT src, count(*) FROM regress.scale_aggs GROUP BY src ORDER BY src;

-- Stored summaries, one per group and block of 500 ids (some all-NULL).
CREATE TABLE regress.scale_summaries AS
SELECT grp, id / 500 AS block,
	   ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS rate,
	   ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat,
	   ccr.nps_agg(nps) AS nps, ccr.duration_agg(talk) AS dur,
	   ccr.backlog_agg(at, at + talk * interval '1 second', '2026-03-01 00:00+00', '2026-03-15 00:00+00', interval '1 day') AS backlog,
	   ccr.ces_agg(csat5, 5) AS ces, ccr.qa_agg(hold, 60, flag) AS qa
FROM regress.calls GROUP BY grp, id / 500;
ANALYZE regress.scale_summaries;

-- The plan shapes, once in full.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT ccr.sl_agg(wait, answered, 20), ccr.aht(talk, hold, acw) FROM regress.calls;
EXPLAIN (COSTS OFF) SELECT grp, ccr.service_level(wait, answered, 20), ccr.nps_agg(nps) FROM regress.calls GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT grp, ccr.rollup(sl) FROM regress.scale_summaries GROUP BY grp;
RESET ALL;

-- Every aggregate, serial vs parallel, leader participation off and on.
SELECT c.*
FROM (VALUES (false), (true)) l(leader),
	 LATERAL (VALUES
		('grouped', 'calls', 'SELECT grp, %s FROM regress.calls GROUP BY grp'),
		('total', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls'),
		('tiny groups', 'calls', 'SELECT grp, %s FROM regress.calls WHERE mod(id, 997) = 5 GROUP BY grp'),
		('one row', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE id + 0 = 12345'),
		('no rows', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE id + 0 < 0'),
		('null rows only', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE grp = 9'),
		('rollup grouped', 'summaries', 'SELECT grp, %s FROM regress.scale_summaries GROUP BY grp'),
		('rollup total', 'summaries', 'SELECT 0 AS grp, %s FROM regress.scale_summaries'),
		('rollup no rows', 'summaries', 'SELECT 0 AS grp, %s FROM regress.scale_summaries WHERE block + 0 < 0'),
		('control (must mismatch)', 'control', 'SELECT grp, %s FROM regress.calls GROUP BY grp')
	 ) v(shape, src, q),
	 LATERAL regress.scale_par_check(v.shape, v.src, v.q, l.leader) c;

-- Under parallel plans the answers still match plain SQL, and rolling up the
-- stored summaries equals building the summary directly.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE ccr.hits(rate) IS DISTINCT FROM hits OR ccr.total(rate) IS DISTINCT FROM total) AS rate_bad,
	   count(*) FILTER (WHERE ccr.answered(sl) IS DISTINCT FROM answered_n OR ccr.abandoned(sl) IS DISTINCT FROM abandoned_n) AS sl_bad,
	   count(*) FILTER (WHERE ccr.handled(aht) IS DISTINCT FROM handled) AS aht_bad,
	   count(*) FILTER (WHERE ccr.responses(nps) IS DISTINCT FROM nps_n) AS nps_bad
FROM (SELECT grp, ccr.rate_agg(flag) AS rate, ccr.sl_agg(wait, answered, 20) AS sl,
			 ccr.aht_agg(talk, hold, acw) AS aht, ccr.nps_agg(nps) AS nps,
			 nullif(count(*) FILTER (WHERE flag), 0) AS hits, nullif(count(flag), 0) AS total,
			 count(*) FILTER (WHERE answered AND wait IS NOT NULL) AS answered_n,
			 count(*) FILTER (WHERE NOT answered AND wait IS NOT NULL) AS abandoned_n,
			 nullif(count(talk), 0) AS handled, nullif(count(nps), 0) AS nps_n
	  FROM regress.calls GROUP BY grp) x
WHERE grp <> 9;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE r.sl::text IS DISTINCT FROM d.sl::text
						   OR r.rate::text IS DISTINCT FROM d.rate::text
						   OR r.aht::text IS DISTINCT FROM d.aht::text
						   OR r.csat::text IS DISTINCT FROM d.csat::text
						   OR r.nps::text IS DISTINCT FROM d.nps::text
						   OR r.dur::text IS DISTINCT FROM d.dur::text
						   OR r.backlog::text IS DISTINCT FROM d.backlog::text
						   OR r.ces::text IS DISTINCT FROM d.ces::text
						   OR r.qa::text IS DISTINCT FROM d.qa::text) AS rollup_vs_direct_mismatches
FROM (SELECT grp, ccr.rollup(sl) AS sl, ccr.rollup(rate) AS rate, ccr.rollup(aht) AS aht,
			 ccr.rollup(csat) AS csat, ccr.rollup(nps) AS nps, ccr.rollup(dur) AS dur,
			 ccr.rollup(backlog) AS backlog, ccr.rollup(ces) AS ces, ccr.rollup(qa) AS qa
	  FROM regress.scale_summaries GROUP BY grp) r
	 FULL JOIN
	 (SELECT grp, ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS rate,
			 ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat, ccr.nps_agg(nps) AS nps,
			 ccr.duration_agg(talk) AS dur,
			 ccr.backlog_agg(at, at + talk * interval '1 second', '2026-03-01 00:00+00', '2026-03-15 00:00+00', interval '1 day') AS backlog,
			 ccr.ces_agg(csat5, 5) AS ces, ccr.qa_agg(hold, 60, flag) AS qa
	  FROM regress.calls GROUP BY grp) d USING (grp);
RESET ALL;

-- Combining two empty states.  An aggregate over no rows has a NULL state
-- (the strict combine functions skip it); an all-zero summary is the
-- explicit empty value, and combining two of them gives it back.
SELECT ccr.rate_summary_combine(z, z)::text = z::text AS rate_ok,
	   ccr.rate(ccr.rate_summary_combine(z, z)) IS NULL AS rate_null,
	   (SELECT ccr.rollup(x) FROM (VALUES (NULL::ccr.rate_summary), (NULL)) n(x)) IS NULL AS rollup_of_nulls_is_null
FROM (VALUES ('v=1 hits=0 total=0'::ccr.rate_summary)) v(z);
SELECT ccr.sl_summary_combine(z, z)::text = z::text AS sl_ok,
	   ccr.service_level(ccr.sl_summary_combine(z, z)) IS NULL AS sl_rate_null,
	   ccr.asa(ccr.sl_summary_combine(z, z)) IS NULL AS asa_null
FROM (VALUES ('v=1 threshold=20 short_abandon=5 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary)) v(z);
SELECT ccr.aht_summary_combine(z, z)::text = z::text AS aht_ok, ccr.aht(ccr.aht_summary_combine(z, z)) IS NULL AS aht_null
FROM (VALUES ('v=1 handled=0 talk_us=0 hold_us=0 acw_us=0'::ccr.aht_summary)) v(z);
SELECT ccr.csat_summary_combine(z, z)::text = z::text AS csat_ok, ccr.csat(ccr.csat_summary_combine(z, z)) IS NULL AS csat_null
FROM (VALUES ('v=1 responses=0 satisfied=0'::ccr.csat_summary)) v(z);
SELECT ccr.nps_summary_combine(z, z)::text = z::text AS nps_ok, ccr.nps(ccr.nps_summary_combine(z, z)) IS NULL AS nps_null
FROM (VALUES ('v=1 responses=0 promoters=0 detractors=0'::ccr.nps_summary)) v(z);
SELECT ccr.duration_summary_combine(z, z)::text = z::text AS duration_ok,
	   ccr.mean(ccr.duration_summary_combine(z, z)) IS NULL AS mean_null,
	   ccr.percentile(ccr.duration_summary_combine(z, z), 0.5) IS NULL AS percentile_null
FROM (VALUES ('v=1 count=0 zeros=0 sum_us=0 min_positive=0 max=0 buckets='::ccr.duration_summary)) v(z);
SELECT ccr.ces_summary_combine(z, z)::text = z::text AS ces_ok, ccr.ces(ccr.ces_summary_combine(z, z)) IS NULL AS ces_null
FROM (VALUES ('v=1 responses=0 score_sum=0'::ccr.ces_summary)) v(z);
SELECT ccr.qa_summary_combine(z, z)::text = z::text AS qa_ok, ccr.qa_score(ccr.qa_summary_combine(z, z)) IS NULL AS qa_null
FROM (VALUES ('v=1 evaluations=0 auto_failed=0 earned_micro=0 possible_micro=0'::ccr.qa_summary)) v(z);
-- a backlog grid with nothing in it (the only contact is after the grid)
SELECT ccr.backlog_summary_combine(z, z)::text = z::text AS backlog_ok,
	   (SELECT sum(open_at_start + opened + closed) FROM ccr.backlog(ccr.backlog_summary_combine(z, z))) = 0 AS backlog_all_zero
FROM (SELECT ccr.backlog_agg(t, t, '2026-01-01 00:00+00', '2026-01-03 00:00+00', interval '1 day') AS z
	  FROM (VALUES (timestamptz '2027-01-01 00:00+00')) v(t)) x;
-- an empty summary combined with a real one is the real one, either side
SELECT ccr.rate_summary_combine(z, s)::text = s::text AND ccr.rate_summary_combine(s, z)::text = s::text AS identity_ok
FROM (VALUES ('v=1 hits=0 total=0'::ccr.rate_summary)) v(z),
	 (SELECT ccr.rate_agg(flag) AS s FROM regress.calls) x;
-- the same, through parallel rollup: stored empty summaries change nothing
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE regress.scale_empties AS
SELECT g, 'v=1 hits=0 total=0'::ccr.rate_summary AS rate FROM generate_series(1, 2000) g;
SELECT ccr.rollup(rate)::text AS two_thousand_empties FROM regress.scale_empties;
SELECT ccr.rollup(rate)::text = (SELECT ccr.rate_agg(flag)::text FROM regress.calls) AS empties_plus_real_ok
FROM (SELECT rate FROM regress.scale_empties
	  UNION ALL SELECT ccr.rate_agg(flag) FROM regress.calls) u;
RESET ALL;

DROP TABLE regress.scale_empties;
