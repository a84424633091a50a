\set ECHO none
-- Shared helpers of the pg_regress files (see docs/architecture.md, "Tests").
-- Every file in sql/ starts with
--
--     \getenv abs_srcdir PG_ABS_SRCDIR
--     \i :abs_srcdir/test/regress/setup.sql
--
-- so that it runs alone and in any order: this file is idempotent (it may be
-- included once per file into the same database) and prints nothing.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS regress;

-- Runs a statement and returns its SQLSTATE and message, or 'ok'.
CREATE OR REPLACE FUNCTION regress.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- Relative/absolute closeness for values computed two ways.  Two-valued:
-- both NULL is true, exactly one NULL is false (never NULL), so
-- count(*) FILTER (WHERE NOT regress.close(a, b)) counts every mismatch.
CREATE OR REPLACE FUNCTION regress.close(a float8, b float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
				WHEN a = b THEN true	-- equal infinities, NaN = NaN
				WHEN a IN ('NaN', 'Infinity', '-Infinity') OR b IN ('NaN', 'Infinity', '-Infinity') THEN false
				ELSE abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b)) END
$$;

-- The project's own deterministic generator: float8 in [0, 1) from the first
-- 52 bits of md5(stream:i).  The same (stream, i) gives the same value on every
-- server and in every order of the files, unlike setseed()/random().
CREATE OR REPLACE FUNCTION regress.rand(stream integer, i bigint) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT ('x' || substr(md5(stream || ':' || i), 1, 13))::bit(52)::bigint / 4503599627370496.0::float8
$$;

-- The same keyed by text (a row without a number: its natural key).
CREATE OR REPLACE FUNCTION regress.rand(stream integer, key text) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT ('x' || substr(md5(stream || ':' || key), 1, 13))::bit(52)::bigint / 4503599627370496.0::float8
$$;

-- Integer uniformly in [lo, hi] from the same generator.
CREATE OR REPLACE FUNCTION regress.rand_int(stream integer, i bigint, lo bigint, hi bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT lo + floor(regress.rand(stream, i) * (hi - lo + 1))::bigint
$$;

-- The plan of a query, one line a row (EXPLAIN (COSTS OFF)), for checks
-- like count(*) FILTER (WHERE line LIKE '%Partial Aggregate%').
CREATE OR REPLACE FUNCTION regress.explain(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		RETURN NEXT l;
	END LOOP;
END $$;

-- The install-time contents of every table of the extension (the 'default'
-- calendar, ...), taken the first time any file includes this one, i.e.
-- before any test changed them.
CREATE TABLE IF NOT EXISTS regress.install_rows (tab regclass PRIMARY KEY, rows jsonb NOT NULL);
DO $$
DECLARE
	t regclass;
	r jsonb;
BEGIN
	IF EXISTS (SELECT FROM regress.install_rows) THEN
		RETURN;
	END IF;
	FOR t IN SELECT c.oid FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
			 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
			   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ccr_metrics')
			   AND c.relkind IN ('r', 'p')
	LOOP
		EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(x)), ''[]'') FROM %s x', t) INTO r;
		INSERT INTO regress.install_rows VALUES (t, r);
	END LOOP;
END $$;

-- Empties the model: every table of the extension back to its install-time
-- rows (contacts, tickets, status history, QA evaluations, presence, queue_log
-- staging, calendars, settings, ...), identities restarted, materialized views
-- refreshed.  For files that use the model; call it first.
CREATE OR REPLACE FUNCTION regress.reset_model() RETURNS void LANGUAGE plpgsql
SET client_min_messages = warning AS $$
DECLARE
	t record;
	m regclass;
BEGIN
	EXECUTE (SELECT 'TRUNCATE ' || string_agg(tab::text, ', ') || ' RESTART IDENTITY'
			 FROM regress.install_rows);
	-- replica role: no foreign key or user trigger fires while rows come back
	SET LOCAL session_replication_role = replica;
	FOR t IN SELECT tab, rows FROM regress.install_rows WHERE rows <> '[]' LOOP
		EXECUTE format('INSERT INTO %s SELECT * FROM jsonb_populate_recordset(NULL::%s, $1)',
					   t.tab, t.tab) USING t.rows;
	END LOOP;
	SET LOCAL session_replication_role = origin;
	FOR m IN SELECT c.oid FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
			 WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
			   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ccr_metrics')
			   AND c.relkind = 'm'
	LOOP
		EXECUTE format('REFRESH MATERIALIZED VIEW %s', m);
	END LOOP;
	-- the calendar tables were truncated under the replica role: drop any
	-- compiled calendar this session still caches
	UPDATE ccr.calendars SET name = name WHERE false;
END $$;

-- (Re)creates regress.calls: 30000 contacts in groups 0..9 with NULLs, waits
-- exactly at 20 s and 5 s, a group (8) where every contact abandoned, and a
-- group (9) with only NULL rows (empty after skipping).  Deterministic: every
-- file that calls it gets the same rows.
CREATE OR REPLACE FUNCTION regress.make_calls() RETURNS void LANGUAGE plpgsql
SET client_min_messages = warning AS $$
BEGIN
	DROP TABLE IF EXISTS regress.calls;
	CREATE TABLE regress.calls AS
	SELECT g AS id,
		   CASE WHEN g % 10 = 9 THEN 9 ELSE g % 9 END AS grp,
		   timestamptz '2026-03-01 00:00+00' + (g * interval '37 seconds') AS at,
		   CASE WHEN g % 10 = 9 THEN NULL
				WHEN g % 53 = 0 THEN NULL
				WHEN g % 13 = 0 THEN 20.0
				WHEN g % 17 = 0 THEN 5.0
				WHEN g % 19 = 0 THEN 0.0
				ELSE round((regress.rand(1, g) * regress.rand(2, g) * 90)::numeric, 3)::float8 END AS wait,
		   CASE WHEN g % 10 = 9 THEN NULL
				WHEN g % 9 = 8 THEN false
				WHEN g % 41 = 0 THEN NULL
				ELSE regress.rand(3, g) < 0.8 END AS answered,
		   CASE WHEN g % 10 = 9 OR g % 29 = 0 THEN NULL
				ELSE round((30 + regress.rand(4, g) * 600)::numeric, 3)::float8 END AS talk,
		   CASE WHEN g % 3 = 0 THEN NULL ELSE round((regress.rand(5, g) * 60)::numeric, 3)::float8 END AS hold,
		   CASE WHEN g % 5 = 0 THEN NULL ELSE round((regress.rand(6, g) * 120)::numeric, 3)::float8 END AS acw,
		   CASE WHEN g % 10 = 9 OR g % 7 = 0 THEN NULL ELSE regress.rand(7, g) < 0.7 END AS flag,
		   CASE WHEN g % 10 = 9 OR g % 23 = 0 THEN NULL ELSE round(regress.rand(8, g) * 3)::int END AS reopens,
		   CASE WHEN g % 10 = 9 OR g % 3 = 1 THEN NULL ELSE 1 + round(regress.rand(9, g) * 4)::int END AS csat5,
		   CASE WHEN g % 10 = 9 OR g % 4 = 1 THEN NULL ELSE round(regress.rand(10, g) * 10)::int END AS nps
	FROM generate_series(1, 30000) g;
	ANALYZE regress.calls;
END $$;

-- How many of the KPI rollups a refresh refreshed (other materialized views
-- in schema ccr are refreshed too, but are not counted).
CREATE OR REPLACE FUNCTION regress.model_refresh() RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FILTER (WHERE matview::text IN ('ccr.kpi_hourly_rollup', 'ccr.kpi_daily_rollup',
							'ccr.kpi_monthly_rollup', 'ccr.kpi_agent_daily_rollup'))
	FROM ccr.refresh_kpis() $$;

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all

