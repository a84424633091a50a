-- Writes (to stdout) one SELECT per call of every IMMUTABLE or STABLE
-- function of the extension with arguments from small pools of ordinary
-- and extreme values (NULLs, NaN, infinities, negative and huge numbers,
-- unknown names, valid summaries of every summary type).  Volatile
-- functions (they write) and functions with argument types not in the
-- pools are left out.  test/suites/callall.sh runs the output.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE pool (typ oid, val text);
INSERT INTO pool
SELECT t::regtype::oid, v FROM (VALUES
	('double precision', 'NULL'), ('double precision', '0'), ('double precision', '-1'), ('double precision', '0.5'),
	('double precision', '20'), ('double precision', '''NaN'''), ('double precision', '''Infinity'''), ('double precision', '1e308'),
	('integer', 'NULL'), ('integer', '0'), ('integer', '-1'), ('integer', '1'), ('integer', '5'), ('integer', '2147483647'),
	('bigint', 'NULL'), ('bigint', '0'), ('bigint', '-1'), ('bigint', '9223372036854775807'),
	('boolean', 'NULL'), ('boolean', 'true'), ('boolean', 'false'),
	('text', 'NULL'), ('text', ''''''), ('text', '''negative'''), ('text', '''UTC'''), ('text', '''default'''), ('text', '''no/such'''),
	('interval', 'NULL'), ('interval', '''0'''), ('interval', '''-1 s'''), ('interval', '''20 s'''), ('interval', '''1 mon'''),
	('interval', '''178000000 years'''),
	('timestamp with time zone', 'NULL'), ('timestamp with time zone', '''2026-01-01 00:00+00'''),
	('timestamp with time zone', '''2026-03-08 02:30-05'''), ('timestamp with time zone', '''infinity'''),
	('timestamp with time zone', '''-infinity'''), ('timestamp with time zone', '''4713-01-01 BC'''),
	('date', 'NULL'), ('date', '''2026-01-01'''), ('date', '''infinity'''),
	('time without time zone', 'NULL'), ('time without time zone', '''24:00''')
) AS v(t, v);
-- two valid values of every summary type (from the seeds recipe) and NULL
\ir ../fuzz/seeds.sql
INSERT INTO pool
SELECT DISTINCT ON (t.oid, s.rn) t.oid, quote_literal(s.txt) || '::ccr.' || s.typname
FROM (SELECT typname, txt, row_number() OVER (PARTITION BY typname ORDER BY length(txt), txt) AS rn FROM fuzz_seed) s
JOIN pg_type t ON t.typname = s.typname AND t.typnamespace = 'ccr'::regnamespace
WHERE s.rn <= 2;
INSERT INTO pool SELECT DISTINCT typ, 'NULL::' || format_type(typ, NULL) FROM pool WHERE val LIKE '%::ccr.%';

WITH fns AS (
	SELECT p.oid, p.proname, string_to_array(p.proargtypes::text, ' ')::oid[] AS args, p.proretset
	FROM pg_proc p
	JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics'
	WHERE p.prokind = 'f' AND p.provolatile IN ('i', 's') AND p.pronargs > 0
		AND NOT EXISTS (SELECT FROM unnest(string_to_array(p.proargtypes::text, ' ')::oid[]) a(t)
						WHERE NOT EXISTS (SELECT FROM pool WHERE pool.typ = a.t))),
combos AS (
	SELECT f.oid, f.proname, f.proretset, i,
		(SELECT string_agg(
			(SELECT val FROM pool WHERE typ = f.args[j] ORDER BY val
			 OFFSET ((i * (7 + 4 * j) + j) % (SELECT count(*) FROM pool WHERE typ = f.args[j])) LIMIT 1)
			|| '::' || format_type(f.args[j], NULL), ', ' ORDER BY j)
		 FROM generate_subscripts(f.args, 1) j) AS arglist
	FROM fns f, generate_series(0, 23) i)
SELECT DISTINCT format('SELECT %L AS fn, pg_temp.try(%L);', oid::regprocedure::text,
	CASE WHEN proretset THEN format('SELECT count(*) FROM ccr.%I(%s)', proname, arglist)
		 ELSE format('SELECT ccr.%I(%s)', proname, arglist) END)
FROM combos;
