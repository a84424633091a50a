-- Service level, abandon rate and ASA against plain SQL.
-- Reference counts per group for threshold T and short-abandon bound S.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

CREATE FUNCTION regress.sl_ref(T float8, S float8)
RETURNS TABLE (grp int, a bigint, a_t bigint, b bigint, b_t bigint, asa float8) LANGUAGE sql AS $$
	SELECT grp,
		   count(*) FILTER (WHERE answered),
		   count(*) FILTER (WHERE answered AND wait <= T),
		   count(*) FILTER (WHERE NOT answered AND wait >= S),
		   count(*) FILTER (WHERE NOT answered AND wait >= S AND wait <= T),
		   avg(wait) FILTER (WHERE answered)
	FROM regress.calls WHERE wait IS NOT NULL AND answered IS NOT NULL
	GROUP BY grp
	UNION ALL SELECT 9, 0, 0, 0, 0, NULL   -- the all-NULL group
$$;

-- policy negative, no short abandons (the 3-argument form)
SELECT c.grp,
	   ccr.service_level(wait, answered, 20) IS NOT DISTINCT FROM max(r.a_t)::float8 / nullif(max(r.a + r.b), 0) AS sl_ok,
	   ccr.service_level(wait, answered, 20) IS NULL AS sl_null,
	   ccr.abandon_rate(wait, answered, 0) IS NOT DISTINCT FROM max(r.b)::float8 / nullif(max(r.a + r.b), 0) AS abandon_ok,
	   regress.close(ccr.asa(wait, answered), max(r.asa)) AS asa_ok
FROM regress.calls c JOIN regress.sl_ref(20, 0) r USING (grp)
GROUP BY c.grp ORDER BY c.grp;

-- every policy, with and without a short-abandon bound, threshold 20 and 5
SELECT T, S, policy, bool_and(ok) AS all_groups_ok, count(*) AS groups
FROM (SELECT T, S, policy, c.grp,
			 ccr.service_level(wait, answered, T, policy, S) IS NOT DISTINCT FROM
			 CASE policy
				 WHEN 'negative' THEN max(r.a_t)::float8 / nullif(max(r.a + r.b), 0)
				 WHEN 'ignore' THEN max(r.a_t)::float8 / nullif(max(r.a + r.b - r.b_t), 0)
				 WHEN 'positive' THEN max(r.a_t + r.b_t)::float8 / nullif(max(r.a + r.b), 0)
				 WHEN 'answered' THEN max(r.a_t)::float8 / nullif(max(r.a), 0) END AS ok
	  FROM (VALUES (20::float8), (5)) t(T),
		   (VALUES (0::float8), (5), (10)) s(S),
		   (VALUES ('negative'), ('ignore'), ('positive'), ('answered')) p(policy),
		   LATERAL regress.sl_ref(T, S) r
		   JOIN regress.calls c USING (grp)
	  GROUP BY T, S, policy, c.grp) x
GROUP BY T, S, policy ORDER BY T, S, policy;

-- abandon rate with a short-abandon bound
SELECT bool_and(ok) AS abandon_short_ok FROM (
	SELECT c.grp, ccr.abandon_rate(wait, answered, 5) IS NOT DISTINCT FROM max(r.b)::float8 / nullif(max(r.a + r.b), 0) AS ok
	FROM regress.calls c JOIN regress.sl_ref(20, 5) r USING (grp) GROUP BY c.grp) x;

-- the summary and its accessors agree with the one-step aggregates
SELECT bool_and(ccr.service_level(s) IS NOT DISTINCT FROM sl) AS sl_ok,
	   bool_and(ccr.service_level(s, 'ignore') IS NOT DISTINCT FROM sl_ignore) AS sl_policy_ok,
	   bool_and(ccr.abandon_rate(s) IS NOT DISTINCT FROM ab) AS abandon_ok,
	   bool_and(ccr.asa(s) IS NOT DISTINCT FROM asa1) AS asa_ok,
	   bool_and(ccr.offered(s) = r.a + r.b AND ccr.answered(s) = r.a AND ccr.abandoned(s) = r.b) AS counts_ok
FROM (SELECT grp, ccr.sl_agg(wait, answered, 20, 5) AS s,
			 ccr.service_level(wait, answered, 20, 'negative', 5) AS sl,
			 ccr.service_level(wait, answered, 20, 'ignore', 5) AS sl_ignore,
			 ccr.abandon_rate(wait, answered, 5) AS ab,
			 ccr.asa(wait, answered) AS asa1
	  FROM regress.calls WHERE grp <> 9 GROUP BY grp) x
JOIN regress.sl_ref(20, 5) r USING (grp);

-- hand-checked: waits 10 (answered), 20 (answered, at the threshold: met),
-- 25 (answered), 3 (abandoned, short when S = 5), 15 (abandoned), 40 (abandoned)
CREATE TABLE regress.tiny (wait float8, answered boolean);
INSERT INTO regress.tiny VALUES (10, true), (20, true), (25, true), (3, false), (15, false), (40, false);
SELECT ccr.service_level(wait, answered, 20) AS negative,                        -- 2/6
	   ccr.service_level(wait, answered, 20, 'ignore', 0) AS ignore,            -- 2/(6-2)
	   ccr.service_level(wait, answered, 20, 'positive', 0) AS positive,        -- 4/6
	   ccr.service_level(wait, answered, 20, 'answered', 0) AS answered,        -- 2/3
	   ccr.service_level(wait, answered, 20, 'negative', 5) AS negative_short,  -- 2/5
	   ccr.abandon_rate(wait, answered, 5) AS abandon_short,                    -- 2/5
	   ccr.asa(wait, answered) AS asa                                           -- 55/3
FROM regress.tiny;
SELECT ccr.sl_agg(wait, answered, 20, 5)::text FROM regress.tiny;

-- all abandoned: service level 0, abandon rate 1, ASA NULL
SELECT ccr.service_level(wait, answered, 20) AS sl, ccr.abandon_rate(wait, answered, 0) AS ab,
	   ccr.asa(wait, answered) AS asa1
FROM regress.calls WHERE grp = 8;

-- interval overloads give the same numbers
SELECT ccr.service_level(make_interval(secs => wait), answered, interval '20 s') =
	   ccr.service_level(wait, answered, 20) AS sl_iv_ok,
	   ccr.service_level(make_interval(secs => wait), answered, interval '20 s', 'ignore', interval '5 s') =
	   ccr.service_level(wait, answered, 20, 'ignore', 5) AS sl5_iv_ok,
	   ccr.abandon_rate(make_interval(secs => wait), answered, interval '5 s') =
	   ccr.abandon_rate(wait, answered, 5) AS ab_iv_ok,
	   ccr.asa(make_interval(secs => wait), answered) = ccr.asa(wait, answered) AS asa_iv_ok,
	   ccr.sl_agg(make_interval(secs => wait), answered, interval '20 s', interval '5 s')::text =
	   ccr.sl_agg(wait, answered, 20, 5)::text AS agg_iv_ok
FROM regress.calls;

-- empty input
SELECT ccr.service_level(wait, answered, 20) AS sl, ccr.sl_agg(wait, answered, 20) AS s
FROM regress.calls WHERE false;
