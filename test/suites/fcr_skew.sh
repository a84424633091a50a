#!/usr/bin/env bash
# Repeat-contact FCR at the sizes the issue names, against the spec's
# window-function reference (as counts, so the check is exact):
#  - one customer with 1,100,000 contacts (more than the 1,048,576 a
#    partition may hold for the scratch path: the in-place path runs), with
#    ties and gaps equal to the window;
#  - 300,000 customers with one contact each;
# serially and with a forced parallel plan.
set -euo pipefail
fail=0
q() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
check() { # name expected actual
	if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}
q "CREATE EXTENSION IF NOT EXISTS ccr_metrics"
q "DROP SCHEMA IF EXISTS fcr_skew CASCADE; CREATE SCHEMA fcr_skew"
q "SELECT setseed(0.31);
   CREATE TABLE fcr_skew.one AS
   SELECT 77::bigint AS cust, timestamptz '2026-01-01 00:00+00' + floor(random() * 2000000) * interval '1 minute' AS at
   FROM generate_series(1, 1100000);
   CREATE TABLE fcr_skew.singles AS
   SELECT g::bigint AS cust, timestamptz '2026-01-01 00:00+00' + floor(random() * 100000) * interval '1 minute' AS at
   FROM generate_series(1, 300000) g;
   ANALYZE fcr_skew.one; ANALYZE fcr_skew.singles"
# reference counts: first contacts, resolved first contacts
ref() { # table window
	q "SELECT count(*) FILTER (WHERE prv IS NULL OR at - prv > interval '$2') || '/' ||
	          count(*) FILTER (WHERE (prv IS NULL OR at - prv > interval '$2') AND (nxt IS NULL OR nxt - at > interval '$2'))
	   FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt FROM $1 WINDOW c AS (PARTITION BY cust ORDER BY at)) s"
}
ours() { # table window settings
	q "$3 SELECT ccr.first_contacts(s) || '/' || ccr.resolved_first_contacts(s) FROM (SELECT ccr.fcr_agg(cust, at, '$2') s FROM $1) x"
}
serial="SET max_parallel_workers_per_gather = 0;"
parallel="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;"
for w in '0' '2 minutes'; do
	r=$(ref fcr_skew.one "$w")
	check "one customer, 1.1M contacts, window '$w', serial ($r)" "$r" "$(ours fcr_skew.one "$w" "$serial")"
	check "one customer, 1.1M contacts, window '$w', parallel" "$r" "$(ours fcr_skew.one "$w" "$parallel")"
done
check "300k customers with one contact each: all first and resolved" "300000/300000" "$(ours fcr_skew.singles '30 days' "$serial")"
check "... in parallel" "300000/300000" "$(ours fcr_skew.singles '30 days' "$parallel")"
check "text keys, 1.1M contacts of one customer" "$(ours fcr_skew.one '2 minutes' "$serial")" \
	"$(q "$serial SELECT ccr.first_contacts(s) || '/' || ccr.resolved_first_contacts(s) FROM (SELECT ccr.fcr_agg('cust-' || cust, at, '2 minutes') s FROM fcr_skew.one) x")"
q "DROP SCHEMA fcr_skew CASCADE"
exit $fail
