-- Run by test/suites/privileges.sh as superuser in a database with the
-- extension installed and role ccr_hard_user (no privileges but USAGE on
-- schema ccr, as docs/hardening.md tells DBAs to grant, and its own schema).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE checks (n serial, what text, want text, got text);
CREATE FUNCTION pg_temp.run(what text, want text, q text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	got text;
BEGIN
	BEGIN
		EXECUTE q;
		got := 'ok';
	EXCEPTION WHEN others THEN
		got := SQLSTATE;
	END;
	INSERT INTO checks (what, want, got) VALUES (what, want, got);
END $$;

-- catalog rules that every future object must follow too
INSERT INTO checks (what, want, got)
SELECT 'SECURITY DEFINER ' || p.oid::regprocedure || ' pins search_path and is not executable by PUBLIC', 'ok',
	CASE WHEN NOT coalesce(EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), false) THEN 'no search_path'
		 WHEN EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0) THEN 'PUBLIC can execute'
		 ELSE 'ok' END
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics'
WHERE p.prosecdef;
INSERT INTO checks (what, want, got)
SELECT 'C functions returning internal take an internal argument', '0',
	count(*)::text
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics'
WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
	AND p.prorettype = 'internal'::regtype AND NOT ('internal'::regtype = ANY (p.proargtypes::oid[]));
INSERT INTO checks (what, want, got)
SELECT 'no table, view or sequence of the extension is writable by PUBLIC', '0', count(*)::text
FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics',
	LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
WHERE a.grantee = 0 AND a.privilege_type <> 'SELECT';
DO $$
DECLARE
	n bigint := 0;
BEGIN
	IF to_regclass('cron.job') IS NOT NULL THEN
		EXECUTE 'SELECT count(*) FROM cron.job' INTO n;
	END IF;
	INSERT INTO checks (what, want, got)
	VALUES ('the extension schedules no pg_cron job when installed', '0', n::text);
END $$;

-- what a plain user can and cannot do
GRANT ALL ON checks TO ccr_hard_user;
GRANT ALL ON SEQUENCE checks_n_seq TO ccr_hard_user;
SET ROLE ccr_hard_user;
CREATE TABLE hard_user.calls AS
SELECT g, (g % 60)::float8 AS wait, g % 4 > 0 AS answered, (g * 7 % 300)::float8 AS talk, g % 3 > 0 AS fcr
FROM generate_series(1, 1000) g;
SELECT pg_temp.run('user: aggregates over own data', 'ok',
	$$SELECT ccr.service_level(wait, answered, 20), ccr.aht(talk, NULL::float8, NULL::float8), ccr.fcr_rate(fcr) FROM hard_user.calls$$);
SELECT pg_temp.run('user: store summaries and roll them up', 'ok',
	$$CREATE TABLE hard_user.s AS SELECT g % 10 AS k, ccr.sl_agg(wait, answered, 20) AS sl FROM hard_user.calls GROUP BY 1;
	  SELECT ccr.service_level(ccr.rollup(sl)) FROM hard_user.s$$);
SELECT pg_temp.run('user: summary text input and output', 'ok',
	$$SELECT 'v=1 hits=1 total=2'::ccr.rate_summary::text$$);
SELECT pg_temp.run('user: forged summary is an error, not a crash', '22023',
	$$SELECT ccr.rate('v=1 hits=3 total=2')$$);
SELECT pg_temp.run('user: own aggregate with an inverse as transition is an error', '22023',
	$$CREATE AGGREGATE hard_user.evil(boolean) (SFUNC = ccr.rate_inv, STYPE = ccr.rate_summary);
	  SELECT hard_user.evil(fcr) FROM hard_user.calls$$);
SELECT pg_temp.run('user: read ccr.contacts', '42501', $$SELECT count(*) FROM ccr.contacts$$);
SELECT pg_temp.run('user: insert into ccr.contacts', '42501',
	$$INSERT INTO ccr.contacts (offered_at, outcome) VALUES (now(), 'abandoned')$$);
SELECT pg_temp.run('user: change a setting', '42501', $$UPDATE ccr.settings SET value = value$$);
SELECT pg_temp.run('user: ccr.set_timezone', '42501', $$SELECT ccr.set_timezone('UTC')$$);
SELECT pg_temp.run('user: ccr.refresh_kpis (SECURITY DEFINER, not granted)', '42501', $$SELECT ccr.refresh_kpis()$$);
SELECT pg_temp.run('user: import a queue_log into ccr.contacts', '42501',
	$$CREATE TABLE hard_user.ql (line text);
	  INSERT INTO hard_user.ql VALUES ('1717397390|1717397390.1|q1|NONE|ENTERQUEUE||7009|1');
	  SELECT * FROM ccr.import_queue_log('hard_user.ql')$$);
SELECT pg_temp.run('user: read the KPI views without a grant', '42501', $$SELECT count(*) FROM ccr.kpi_daily$$);
SELECT pg_temp.run('user: create a function in schema ccr', '42501',
	$$CREATE FUNCTION ccr.hijack(int) RETURNS int LANGUAGE sql AS 'SELECT 1'$$);
SELECT pg_temp.run('user: replace an extension function', '42501',
	$$CREATE OR REPLACE FUNCTION ccr.rate(ccr.rate_summary) RETURNS double precision LANGUAGE sql AS 'SELECT 1.0'$$);
SELECT pg_temp.run('user: alter an extension function', '42501',
	$$ALTER FUNCTION ccr.rate(ccr.rate_summary) SECURITY DEFINER$$);
SELECT pg_temp.run('user: drop the extension', '42501', $$DROP EXTENSION ccr_metrics$$);
SELECT pg_temp.run('user: update the extension', '42501', $$ALTER EXTENSION ccr_metrics UPDATE$$);
SELECT pg_temp.run('user: load the library directly', '42501', $$LOAD '$libdir/ccr_metrics'$$);
SELECT pg_temp.run('user: declare its own C function from the library', '42501',
	$$CREATE FUNCTION hard_user.raw_in(cstring) RETURNS int AS '$libdir/ccr_metrics', 'ccr_rate_summary_in' LANGUAGE C$$);
RESET ROLE;

SELECT n, what, want, got, CASE WHEN want = got THEN 'ok' ELSE 'FAILED' END AS result FROM checks ORDER BY n;
