-- Handle time, CSAT and NPS against plain SQL.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

SELECT grp,
	   regress.close(ccr.aht(talk, hold, acw),
					 avg(talk + coalesce(hold, 0) + coalesce(acw, 0)) FILTER (WHERE talk IS NOT NULL)) AS aht_ok,
	   ccr.handled(ccr.aht_agg(talk, hold, acw)) IS NOT DISTINCT FROM nullif(count(talk), 0) AS handled_ok,
	   regress.close(ccr.avg_hold(ccr.aht_agg(talk, hold, acw)),
					 avg(coalesce(hold, 0)) FILTER (WHERE talk IS NOT NULL)) AS avg_hold_ok,
	   regress.close(ccr.avg_talk(ccr.aht_agg(talk, hold, acw)), avg(talk)) AND
	   regress.close(ccr.avg_acw(ccr.aht_agg(talk, hold, acw)),
					 avg(coalesce(acw, 0)) FILTER (WHERE talk IS NOT NULL)) AS avg_talk_acw_ok,
	   ccr.csat(csat5, 5) IS NOT DISTINCT FROM
			(count(*) FILTER (WHERE csat5 >= 4))::float8 / nullif(count(csat5), 0) AS csat_ok,
	   ccr.responses(ccr.csat_agg(csat5, 5)) IS NOT DISTINCT FROM nullif(count(csat5), 0) AS csat_n_ok,
	   ccr.nps(nps) IS NOT DISTINCT FROM
			100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))::float8 / nullif(count(nps), 0) AS nps_ok,
	   ccr.responses(ccr.nps_agg(nps)) IS NOT DISTINCT FROM nullif(count(nps), 0) AS nps_n_ok
FROM regress.calls GROUP BY grp ORDER BY grp;

-- interval overload of AHT
SELECT ccr.aht(make_interval(secs => talk), make_interval(secs => hold), make_interval(secs => acw)) =
	   ccr.aht(talk, hold, acw) AS aht_iv_ok
FROM regress.calls;

-- hand-checked: handle times 100+10+20, 200 (hold, acw NULL), talk NULL (skipped)
SELECT ccr.aht(t, h, a) AS aht_165, ccr.aht_agg(t, h, a)::text
FROM (VALUES (100::float8, 10::float8, 20::float8), (200, NULL, NULL), (NULL, 50, 50)) v(t, h, a);

-- CSAT with mixed scales: each score is read against its own scale.
-- 5/5, 4/5 satisfied; 3/5 not; 9/10 satisfied; 8/10 not  -> 3/5
SELECT ccr.csat(s, sc) AS csat_0_6 FROM (VALUES (5, 5), (4, 5), (3, 5), (9, 10), (8, 10), (NULL, 5)) v(s, sc);
-- NPS: promoters 9, 10; passives 7, 8; detractors 0, 6 -> 100 * (2 - 2) / 6 = 0; then 10, 10 -> 100*(4-2)/8 = 25
SELECT ccr.nps(s) AS nps_0 FROM (VALUES (9), (10), (7), (8), (0), (6)) v(s);
SELECT ccr.nps(s) AS nps_25 FROM (VALUES (9), (10), (7), (8), (0), (6), (10), (10)) v(s);

-- empty input
SELECT ccr.aht(talk, hold, acw) AS aht, ccr.csat(csat5, 5) AS csat, ccr.nps(nps) AS nps
FROM regress.calls WHERE false;
