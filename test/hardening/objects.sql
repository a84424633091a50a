-- Every member of the installed extension, described fully enough that two
-- installs with the same output have the same objects: identity, function
-- definitions, aggregate support functions and options, type I/O, table
-- and view definitions, comments, ownership-independent ACLs.
SELECT kind || ' ' || ident || coalesce(' :: ' || detail, '') || coalesce(' -- ' || cmt, '')
FROM (
	SELECT 'object' AS kind, pg_describe_object(d.classid, d.objid, 0) AS ident,
		CASE d.classid
			WHEN 'pg_proc'::regclass THEN
				(SELECT CASE p.prokind WHEN 'a' THEN
					(SELECT concat_ws(' ', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggmtransfn, a.aggminvtransfn,
						a.aggmfinalfn, format_type(a.aggtranstype, NULL), format_type(a.aggmtranstype, NULL), a.agginitval,
						a.aggfinalmodify, p.proparallel)
					 FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
				ELSE pg_get_functiondef(p.oid) END
				 FROM pg_proc p WHERE p.oid = d.objid)
			WHEN 'pg_type'::regclass THEN
				(SELECT concat_ws(' ', t.typtype, t.typlen, t.typalign, t.typstorage, t.typinput, t.typoutput,
					t.typreceive, t.typsend, t.typcategory)
				 FROM pg_type t WHERE t.oid = d.objid)
			WHEN 'pg_class'::regclass THEN
				(SELECT concat_ws(' ', c.relkind, c.relpersistence,
					CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
					(SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
						|| coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '') || CASE a.attgenerated WHEN 's' THEN ' generated' ELSE '' END,
						', ' ORDER BY a.attnum)
					 FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
					 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
					(SELECT string_agg(pg_get_constraintdef(co.oid), '; ' ORDER BY co.conname) FROM pg_constraint co WHERE co.conrelid = c.oid),
					(SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY pg_get_indexdef(i.indexrelid)) FROM pg_index i WHERE i.indrelid = c.oid),
					(SELECT string_agg(tg.tgname || ' ' || pg_get_triggerdef(tg.oid), '; ' ORDER BY tg.tgname) FROM pg_trigger tg WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal))
				 FROM pg_class c WHERE c.oid = d.objid)
		END AS detail,
		obj_description(d.objid, d.classid::regclass::name) AS cmt
	FROM pg_depend d
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics'
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	UNION ALL
	SELECT 'config', x.cfg::regclass::text, x.cond, NULL
	FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(cfg, cond)
	WHERE e.extname = 'ccr_metrics'
) o
ORDER BY 1;
