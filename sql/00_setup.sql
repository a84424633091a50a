-- Shared fixtures for the regression suites (they run in one database, in order).
CREATE SCHEMA regress;

-- Runs a statement and returns its SQLSTATE and message, or 'ok'.
CREATE FUNCTION regress.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Relative/absolute closeness for means computed two ways.
CREATE FUNCTION regress.close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b))
$$;

-- Contacts with NULLs, waits exactly at 20 s and 5 s, a group where every
-- contact abandoned, and a group with only NULL rows (empty after skipping).
SELECT setseed(0.4242);
CREATE TABLE regress.calls AS
SELECT g AS id,
	   CASE WHEN g % 10 = 9 THEN 9 ELSE g % 9 END AS grp,
	   timestamptz '2026-03-01 00:00+00' + (g * interval '37 seconds') AS at,
	   CASE WHEN g % 10 = 9 THEN NULL
			WHEN g % 53 = 0 THEN NULL
			WHEN g % 13 = 0 THEN 20.0
			WHEN g % 17 = 0 THEN 5.0
			WHEN g % 19 = 0 THEN 0.0
			ELSE round((random() * random() * 90)::numeric, 3)::float8 END AS wait,
	   CASE WHEN g % 10 = 9 THEN NULL
			WHEN g % 9 = 8 THEN false
			WHEN g % 41 = 0 THEN NULL
			ELSE random() < 0.8 END AS answered,
	   CASE WHEN g % 10 = 9 OR g % 29 = 0 THEN NULL ELSE round((30 + random() * 600)::numeric, 3)::float8 END AS talk,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((random() * 60)::numeric, 3)::float8 END AS hold,
	   CASE WHEN g % 5 = 0 THEN NULL ELSE round((random() * 120)::numeric, 3)::float8 END AS acw,
	   CASE WHEN g % 10 = 9 OR g % 7 = 0 THEN NULL ELSE random() < 0.7 END AS flag,
	   CASE WHEN g % 10 = 9 OR g % 23 = 0 THEN NULL ELSE (random() * 3)::int END AS reopens,
	   CASE WHEN g % 10 = 9 OR g % 3 = 1 THEN NULL ELSE 1 + (random() * 4)::int END AS csat5,
	   CASE WHEN g % 10 = 9 OR g % 4 = 1 THEN NULL ELSE (random() * 10)::int END AS nps
FROM generate_series(1, 30000) g;
ANALYZE regress.calls;

SELECT grp, count(*) AS n, count(wait) AS waits, count(answered) FILTER (WHERE answered) AS answered
FROM regress.calls GROUP BY grp ORDER BY grp;
