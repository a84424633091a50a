-- Forced parallel plans give the same answers as serial ones, bit for bit.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

CREATE TABLE regress.big AS SELECT c.* FROM regress.calls c, generate_series(1, 4) k;
ANALYZE regress.big;

CREATE TEMP TABLE serial AS
SELECT grp, ccr.sl_agg(wait, answered, 20, 5)::text AS sl, ccr.rate_agg(flag)::text AS fcr,
	   ccr.aht_agg(talk, hold, acw)::text AS aht, ccr.csat_agg(csat5, 5)::text AS csat,
	   ccr.nps_agg(nps)::text AS nps, ccr.service_level(wait, answered, 20) AS sl_value,
	   ccr.asa(wait, answered) AS asa, ccr.reopen_rate(reopens) AS reopen
FROM regress.big GROUP BY grp;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF)
SELECT grp, ccr.sl_agg(wait, answered, 20, 5), ccr.service_level(wait, answered, 20) FROM regress.big GROUP BY grp;

EXPLAIN (COSTS OFF)
SELECT ccr.fcr_rate(flag), ccr.aht(talk, hold, acw), ccr.nps(nps) FROM regress.big;

CREATE TEMP TABLE par AS
SELECT grp, ccr.sl_agg(wait, answered, 20, 5)::text AS sl, ccr.rate_agg(flag)::text AS fcr,
	   ccr.aht_agg(talk, hold, acw)::text AS aht, ccr.csat_agg(csat5, 5)::text AS csat,
	   ccr.nps_agg(nps)::text AS nps, ccr.service_level(wait, answered, 20) AS sl_value,
	   ccr.asa(wait, answered) AS asa, ccr.reopen_rate(reopens) AS reopen
FROM regress.big GROUP BY grp;

SELECT count(*) AS groups,
	   bool_and(s.sl IS NOT DISTINCT FROM p.sl AND s.fcr IS NOT DISTINCT FROM p.fcr AND s.aht IS NOT DISTINCT FROM p.aht
				AND s.csat IS NOT DISTINCT FROM p.csat AND s.nps IS NOT DISTINCT FROM p.nps) AS summaries_identical,
	   bool_and(s.sl_value IS NOT DISTINCT FROM p.sl_value AND s.asa IS NOT DISTINCT FROM p.asa
				AND s.reopen IS NOT DISTINCT FROM p.reopen) AS values_identical
FROM serial s FULL JOIN par p USING (grp);

-- a parallel aggregate over no rows, and over groups where every worker's state is empty
SELECT ccr.sl_agg(wait, answered, 20) IS NULL AS empty_is_null FROM regress.big WHERE wait < 0;
SELECT ccr.service_level(wait, answered, 20) AS sl FROM regress.big WHERE grp = 9;
RESET ALL;
