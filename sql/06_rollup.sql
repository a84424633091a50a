-- Two-step use: hourly summaries stored in a table roll up to days and to
-- the whole period exactly; a moving window over days costs O(1) per row
-- and equals a recomputation; summaries survive REFRESH ... CONCURRENTLY.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

CREATE TABLE regress.hourly AS
SELECT date_trunc('hour', at) AS hour, grp,
	   ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS fcr, ccr.aht_agg(talk, hold, acw) AS aht,
	   ccr.csat_agg(csat5, 5) AS csat, ccr.nps_agg(nps) AS nps
FROM regress.calls GROUP BY 1, 2;

SELECT count(*) AS days_checked,
	   bool_and(r.sl::text IS NOT DISTINCT FROM d.sl::text) AS sl_exact,
	   bool_and(r.fcr::text IS NOT DISTINCT FROM d.fcr::text) AS fcr_exact,
	   bool_and(r.aht::text IS NOT DISTINCT FROM d.aht::text) AS aht_exact,
	   bool_and(r.csat::text IS NOT DISTINCT FROM d.csat::text) AS csat_exact,
	   bool_and(r.nps::text IS NOT DISTINCT FROM d.nps::text) AS nps_exact,
	   bool_and(ccr.service_level(r.sl) IS NOT DISTINCT FROM d.sl_direct) AS sl_value
FROM (SELECT date_trunc('day', hour) AS day, grp, ccr.rollup(sl) AS sl, ccr.rollup(fcr) AS fcr,
			 ccr.rollup(aht) AS aht, ccr.rollup(csat) AS csat, ccr.rollup(nps) AS nps
	  FROM regress.hourly GROUP BY 1, 2) r
JOIN (SELECT date_trunc('day', at) AS day, grp, ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS fcr,
			 ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat, ccr.nps_agg(nps) AS nps,
			 ccr.service_level(wait, answered, 20, 'negative', 5) AS sl_direct
	  FROM regress.calls GROUP BY 1, 2) d USING (day, grp);

-- whole period, all groups, from hours
SELECT (SELECT ccr.rollup(sl)::text FROM regress.hourly) = (SELECT ccr.sl_agg(wait, answered, 20, 5)::text FROM regress.calls) AS period_exact;

-- moving windows (msfunc/minvfunc): 7-row windows over contacts equal a recomputation
SELECT count(*) AS windows,
	   bool_and(fcr_w IS NOT DISTINCT FROM fcr_ref) AS fcr_window_ok,
	   bool_and(sl_w IS NOT DISTINCT FROM sl_ref) AS sl_window_ok,
	   bool_and(regress.close(aht_w, aht_ref)) AS aht_window_ok,
	   bool_and(nps_w IS NOT DISTINCT FROM nps_ref) AS nps_window_ok
FROM (SELECT ccr.fcr_rate(flag) OVER w AS fcr_w,
			 (count(*) FILTER (WHERE flag) OVER w)::float8 / nullif(count(flag) OVER w, 0) AS fcr_ref,
			 ccr.service_level(wait, answered, 20) OVER w AS sl_w,
			 (count(*) FILTER (WHERE answered AND wait <= 20) OVER w)::float8 /
				nullif(count(*) FILTER (WHERE answered IS NOT NULL AND wait IS NOT NULL) OVER w, 0) AS sl_ref,
			 ccr.aht(talk, hold, acw) OVER w AS aht_w,
			 avg(talk + coalesce(hold, 0) + coalesce(acw, 0)) FILTER (WHERE talk IS NOT NULL) OVER w AS aht_ref,
			 ccr.nps(nps) OVER w AS nps_w,
			 100.0 * ((count(*) FILTER (WHERE nps >= 9) OVER w) - (count(*) FILTER (WHERE nps <= 6) OVER w))::float8
				/ nullif(count(nps) OVER w, 0) AS nps_ref
	  FROM regress.calls WHERE id <= 5000
	  WINDOW w AS (ORDER BY id ROWS 6 PRECEDING)) x;

-- rollup in a moving window over stored daily summaries uses the inverse
SELECT bool_and(m.w::text = r.ref::text) AS rolling_7_days_exact, count(*) AS days
FROM (SELECT day, ccr.rollup(sl) OVER (ORDER BY day ROWS 6 PRECEDING) AS w
	  FROM (SELECT date_trunc('day', hour) AS day, ccr.rollup(sl) AS sl FROM regress.hourly GROUP BY 1) d) m
JOIN LATERAL (SELECT ccr.rollup(sl) AS ref FROM regress.hourly
			  WHERE date_trunc('day', hour) BETWEEN m.day - interval '6 days' AND m.day) r ON true;

-- a materialized view of summaries, refreshed concurrently
CREATE MATERIALIZED VIEW regress.daily_mv AS
SELECT date_trunc('day', hour) AS day, grp, ccr.rollup(sl) AS sl, ccr.rollup(fcr) AS fcr FROM regress.hourly GROUP BY 1, 2;
CREATE UNIQUE INDEX ON regress.daily_mv (day, grp);
UPDATE regress.hourly SET sl = (SELECT ccr.sl_agg(w, true, 20, 5) FROM (VALUES (1::float8)) v(w))
WHERE hour = (SELECT min(hour) FROM regress.hourly) AND grp = 0;
REFRESH MATERIALIZED VIEW CONCURRENTLY regress.daily_mv;
SELECT bool_and(m.sl::text = r.sl::text AND m.fcr::text = r.fcr::text) AS matview_matches, count(*) AS rows
FROM regress.daily_mv m
JOIN (SELECT date_trunc('day', hour) AS day, grp, ccr.rollup(sl) AS sl, ccr.rollup(fcr) AS fcr FROM regress.hourly GROUP BY 1, 2) r
USING (day, grp);

-- a threshold of -0 is the threshold 0: an aggregate stores +0, and a -0
-- read from text (as 0.2.0 could store it) merges with 0
SELECT ccr.sl_agg(w, a, '-0'::float8)::text = ccr.sl_agg(w, a, 0)::text AS same_text
FROM (VALUES (0::float8, true), (3, true)) v(w, a);
SELECT bool_or(s::text LIKE '%threshold=-0 %') AS has_minus_zero, ccr.answered(ccr.rollup(s)) AS answered,
	   ccr.offered(ccr.rollup(s)) AS offered
FROM (SELECT replace(ccr.sl_agg(w, a, 0)::text, 'threshold=0 ', 'threshold=-0 ')::ccr.sl_summary AS s
	  FROM (VALUES (0::float8, true)) v(w, a)
	  UNION ALL
	  SELECT ccr.sl_agg(w, a, 0) FROM (VALUES (3::float8, true)) v(w, a)) x;
