# test/hardening/lib.sh: helpers of the dump/restore and upgrade suites.

# hardening_checksums DB OUTFILE: one line per table and materialized view
# of every non-system schema (extension tables included) and per sequence:
# name, row count, md5 of the rows' text forms, md5 of the rows' binary
# COPY (so both the output and the send functions of every stored value
# are compared).
hardening_checksums() {
	local db=$1 out=$2 rel
	: >"$out"
	for rel in $(psql -qAtX -d "$db" -c "
		SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cron')
			AND n.nspname !~ '^pg_(toast|temp)' ORDER BY 1"); do
		local txt bin
		txt=$(psql -qAtX -d "$db" -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) FROM $rel t")
		bin=$(psql -qAtX -d "$db" -c "COPY (SELECT * FROM $rel t ORDER BY t::text) TO STDOUT (FORMAT binary)" | md5sum | cut -c1-32)
		echo "$rel $txt $bin" >>"$out"
	done
	psql -qAtX -d "$db" -c "SELECT format('%I.%I', schemaname, sequencename) || ' seq ' || coalesce(last_value::text, 'null')
		FROM pg_sequences ORDER BY 1" >>"$out"
}
