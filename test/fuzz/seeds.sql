-- Seed values for the fuzz corpus, made by the extension itself: every
-- aggregate that returns a summary type of the extension is run over a few generated row sets
-- with arguments made up from their types.  Calls that the aggregate
-- rejects are skipped.  Output: type, text form, binary form in hex.
CREATE TEMP TABLE fuzz_seed (typname name, txt text, bin text);
DO $$
DECLARE
	agg record;
	args text[];
	n int;
	r record;
BEGIN
	FOR agg IN
		SELECT p.oid::regprocedure AS sig, p.oid::regproc AS fn, t.typname, t.typsend::regproc AS send,
			string_to_array(p.proargtypes::text, ' ')::oid[] AS argtypes
		FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
		JOIN pg_type t ON t.oid = p.prorettype
		JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid
			AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		WHERE a.aggkind = 'n' AND NOT (t.oid = ANY (p.proargtypes::oid[]))
		ORDER BY 1::text
	LOOP
		args := '{}';
		FOR i IN 1 .. array_length(agg.argtypes, 1) LOOP
			args := args || CASE format_type(agg.argtypes[i], NULL)
				WHEN 'double precision' THEN CASE WHEN i = 1 THEN '(g * 7 % 50) + 0.25' ELSE '60' END
				WHEN 'integer' THEN CASE WHEN i = 1 THEN '1 + g % 5' ELSE '5' END
				WHEN 'bigint' THEN 'g'
				WHEN 'numeric' THEN 'g'
				WHEN 'boolean' THEN '(g % 3 <> 0)'
				WHEN 'interval' THEN CASE WHEN i = 1 THEN 'make_interval(secs => g * 7 % 50 + 0.25)' ELSE 'interval ''1 hour''' END
				WHEN 'timestamp with time zone' THEN CASE i
					WHEN 1 THEN 'timestamptz ''2026-01-01 00:00+00'' + g * interval ''17 minutes'''
					WHEN 2 THEN 'timestamptz ''2026-01-01 00:30+00'' + g * interval ''17 minutes'''
					WHEN 3 THEN 'timestamptz ''2026-01-01 00:00+00'''
					ELSE 'timestamptz ''2026-01-02 00:00+00''' END
				WHEN 'text' THEN CASE WHEN i = 1 THEN '''c'' || g % 7' ELSE '''negative''' END
				ELSE 'NULL' END;
		END LOOP;
		FOREACH n IN ARRAY ARRAY[1, 3, 40] LOOP
			BEGIN
				FOR r IN EXECUTE format('SELECT v::text AS txt, encode(%s(v), ''hex'') AS bin FROM (SELECT %s(%s) AS v FROM generate_series(1, %s) g) s WHERE v IS NOT NULL',
						agg.send, agg.fn, array_to_string(args, ', '), n)
				LOOP
					INSERT INTO fuzz_seed VALUES (agg.typname, r.txt, r.bin);
				END LOOP;
			EXCEPTION WHEN others THEN
				NULL;
			END;
		END LOOP;
	END LOOP;
END
$$;
SELECT DISTINCT typname, txt, bin FROM fuzz_seed ORDER BY 1, 2;
