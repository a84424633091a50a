#!/usr/bin/env bash
# Upgrade path.  Installs release 0.1.0 with the C library of the commit
# that released it (built from git history), stores summaries of every
# 0.1.0 type in tables and materialized views, then puts the current
# library in place, runs ALTER EXTENSION ccr_metrics UPDATE and checks:
# every stored value reads back identically (text and binary md5 of every
# table and view), every accessor gives the same results, materialized
# views refreshed by the new code hold the same values, binary COPY files
# written by 0.1.0 load into the current release unchanged, and the upgraded extension has
# exactly the objects of a fresh install.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
h=$root/test/hardening
source "$h/lib.sh"
work=${CCR_WORK:-/tmp}/upgrade
rm -rf "$work"; mkdir -p "$work"; chmod 777 "$work"
db=ccr_hard_upgrade; fresh=ccr_hard_fresh
dropdb --if-exists "$db"; dropdb --if-exists "$fresh"
fail=0
check() { if [ "$2" = ok ]; then echo "upgrade: $1: ok"; else echo "upgrade: $1: FAILED"; fail=1; fi; }

# the 0.1.0 C library, from the commit that added the 0.1.0 install script
lib=$CCR_PGBIN/../lib/ccr_metrics.so
cp "$lib" "$work/current.so"
restore_lib() { cp "$work/current.so" "$lib.tmp" && mv -f "$lib.tmp" "$lib"; }
trap restore_lib EXIT
old=$(git -C "$root" log --diff-filter=A --format=%H -- src/sql/0.1.0/00_header.sql 2>/dev/null | tail -1 || true)
if [ -n "$old" ]; then
	mkdir -p "$work/old"
	git -C "$root" archive "$old" | tar -x -C "$work/old"
	make -C "$work/old" -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null 2>&1
	cp "$work/old/ccr_metrics.so" "$lib.tmp" && mv -f "$lib.tmp" "$lib"
	echo "upgrade: values written by the 0.1.0 library of commit ${old:0:10}"
else
	echo "upgrade: no git history here: 0.1.0 values written by the current library"
fi

createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE EXTENSION ccr_metrics VERSION '0.1.0';
CREATE TABLE public.calls AS
SELECT g AS id, 'q' || g % 3 AS queue, (g * 7919 % 600)::float8 / 10 AS wait, g % 5 > 0 AS answered,
	CASE WHEN g % 11 > 0 THEN (g * 31 % 900)::float8 / 3 END AS talk, (g % 60)::float8 AS hold, (g % 45)::float8 AS acw,
	g % 4 > 0 AS fcr, CASE WHEN g % 3 = 0 THEN 1 + g % 5 END AS csat, CASE WHEN g % 2 = 0 THEN g % 11 END AS nps
FROM generate_series(1, 5000) g;
CREATE MATERIALIZED VIEW public.calls_kpi AS
SELECT queue, ccr.sl_agg(wait, answered, 20) AS sl, ccr.sl_agg(wait, answered, 20, 5) AS sl5,
	ccr.aht_agg(talk, hold, acw) AS aht, ccr.rate_agg(fcr) AS fcr, ccr.csat_agg(csat, 5) AS csat, ccr.nps_agg(nps) AS nps,
	ccr.service_level(wait, answered, 20) AS service_level, ccr.aht(talk, hold, acw) AS aht_s
FROM public.calls GROUP BY queue;
SQL
psql -qX -v ON_ERROR_STOP=1 -d "$db" -f "$h/populate.sql" >/dev/null
hardening_checksums "$db" "$work/before.txt"
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$h/accessors.sql" >"$work/acc_before.txt"
for t in $(psql -qAtX -d "$db" -c "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname LIKE 'stored\_%' ORDER BY 1"); do
	psql -qX -d "$db" -c "\\copy (SELECT id, v FROM public.$t ORDER BY id) TO '$work/$t.bin' (FORMAT binary)"
done
echo "upgrade: 0.1.0 state: $(grep -c . "$work/before.txt") relations and sequences, $(grep -c . "$work/acc_before.txt") accessor results"

restore_lib
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "ALTER EXTENSION ccr_metrics UPDATE"
v=$(psql -qAtX -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'ccr_metrics'")
want=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/ccr_metrics.control")
check "ALTER EXTENSION UPDATE reached $v" "$([ "$v" = "$want" ] && echo ok)"

hardening_checksums "$db" "$work/after_all.txt"
grep -F -f <(awk '{print $1 " "}' "$work/before.txt") "$work/after_all.txt" >"$work/after.txt" || true
check "stored values and views read back identically (text and binary)" \
	"$(diff "$work/before.txt" "$work/after.txt" >&2 && echo ok)"
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$h/accessors.sql" >"$work/acc_after.txt"
check "every accessor of every stored summary gives the same result" \
	"$(diff "$work/acc_before.txt" "$work/acc_after.txt" >&2 && echo ok)"

for mv in $(psql -qAtX -d "$db" -c "SELECT format('%I.%I', schemaname, matviewname) FROM pg_matviews WHERE schemaname = 'public' ORDER BY 1"); do
	psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "REFRESH MATERIALIZED VIEW $mv"
done
hardening_checksums "$db" "$work/after_refresh_all.txt"
grep -F -f <(awk '{print $1 " "}' "$work/before.txt") "$work/after_refresh_all.txt" >"$work/after_refresh.txt" || true
check "materialized views recomputed by the new library hold the same values" \
	"$(diff "$work/before.txt" "$work/after_refresh.txt" >&2 && echo ok)"

bad=0 n=0
for f in "$work"/stored_*.bin; do
	t=$(basename "$f" .bin); n=$((n + 1))
	typ=$(psql -qAtX -d "$db" -c "SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'public.$t'::regclass AND attname = 'v'")
	same=$(psql -qAtX -v ON_ERROR_STOP=1 -d "$db" \
		-c "CREATE TEMP TABLE re (id int, v $typ)" \
		-c "\\copy re FROM '$f' (FORMAT binary)" \
		-c "SELECT count(*) = (SELECT count(*) FROM public.$t) AND bool_and(re.v::text = s.v::text) FROM re JOIN public.$t s USING (id)")
	[ "$same" = t ] || { echo "  $t: binary values of 0.1.0 differ after loading into 0.2.0" >&2; bad=1; }
done
check "binary COPY files of $n summary tables written under 0.1.0 load unchanged" "$([ $bad = 0 ] && echo ok)"

createdb "$fresh"
psql -qX -v ON_ERROR_STOP=1 -d "$fresh" -c "CREATE EXTENSION ccr_metrics"
psql -qAtX -v ON_ERROR_STOP=1 -d "$fresh" -f "$h/objects.sql" >"$work/objects_fresh.txt"
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$h/objects.sql" >"$work/objects_upgraded.txt"
check "fresh $want install and upgraded 0.1.0 have the same $(grep -c '^object' "$work/objects_fresh.txt") objects (definitions, comments, config tables)" \
	"$(diff "$work/objects_fresh.txt" "$work/objects_upgraded.txt" >&2 && echo ok)"

dropdb "$db"; dropdb "$fresh"
((fail == 0)) && echo "upgrade: ok" || echo "upgrade: FAILED"
exit $fail
