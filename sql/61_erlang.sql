-- Erlang C against the textbook formula computed independently in plain SQL:
--   C(N, A) = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A))
-- with the terms A^k/k! built by a recursive CTE in numeric (no Erlang B
-- recursion, no float overflow), SL = 1 - C e^(-(N-A) T / AHT),
-- ASA = C AHT / (N - A).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql

CREATE FUNCTION regress.erlang_ref(a numeric, n int)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	WITH RECURSIVE t(k, term) AS (
		SELECT 0, 1::numeric
		UNION ALL
		SELECT k + 1, term * a / (k + 1) FROM t WHERE k < n
	)
	SELECT CASE WHEN n <= a THEN 1::float8
				WHEN c < 1e-300 THEN 0::float8   -- below float8's range
				ELSE greatest(c, 1e-300)::float8 END   -- (the greatest() keeps constant folding from casting first)
	FROM (SELECT (SELECT term FROM t WHERE k = n) * n / (n - a) /
				 ((SELECT sum(term) FROM t WHERE k < n) + (SELECT term FROM t WHERE k = n) * n / (n - a)) AS c) x
$$;
CREATE FUNCTION regress.erlang_sl_ref(a numeric, n int, aht float8, t float8)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN n <= a THEN 0
				WHEN (n - a::float8) * t / aht > 700 THEN 1   -- P(wait) e^-x is below float8's range
				ELSE (1 - regress.erlang_ref(a, n)::numeric * exp(-(n - a::float8) * t / aht)::numeric)::float8 END
$$;

-- The published worked example: 100 calls in 30 minutes, AHT 180 s, so A = 10
-- Erlangs; target 80 % answered within 20 s.
SELECT n,
	   regress.close(ccr.erlang_c(100, 1800, 180, n), regress.erlang_ref(10, n)) AS pwait_ok,
	   regress.close(ccr.erlang_c_service_level(100, 1800, 180, n, 20), regress.erlang_sl_ref(10, n, 180, 20)) AS sl_ok,
	   CASE WHEN n <= 10 THEN ccr.erlang_c_asa(100, 1800, 180, n) = 'Infinity'
			ELSE regress.close(ccr.erlang_c_asa(100, 1800, 180, n), regress.erlang_ref(10, n) * 180 / (n - 10)) END AS asa_ok,
	   round(ccr.erlang_c(100, 1800, 180, n)::numeric, 4) AS pwait,
	   round(ccr.erlang_c_service_level(100, 1800, 180, n, 20)::numeric, 4) AS sl,
	   round(ccr.erlang_c_asa(100, 1800, 180, n)::numeric, 1) AS asa_s,
	   round(10.0 / n, 4) AS occupancy
FROM generate_series(9, 16) n ORDER BY n;

-- the agent count: the first n whose reference service level reaches 0.8
SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20) AS agents,
	   ccr.erlang_c_agents(100, 1800, 180, 0.8, 20) =
		   (SELECT min(n) FROM generate_series(11, 40) n WHERE regress.erlang_sl_ref(10, n, 180, 20) >= 0.8) AS agents_ok,
	   -- 14 / (1 - 0.3) = 20 exactly: binary rounding of 0.7 must not make it 21
	   ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 1, 0.3) AS scheduled_30pct_shrinkage,
	   ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, shrinkage => 0.25) AS scheduled_25pct,      -- 14 / 0.75 = 18.67 -> 19
	   ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, max_occupancy => 0.7) AS agents_occ_70,     -- 10 / 0.7 = 14.3 -> 15
	   ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, max_occupancy => 10.0 / 14) AS agents_occ_exact, -- 14
	   ccr.erlang_c_agents(100, 1800, 180, 0.9, 20) AS agents_90,
	   ccr.erlang_c_agents(100, 1800, 180, 0.9, 20) =
		   (SELECT min(n) FROM generate_series(11, 40) n WHERE regress.erlang_sl_ref(10, n, 180, 20) >= 0.9) AS agents_90_ok;

-- a grid of loads: every function against the reference, and the agent
-- count is the first to reach the target by the reference
SELECT count(*) AS cases,
	   count(*) FILTER (WHERE NOT regress.close(ccr.erlang_c(calls, 3600, aht, n), regress.erlang_ref(a, n))) AS pwait_bad,
	   count(*) FILTER (WHERE NOT (abs(ccr.erlang_c_service_level(calls, 3600, aht, n, 20) - regress.erlang_sl_ref(a, n, aht, 20)) <= 1e-12)) AS sl_bad
FROM (SELECT calls, aht, (calls * aht / 3600)::numeric AS a, n
	  FROM (VALUES (10::float8), (57), (360), (1234)) c(calls), (VALUES (45::float8), (180), (600)) h(aht),
		   generate_series(1, 220, 3) n) x;
SELECT count(*) AS loads,
	   count(*) FILTER (WHERE NOT (regress.erlang_sl_ref(a, agents, aht, 20) >= 0.8
								   AND regress.erlang_sl_ref(a, agents - 1, aht, 20) < 0.8)) AS agents_not_first
FROM (SELECT aht, (calls * aht / 3600)::numeric AS a, ccr.erlang_c_agents(calls, 3600, aht, 0.8, 20) AS agents
	  FROM (VALUES (10::float8), (57), (360), (1234)) c(calls), (VALUES (45::float8), (180), (600)) h(aht)) x;

-- monotone in agents: more agents, less waiting, higher service level
SELECT count(*) AS steps,
	   count(*) FILTER (WHERE NOT (pwait <= prev_pwait)) AS pwait_increases,
	   count(*) FILTER (WHERE NOT (sl >= prev_sl)) AS sl_decreases,
	   count(*) FILTER (WHERE NOT (asa <= prev_asa)) AS asa_increases,
	   count(*) FILTER (WHERE NOT (pwait BETWEEN 0 AND 1 AND sl BETWEEN 0 AND 1)) AS out_of_range
FROM (SELECT pwait, sl, asa, lag(pwait) OVER w AS prev_pwait, lag(sl) OVER w AS prev_sl, lag(asa) OVER w AS prev_asa
	  FROM (SELECT calls, n, ccr.erlang_c(calls, 1800, 240, n) AS pwait,
				   ccr.erlang_c_service_level(calls, 1800, 240, n, 30) AS sl, ccr.erlang_c_asa(calls, 1800, 240, n) AS asa
			FROM (VALUES (7::float8), (100), (1000), (7500)) c(calls), generate_series(0, 1200) n) x
	  WINDOW w AS (PARTITION BY calls ORDER BY n)) y
WHERE prev_pwait IS NOT NULL;

-- stable at thousands of agents: A = 1900 Erlangs (38000 calls an hour, AHT
-- 180 s) and 2000 agents, against the exact numeric reference
SELECT isfinite_ok, pwait_ok, sl_ok, agents, agents_first_ok
FROM (SELECT ccr.erlang_c(38000, 3600, 180, 2000) AS pw, regress.erlang_ref(1900, 2000) AS pw_ref,
			 ccr.erlang_c_service_level(38000, 3600, 180, 2000, 20) AS sl) x,
	 LATERAL (SELECT pw > 0 AND pw < 1 AND sl > 0 AND sl <= 1 AND pw <> 'NaN' AS isfinite_ok,
					 abs(pw - pw_ref) <= 1e-9 * pw_ref AS pwait_ok,
					 abs(sl - regress.erlang_sl_ref(1900, 2000, 180, 20)) <= 1e-9 AS sl_ok) c,
	 LATERAL (SELECT ccr.erlang_c_agents(38000, 3600, 180, 0.8, 20) AS agents) g,
	 LATERAL (SELECT regress.erlang_sl_ref(1900, agents, 180, 20) >= 0.8
				 AND regress.erlang_sl_ref(1900, agents - 1, 180, 20) < 0.8 AS agents_first_ok) f;
-- and far beyond: finite, in range, monotone around the optimum
SELECT bool_and(pw >= 0 AND pw <= 1 AND sl >= 0 AND sl <= 1 AND asa >= 0) AS finite_ok,
	   bool_and(agents > a AND agents < a * 1.1) AS agents_sane
FROM (SELECT a, ccr.erlang_c(a * 3600 / 300, 3600, 300, (a * 1.02)::int) AS pw,
			 ccr.erlang_c_service_level(a * 3600 / 300, 3600, 300, (a * 1.02)::int, 20) AS sl,
			 ccr.erlang_c_asa(a * 3600 / 300, 3600, 300, (a * 1.02)::int) AS asa,
			 ccr.erlang_c_agents(a * 3600 / 300, 3600, 300, 0.8, 20) AS agents
	  FROM (VALUES (1900::float8), (5000), (20000), (100000)) v(a)) x;

-- edges: agents <= A never clears the queue; no load means no waiting
SELECT ccr.erlang_c(100, 1800, 180, 10) AS pwait_at_a, ccr.erlang_c_service_level(100, 1800, 180, 10, 20) AS sl_at_a,
	   ccr.erlang_c_asa(100, 1800, 180, 10) AS asa_at_a, ccr.erlang_c(100, 1800, 180, 0) AS pwait_no_agents,
	   ccr.erlang_c(0, 1800, 180, 0) AS pwait_nothing, ccr.erlang_c(0, 1800, 180, 1) AS pwait_no_calls,
	   ccr.erlang_c_service_level(0, 1800, 180, 1, 20) AS sl_no_calls, ccr.erlang_c_asa(0, 1800, 180, 1) AS asa_no_calls,
	   ccr.erlang_c_service_level(100, 1800, 0, 1, 0) AS sl_zero_aht, ccr.erlang_c_agents(0, 1800, 180, 0.8, 20) AS agents_no_calls,
	   ccr.erlang_c_service_level(100, 1800, 180, 14, 0) = 1 - ccr.erlang_c(100, 1800, 180, 14) AS sl_threshold_0_ok;

-- bad parameters: SQLSTATE 22023 naming the value
SELECT q, regress.err(q) FROM (VALUES
	($$SELECT ccr.erlang_c(-1, 1800, 180, 12)$$),
	($$SELECT ccr.erlang_c(NULL, 1800, 180, 12)$$),
	($$SELECT ccr.erlang_c('NaN', 1800, 180, 12)$$),
	($$SELECT ccr.erlang_c(100, 0, 180, 12)$$),
	($$SELECT ccr.erlang_c(100, -60, 180, 12)$$),
	($$SELECT ccr.erlang_c(100, NULL, 180, 12)$$),
	($$SELECT ccr.erlang_c(100, 1800, -180, 12)$$),
	($$SELECT ccr.erlang_c(100, 1800, NULL, 12)$$),
	($$SELECT ccr.erlang_c(100, 1800, 'Infinity', 12)$$),
	($$SELECT ccr.erlang_c(100, 1800, 180, -1)$$),
	($$SELECT ccr.erlang_c(100, 1800, 180, NULL)$$),
	($$SELECT ccr.erlang_c(1e300, 1e-300, 1e300, 12)$$),
	($$SELECT ccr.erlang_c_service_level(100, 1800, 180, 12, -20)$$),
	($$SELECT ccr.erlang_c_service_level(100, 1800, 180, 12, NULL)$$),
	($$SELECT ccr.erlang_c_asa(100, 1800, -1, 12)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0, 20)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 1, 20)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 80, 20)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, NULL, 20)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, -1)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 0)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 1.2)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, NULL)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 1, 1)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 1, -0.1)$$),
	($$SELECT ccr.erlang_c_agents(100, 1800, 180, 0.8, 20, 1, NULL)$$),
	($$SELECT ccr.erlang_c_agents(1e12, 3600, 3600, 0.8, 20)$$)
) v(q);

-- declared immutable and parallel safe; not strict (NULLs are checked)
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict
FROM pg_proc p WHERE p.pronamespace = 'ccr'::regnamespace AND p.proname LIKE 'erlang_c%' ORDER BY 1;
