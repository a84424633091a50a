-- CES and QA scores against plain SQL: one-step, summaries, rollup, moving
-- windows, text and binary I/O, forced parallel plans.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

CREATE TABLE regress.quality AS
SELECT g AS id,
	   g % 7 AS grp,                       -- grp 6: every row NULL (empty after skipping)
	   timestamptz '2026-03-01 00:00+00' + g * interval '5 minutes' AS at,
	   CASE WHEN g % 7 = 6 OR g % 5 = 0 THEN NULL ELSE CASE WHEN g % 2 = 0 THEN 5 ELSE 7 END END AS ces_scale,
	   NULL::int AS ces,
	   CASE WHEN g % 7 = 6 OR g % 11 = 0 THEN NULL ELSE round((20 + regress.rand(6001, g) * 80)::numeric, 3)::float8 END AS possible,
	   NULL::float8 AS earned,
	   CASE WHEN g % 7 = 6 OR g % 13 = 0 THEN NULL ELSE regress.rand(6002, g) < 0.07 END AS auto_fail
FROM generate_series(1, 20000) g;
UPDATE regress.quality SET ces = 1 + floor(regress.rand(6003, id) * ces_scale)::int WHERE ces_scale IS NOT NULL;
-- earned: up to possible, sometimes exactly 0 or exactly possible, NULL for a few
-- (NULL earned counts only when auto-failed)
UPDATE regress.quality SET earned = CASE WHEN id % 17 = 0 THEN NULL
										 WHEN id % 19 = 0 THEN possible
										 WHEN id % 23 = 0 THEN 0
										 ELSE round((possible * regress.rand(6004, id))::numeric, 3)::float8 END
WHERE possible IS NOT NULL;
CREATE INDEX ON regress.quality (id);
ANALYZE regress.quality;

-- plain-SQL references; QA sums in millionths of a point, as documented
CREATE VIEW regress.quality_ref AS
SELECT grp,
	   count(ces) AS ces_n,
	   sum(ces)::float8 / nullif(count(ces), 0) AS ces_mean,
	   count(*) FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) AS qa_n,
	   count(*) FILTER (WHERE possible IS NOT NULL AND auto_fail) AS qa_af,
	   sum(CASE WHEN auto_fail THEN 0 ELSE round(earned::numeric * 1000000) END)
		   FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) AS earned_m,
	   sum(round(possible::numeric * 1000000))
		   FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) AS possible_m,
	   sum(CASE WHEN auto_fail THEN 0 ELSE earned END)
		   FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) /
	   sum(possible) FILTER (WHERE possible IS NOT NULL AND (earned IS NOT NULL OR auto_fail)) AS qa_naive
FROM regress.quality GROUP BY grp;

SELECT grp, ces_n, qa_n, qa_af FROM regress.quality_ref ORDER BY grp;

-- one-step aggregates and summaries vs the references (exact equality)
SELECT q.grp,
	   ccr.ces(ces, ces_scale) IS NOT DISTINCT FROM max(r.ces_mean) AS ces_ok,
	   coalesce(ccr.responses(ccr.ces_agg(ces, ces_scale)), 0) = max(r.ces_n) AS responses_ok,
	   ccr.ces(ccr.ces_agg(ces, ces_scale)) IS NOT DISTINCT FROM ccr.ces(ces, ces_scale) AS ces_summary_ok,
	   ccr.qa_score(earned, possible, auto_fail) IS NOT DISTINCT FROM
		   max(r.earned_m)::float8 / max(r.possible_m)::float8 AS qa_exact_ok,
	   regress.close(ccr.qa_score(earned, possible, auto_fail), max(r.qa_naive)) AS qa_naive_close,
	   coalesce(ccr.evaluations(ccr.qa_agg(earned, possible, auto_fail)), 0) = max(r.qa_n) AS evaluations_ok,
	   ccr.auto_fail_rate(ccr.qa_agg(earned, possible, auto_fail)) IS NOT DISTINCT FROM
		   max(r.qa_af)::float8 / nullif(max(r.qa_n), 0) AS auto_fail_ok,
	   ccr.qa_score(ccr.qa_agg(earned, possible, auto_fail)) IS NOT DISTINCT FROM
		   ccr.qa_score(earned, possible, auto_fail) AS qa_summary_ok
FROM regress.quality q JOIN regress.quality_ref r USING (grp)
GROUP BY q.grp ORDER BY q.grp;

-- the all-NULL group: NULL values, NULL summaries (like avg())
SELECT ccr.ces(ces, ces_scale) AS ces, ccr.ces_agg(ces, ces_scale) AS ces_s,
	   ccr.qa_score(earned, possible, auto_fail) AS qa, ccr.qa_agg(earned, possible, auto_fail) AS qa_s
FROM regress.quality WHERE grp = 6;

-- hand-checked: CES 1, 4 (scale 5), 7 (scale 7) -> 12/3 = 4;
-- QA 8/10, 5/10 auto-failed, 9.5/10, NULL/5 auto-failed -> 17.5/35 = 0.5, 2 of 4 auto-failed
SELECT ccr.ces(s, k) AS ces_4, ccr.ces_agg(s, k)::text AS ces_text
FROM (VALUES (1, 5), (4, 5), (7, 7), (NULL, 7)) v(s, k);
SELECT ccr.qa_score(e, p, f) AS qa_half, ccr.auto_fail_rate(ccr.qa_agg(e, p, f)) AS af_half,
	   ccr.qa_agg(e, p, f)::text AS qa_text
FROM (VALUES (8.0::float8, 10.0::float8, false), (5, 10, true), (9.5, 10, NULL), (NULL, 5, true),
			 (NULL, 10, false), (3, NULL, false)) v(e, p, f);

-- rollup of per-day summaries equals the direct computation, bit for bit
CREATE TABLE regress.quality_daily AS
SELECT grp, date_trunc('day', at) AS day, ccr.ces_agg(ces, ces_scale) AS ces, ccr.qa_agg(earned, possible, auto_fail) AS qa
FROM regress.quality GROUP BY grp, date_trunc('day', at);
SELECT count(*) AS groups,
	   bool_and(d.ces_text IS NOT DISTINCT FROM r.ces_text) AS ces_rollup_identical,
	   bool_and(d.qa_text IS NOT DISTINCT FROM r.qa_text) AS qa_rollup_identical
FROM (SELECT grp, ccr.ces_agg(ces, ces_scale)::text AS ces_text, ccr.qa_agg(earned, possible, auto_fail)::text AS qa_text
	  FROM regress.quality GROUP BY grp) d
FULL JOIN (SELECT grp, ccr.rollup(ces)::text AS ces_text, ccr.rollup(qa)::text AS qa_text
		   FROM regress.quality_daily GROUP BY grp) r USING (grp);
-- rolling everything up at once
SELECT ccr.ces(ccr.rollup(ces)) = (SELECT sum(ces)::float8 / count(ces) FROM regress.quality) AS ces_all_ok,
	   ccr.evaluations(ccr.rollup(qa)) = (SELECT sum(qa_n) FROM regress.quality_ref) AS evaluations_all_ok
FROM regress.quality_daily;

-- moving windows (inverse transition) equal a recomputation of each frame
SELECT count(*) AS frames,
	   bool_and(w.ces IS NOT DISTINCT FROM f.ces) AS ces_window_ok,
	   bool_and(w.qa IS NOT DISTINCT FROM f.qa) AS qa_window_ok,
	   bool_and(w.qa_s IS NOT DISTINCT FROM f.qa_s) AS qa_agg_window_ok
FROM (SELECT id, ccr.ces(ces, ces_scale) OVER w AS ces, ccr.qa_score(earned, possible, auto_fail) OVER w AS qa,
			 (ccr.qa_agg(earned, possible, auto_fail) OVER w)::text AS qa_s
	  FROM regress.quality WHERE id <= 1000 WINDOW w AS (ORDER BY id ROWS 49 PRECEDING)) w
CROSS JOIN LATERAL (SELECT sum(ces)::float8 / nullif(count(ces), 0) AS ces,
						   ccr.qa_score(earned, possible, auto_fail) AS qa,
						   ccr.qa_agg(earned, possible, auto_fail)::text AS qa_s
					FROM regress.quality q WHERE q.id BETWEEN w.id - 49 AND w.id) f;
-- frames that start with NULL rows (all-NULL frames read as NULL)
CREATE VIEW regress.quality_nullhead AS
SELECT id, CASE WHEN id <= 30 THEN NULL ELSE ces END AS ces, ces_scale,
	   earned, CASE WHEN id <= 30 THEN NULL ELSE possible END AS possible, auto_fail
FROM regress.quality WHERE id <= 200;
SELECT count(*) AS frames, count(*) FILTER (WHERE w.ces IS NULL AND w.qa IS NULL) AS null_frames,
	   bool_and(w.ces IS NOT DISTINCT FROM f.ces AND w.qa IS NOT DISTINCT FROM f.qa) AS null_head_window_ok
FROM (SELECT id, ccr.ces(ces, ces_scale) OVER w AS ces, ccr.qa_score(earned, possible, auto_fail) OVER w AS qa
	  FROM regress.quality_nullhead WINDOW w AS (ORDER BY id ROWS 9 PRECEDING)) w
CROSS JOIN LATERAL (SELECT sum(ces)::float8 / nullif(count(ces), 0) AS ces, ccr.qa_score(earned, possible, auto_fail) AS qa
					FROM regress.quality_nullhead q WHERE q.id BETWEEN w.id - 9 AND w.id) f;
SELECT count(*) AS frames,
	   bool_and(w.ces IS NOT DISTINCT FROM f.ces AND w.qa IS NOT DISTINCT FROM f.qa) AS rollup_window_ok
FROM (SELECT grp, day, (ccr.rollup(ces) OVER w)::text AS ces, (ccr.rollup(qa) OVER w)::text AS qa
	  FROM regress.quality_daily WINDOW w AS (PARTITION BY grp ORDER BY day ROWS 6 PRECEDING)) w
CROSS JOIN LATERAL (SELECT ccr.rollup(ces)::text AS ces, ccr.rollup(qa)::text AS qa
					FROM regress.quality_daily d
					WHERE d.grp = w.grp AND d.day BETWEEN w.day - interval '6 days' AND w.day) f;

-- text and binary I/O round-trip exactly
SELECT bool_and(ces::text::ccr.ces_summary::text = ces::text) AS ces_text,
	   bool_and(qa::text::ccr.qa_summary::text = qa::text) AS qa_text,
	   bool_and(ccr.qa_score(qa::text::ccr.qa_summary) = ccr.qa_score(qa)) AS qa_values
FROM regress.quality_daily WHERE grp <> 6;
-- (a file in pg_regress's results directory)
\copy (SELECT grp, day, ces, qa FROM regress.quality_daily) TO 'results/60_quality_daily.bin' (FORMAT binary)
CREATE TABLE regress.quality_back (LIKE regress.quality_daily);
\copy regress.quality_back FROM 'results/60_quality_daily.bin' (FORMAT binary)
SELECT count(*) AS rows_back,
	   bool_and(a.ces::text IS NOT DISTINCT FROM b.ces::text AND a.qa::text IS NOT DISTINCT FROM b.qa::text) AS binary_identical
FROM regress.quality_daily a JOIN regress.quality_back b USING (grp, day);

-- malformed or inconsistent text is rejected with an error
SELECT t, regress.err(format('SELECT %L::ccr.ces_summary', t)) FROM (VALUES
	('v=1 responses=3 score_sum=12'),
	('v=1 responses=0 score_sum=0'),
	('v=1 responses=3 score_sum=2'),
	('v=1 responses=-1 score_sum=2'),
	('v=1 score_sum=12 responses=3'),
	('v=1 responses=3'),
	('v=2 responses=3 score_sum=12'),
	('v=1 responses=3 score_sum=12 x=1')
) v(t);
SELECT t, regress.err(format('SELECT %L::ccr.qa_summary', t)) FROM (VALUES
	('v=1 evaluations=2 auto_failed=1 earned_micro=5 possible_micro=10'),
	('v=1 evaluations=2 auto_failed=3 earned_micro=5 possible_micro=10'),
	('v=1 evaluations=2 auto_failed=1 earned_micro=11 possible_micro=10'),
	('v=1 evaluations=2 auto_failed=1 earned_micro=0 possible_micro=1'),
	('v=1 evaluations=0 auto_failed=0 earned_micro=0 possible_micro=0'),
	('v=1 evaluations=0 auto_failed=0 earned_micro=0 possible_micro=5'),
	('v=1 evaluations=2 auto_failed=1 earned_micro=5.5 possible_micro=10'),
	('v=1 evaluations=2 auto_failed=1 earned_micro=-5 possible_micro=10')
) v(t);
-- rollup: subtracting what was not added is an error, combining empty states gives NULL
SELECT regress.err($$SELECT ccr.ces_summary_subtract('v=1 responses=1 score_sum=2', 'v=1 responses=2 score_sum=4')$$) AS subtract_err;
SELECT ccr.rollup(s) IS NULL AS rollup_of_nulls FROM (VALUES (NULL::ccr.qa_summary), (NULL)) v(s);
SELECT ccr.qa_summary_combine('v=1 evaluations=1 auto_failed=0 earned_micro=5 possible_micro=10',
							  'v=1 evaluations=1 auto_failed=1 earned_micro=0 possible_micro=10')::text AS combined;

-- bad inputs: SQLSTATE 22023 naming the value
SELECT q, regress.err(q) FROM (VALUES
	($$SELECT ccr.ces(s, 5) FROM (VALUES (6)) v(s)$$),
	($$SELECT ccr.ces(s, 5) FROM (VALUES (0)) v(s)$$),
	($$SELECT ccr.ces(s, NULL) FROM (VALUES (3)) v(s)$$),
	($$SELECT ccr.ces_agg(s, 1) FROM (VALUES (1)) v(s)$$),
	($$SELECT ccr.qa_score(e, 10, false) FROM (VALUES (-0.5::float8)) v(e)$$),
	($$SELECT ccr.qa_score(e, 10, false) FROM (VALUES (10.5::float8)) v(e)$$),
	($$SELECT ccr.qa_score(e, 10, true) FROM (VALUES (11::float8)) v(e)$$),
	($$SELECT ccr.qa_agg(0, p, false) FROM (VALUES (0::float8)) v(p)$$),
	($$SELECT ccr.qa_agg(0, p, false) FROM (VALUES (-1::float8)) v(p)$$),
	($$SELECT ccr.qa_agg(0, p, false) FROM (VALUES ('Infinity'::float8)) v(p)$$),
	($$SELECT ccr.qa_agg(e, 5, false) FROM (VALUES ('NaN'::float8)) v(e)$$),
	($$SELECT ccr.qa_agg(0, p, false) FROM (VALUES (1e-9::float8)) v(p)$$),
	($$SELECT ccr.qa_trans(NULL, 1, 2, false)$$)
) v(q);

-- forced parallel plans: Partial Aggregate, identical summaries and values
CREATE TABLE regress.quality_big AS SELECT q.* FROM regress.quality q, generate_series(1, 3) k;
ANALYZE regress.quality_big;
CREATE TEMP TABLE quality_serial AS
SELECT grp, ccr.ces_agg(ces, ces_scale)::text AS ces_s, ccr.qa_agg(earned, possible, auto_fail)::text AS qa_s,
	   ccr.ces(ces, ces_scale) AS ces, ccr.qa_score(earned, possible, auto_fail) AS qa
FROM regress.quality_big GROUP BY grp;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT grp, ccr.ces_agg(ces, ces_scale), ccr.qa_agg(earned, possible, auto_fail),
	   ccr.ces(ces, ces_scale), ccr.qa_score(earned, possible, auto_fail)
FROM regress.quality_big GROUP BY grp;
CREATE TEMP TABLE quality_par AS
SELECT grp, ccr.ces_agg(ces, ces_scale)::text AS ces_s, ccr.qa_agg(earned, possible, auto_fail)::text AS qa_s,
	   ccr.ces(ces, ces_scale) AS ces, ccr.qa_score(earned, possible, auto_fail) AS qa
FROM regress.quality_big GROUP BY grp;
SELECT count(*) AS groups,
	   bool_and(s.ces_s IS NOT DISTINCT FROM p.ces_s AND s.qa_s IS NOT DISTINCT FROM p.qa_s) AS summaries_identical,
	   bool_and(s.ces IS NOT DISTINCT FROM p.ces AND s.qa IS NOT DISTINCT FROM p.qa) AS values_identical
FROM quality_serial s FULL JOIN quality_par p USING (grp);
-- parallel over the all-NULL group and over no rows
EXPLAIN (COSTS OFF) SELECT ccr.qa_agg(earned, possible, auto_fail) FROM regress.quality_big WHERE grp = 6;
SELECT ccr.qa_agg(earned, possible, auto_fail) IS NULL AS qa_null, ccr.ces(ces, ces_scale) IS NULL AS ces_null
FROM regress.quality_big WHERE grp = 6;
SELECT ccr.ces_agg(ces, ces_scale) IS NULL AS empty_null FROM regress.quality_big WHERE false;
RESET ALL;

-- the evaluations table: constraints, and qa_agg over it
INSERT INTO ccr.qa_evaluations (agent, contact_id, earned, possible, auto_fail)
VALUES ('a1', NULL, 8, 10, false), ('a1', NULL, NULL, 10, true), ('a2', NULL, 10, 10, false);
SELECT agent, ccr.qa_score(earned, possible, auto_fail), ccr.evaluations(ccr.qa_agg(earned, possible, auto_fail))
FROM ccr.qa_evaluations GROUP BY agent ORDER BY agent;
SELECT q, regress.err(q) FROM (VALUES
	($$INSERT INTO ccr.qa_evaluations (agent, earned, possible) VALUES ('a', 11, 10)$$),
	($$INSERT INTO ccr.qa_evaluations (agent, earned, possible) VALUES ('a', NULL, 10)$$),
	($$INSERT INTO ccr.qa_evaluations (agent, earned, possible) VALUES ('a', 0, 0)$$),
	($$INSERT INTO ccr.qa_evaluations (agent, earned, possible) VALUES ('a', 0, 'NaN')$$)
) v(q);
SELECT count(*) AS config_dumped FROM pg_extension e, unnest(e.extconfig) c
WHERE e.extname = 'ccr_metrics' AND c IN ('ccr.qa_evaluations'::regclass, 'ccr.qa_evaluations_evaluation_id_seq'::regclass);
DELETE FROM ccr.qa_evaluations;
