-- The shared regression helpers (test/regress/setup.sql) and the shared call
-- table regress.calls.  Every file includes the helpers itself and builds the
-- data it uses, so it runs alone and in any order (docs/architecture.md).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

-- the generator is deterministic and covers [0, 1)
SELECT regress.rand(1, 1) = regress.rand(1, 1) AS same_value,
	   regress.rand(1, 1) <> regress.rand(2, 1) AS streams_differ,
	   min(r) >= 0 AND max(r) < 1 AS in_range,
	   abs(avg(r) - 0.5) < 0.01 AS mean_ok,
	   count(DISTINCT floor(r * 10)) = 10 AS every_decile
FROM (SELECT regress.rand(7, i) AS r FROM generate_series(1, 20000) i) x;
SELECT min(v), max(v), count(DISTINCT v) FROM (SELECT regress.rand_int(3, i, -2, 2) AS v FROM generate_series(1, 1000) i) x;

-- close() is two-valued: one NULL side is a mismatch, never NULL
SELECT regress.close(NULL, NULL) AS both_null, regress.close(1, NULL) AS left_only,
	   regress.close(NULL, 1) AS right_only, regress.close(1, 1 + 1e-12) AS near,
	   regress.close(1, 1.001) AS far, regress.close('Infinity', 'Infinity') AS inf,
	   regress.close('NaN', 1) AS nan, regress.close('Infinity', 1e308) AS inf_finite;

-- the helpers are idempotent: including them again changes nothing
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.err('SELECT 1/0') AS err;

-- reset_model() empties the model and brings back the install-time rows
INSERT INTO ccr.settings (name, value) VALUES ('timezone', 'Europe/Paris');
INSERT INTO ccr.calendars (name, timezone) VALUES ('regress_setup', 'UTC');
SELECT regress.reset_model();
SELECT (SELECT count(*) FROM ccr.settings) AS settings,
	   (SELECT string_agg(name, ',') FROM ccr.calendars) AS calendars,
	   (SELECT count(*) FROM ccr.calendar_hours WHERE calendar = 'default') AS default_hours,
	   (SELECT count(*) FROM ccr.contacts) AS contacts;

SELECT grp, count(*) AS n, count(wait) AS waits, count(answered) FILTER (WHERE answered) AS answered
FROM regress.calls GROUP BY grp ORDER BY grp;
