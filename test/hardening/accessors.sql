-- What every one-argument function of the extension reads from every
-- stored summary (tables public.stored_<type> made by populate.sql):
-- one line per table and function with the md5 of the results (or the
-- SQLSTATE it raised).  Compared before and after an upgrade or a restore.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE accessor_md5 (tab text, fn text, md5 text);
DO $$
DECLARE
	r record;
	res text;
BEGIN
	FOR r IN
		SELECT c.relname, p.oid::regprocedure AS sig, p.proname, n.nspname
		FROM pg_class c
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'v'
		JOIN pg_proc p ON p.proargtypes = (a.atttypid::text)::oidvector AND NOT p.proretset AND p.prokind = 'f'
		JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ccr'
		JOIN pg_type t ON t.oid = a.atttypid
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'stored\_%'
			AND p.oid NOT IN (t.typoutput, t.typsend)
		ORDER BY 1, 2::text
	LOOP
		BEGIN
			EXECUTE format('SELECT md5(string_agg(coalesce(%I.%I(v)::text, ''<null>''), '','' ORDER BY id)) FROM public.%I',
						   r.nspname, r.proname, r.relname) INTO res;
		EXCEPTION WHEN others THEN
			res := 'error ' || SQLSTATE;
		END;
		INSERT INTO accessor_md5 VALUES (r.relname, r.sig::text, res);
	END LOOP;
END
$$;
SELECT tab || ' ' || fn || ' ' || md5 FROM accessor_md5 ORDER BY 1;
