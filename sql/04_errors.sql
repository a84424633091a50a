-- Every bad parameter and impossible datum gets a specific SQLSTATE and names the value.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
CREATE TABLE regress.errors_tiny (wait float8, answered boolean);
INSERT INTO regress.errors_tiny VALUES (10, true), (20, true), (25, true), (3, false), (15, false), (40, false);

SELECT q, regress.err(q) FROM (VALUES
	($$SELECT ccr.service_level(wait, answered, -1) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, NULL) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 'NaN') FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 'Infinity') FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 20, 'sometimes', 0) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 20, NULL, 0) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 20, 'negative', -5) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(wait, answered, 20, 'negative', NULL) FROM regress.errors_tiny$$),
	($$SELECT ccr.service_level(w, true, 20) FROM (VALUES (1::float8), (-0.5)) v(w)$$),
	($$SELECT ccr.service_level(w, true, 20) FROM (VALUES ('NaN'::float8)) v(w)$$),
	($$SELECT ccr.service_level(w, true, 20) FROM (VALUES ('Infinity'::float8)) v(w)$$),
	($$SELECT ccr.service_level(w, false, interval '20 s') FROM (VALUES (interval '-3 s')) v(w)$$),
	($$SELECT ccr.service_level(wait, answered, id % 2 * 10) FROM (SELECT row_number() OVER () AS id, * FROM regress.errors_tiny) t$$),
	($$SELECT ccr.sl_agg(wait, answered, 20, -1) FROM regress.errors_tiny$$),
	($$SELECT ccr.abandon_rate(wait, answered, -1) FROM regress.errors_tiny$$),
	($$SELECT ccr.abandon_rate(wait, answered, NULL) FROM regress.errors_tiny$$),
	($$SELECT ccr.asa(w, true) FROM (VALUES (-1::float8)) v(w)$$),
	($$SELECT ccr.aht(t, 0, 0) FROM (VALUES (-1::float8)) v(t)$$),
	($$SELECT ccr.aht(10, h, 0) FROM (VALUES (-1::float8)) v(h)$$),
	($$SELECT ccr.aht(10, 0, a) FROM (VALUES (-1::float8)) v(a)$$),
	($$SELECT ccr.csat(s, 5) FROM (VALUES (6)) v(s)$$),
	($$SELECT ccr.csat(s, 5) FROM (VALUES (0)) v(s)$$),
	($$SELECT ccr.csat(s, 1) FROM (VALUES (1)) v(s)$$),
	($$SELECT ccr.csat(s, NULL) FROM (VALUES (3)) v(s)$$),
	($$SELECT ccr.nps(s) FROM (VALUES (11)) v(s)$$),
	($$SELECT ccr.nps(s) FROM (VALUES (-1)) v(s)$$),
	($$SELECT ccr.reopen_rate(n) FROM (VALUES (-1)) v(n)$$),
	($$SELECT ccr.service_level(ccr.sl_agg(wait, answered, 20), 'fastest') FROM regress.errors_tiny$$),
	-- summaries built with different parameters do not merge
	($$SELECT ccr.rollup(s) FROM (SELECT ccr.sl_agg(wait, answered, 20) s FROM regress.errors_tiny
								   UNION ALL SELECT ccr.sl_agg(wait, answered, 30) FROM regress.errors_tiny) x$$),
	-- support functions called outside an aggregate
	($$SELECT ccr.rate_trans(NULL, true)$$),
	($$SELECT ccr.sl_trans(NULL, 1::float8, true, 20::float8)$$)
) v(q);
