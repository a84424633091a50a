-- Every base type of the installed extension, as the fuzz harness needs it:
-- type, the C symbols of input, output, receive and send, of the combine
-- and moving-inverse functions of the aggregates that keep it as state, and
-- of its one-argument C accessors (tab-separated, "-" for none).
WITH c AS (SELECT oid FROM pg_language WHERE lanname = 'c'),
types AS (
	SELECT t.oid, t.typname, t.typinput::oid AS fin, t.typoutput::oid AS fout,
		t.typreceive::oid AS frecv, t.typsend::oid AS fsend
	FROM pg_type t
	JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid
		AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics'
	WHERE t.typtype = 'b')
SELECT concat_ws(E'\t', t.typname,
	(SELECT prosrc FROM pg_proc WHERE oid = t.fin),
	(SELECT prosrc FROM pg_proc WHERE oid = t.fout),
	(SELECT prosrc FROM pg_proc WHERE oid = t.frecv),
	(SELECT prosrc FROM pg_proc WHERE oid = t.fsend),
	coalesce((SELECT min(p.prosrc) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggcombinefn
		WHERE a.aggtranstype = t.oid AND p.prolang = (SELECT oid FROM c)
			AND p.proargtypes = (t.oid || ' ' || t.oid)::oidvector), '-'),
	coalesce((SELECT min(p.prosrc) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggminvtransfn
		WHERE a.aggmtranstype = t.oid AND p.prolang = (SELECT oid FROM c)
			AND p.proargtypes = (t.oid || ' ' || t.oid)::oidvector), '-'),
	coalesce((SELECT string_agg(DISTINCT p.prosrc, ',') FROM pg_proc p
		WHERE p.proargtypes = (t.oid::text)::oidvector AND p.prolang = (SELECT oid FROM c)
			AND p.prokind = 'f' AND NOT p.proretset AND p.oid NOT IN (t.fout, t.fsend)), '-'))
FROM types t ORDER BY t.typname;
