#!/usr/bin/env bash
# ccr.refresh_kpis() while other sessions insert contacts and read the KPI
# views: readers and writers run with lock_timeout = 200ms, so a refresh that
# blocked them (a non-concurrent REFRESH takes an ACCESS EXCLUSIVE lock) makes
# them fail; every read compares hourly, daily and monthly totals in one
# statement, which must agree because a refresh is one transaction.  At the
# end, one more refresh and the views must equal the live views exactly.
set -euo pipefail
db=ccr_model_conc
root=$(cd "$(dirname "$0")/../.." && pwd)
w=$CCR_WORK/model_conc; mkdir -p "$w"
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null || true' EXIT
q() { psql -qAtX -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q -c "CREATE EXTENSION ccr_metrics"
q -v n=15000 -v days=14 -v seed=0.5 -f "$root/test/data/generate_contacts.sql"
q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null

# Writer: 40 small transactions of 25 contacts each.
{
	echo "SET lock_timeout = '200ms';"
	for i in $(seq 1 40); do
		echo "INSERT INTO ccr.contacts (source, source_id, queue, channel, agent, offered_at, answered_at, ended_at, outcome, talk_s)
SELECT 'conc', '$i-' || g, 'q' || g % 3, 'voice', 'agent00' || g % 5, t, t + interval '9 s', t + interval '4 min', 'answered', 220
FROM generate_series(1, 25) g, LATERAL (SELECT timestamptz '2026-01-10 09:00+00' + ($i * 25 + g) * interval '13 s' AS t) x;"
		echo "SELECT pg_sleep(0.05);"
	done
} >"$w/writer.sql"
# Reader: 150 reads, each one statement (one snapshot) over three rollups.
{
	echo "SET lock_timeout = '200ms';"
	for i in $(seq 1 150); do
		echo "SELECT CASE WHEN h = d AND d = m THEN 'consistent' ELSE 'INCONSISTENT ' || h || ' ' || d || ' ' || m END
FROM (SELECT (SELECT sum(contacts) FROM ccr.kpi_hourly) AS h, (SELECT sum(contacts) FROM ccr.kpi_daily) AS d,
			 (SELECT sum(contacts) FROM ccr.kpi_monthly) AS m) s;"
		echo "SELECT pg_sleep(0.02);"
	done
} >"$w/reader.sql"
# Refresher: 6 refreshes back to back.
for i in 1 2 3 4 5 6; do echo "SELECT string_agg(concurrent::text, ',') FROM ccr.refresh_kpis();"; done >"$w/refresher.sql"

psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$w/writer.sql" >"$w/writer.out" 2>&1 & pw=$!
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$w/reader.sql" >"$w/reader.out" 2>&1 & pr=$!
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$w/reader.sql" >"$w/reader2.out" 2>&1 & pr2=$!
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$w/refresher.sql" >"$w/refresher.out" 2>&1 & pf=$!
fail=0
for p in $pw $pr $pr2 $pf; do wait "$p" || fail=1; done
((fail == 0)) || { echo "FAIL: a session failed"; tail -3 "$w"/*.out; }

reads=$(cat "$w/reader.out" "$w/reader2.out" | grep -c '^consistent$' || true)
bad=$(cat "$w/reader.out" "$w/reader2.out" | grep -c 'INCONSISTENT' || true)
refreshes=$(grep -c '^true' "$w/refresher.out" || true)
plain=$(grep -c 'false' "$w/refresher.out" || true)
echo "reads: $reads consistent, $bad inconsistent (want 300, 0)"
echo "refreshes while writing and reading: $refreshes, all rollups concurrently: $([ "$plain" = 0 ] && echo yes || echo NO)"
[ "$reads" = 300 ] && [ "$bad" = 0 ] && [ "$refreshes" = 6 ] && [ "$plain" = 0 ] || fail=1
echo "writes: $(q -c "SELECT count(*) FROM ccr.contacts WHERE source = 'conc'") contacts from the writer (want 1000)"
[ "$(q -c "SELECT count(*) FROM ccr.contacts WHERE source = 'conc'")" = 1000 ] || fail=1

q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
diffs=$(q -c "SELECT (SELECT count(*) FROM (TABLE ccr.kpi_daily EXCEPT TABLE ccr.kpi_daily_live) a)
				   + (SELECT count(*) FROM (TABLE ccr.kpi_daily_live EXCEPT TABLE ccr.kpi_daily) b)
				   + (SELECT count(*) FROM (TABLE ccr.kpi_hourly EXCEPT TABLE ccr.kpi_hourly_live) c)
				   + (SELECT count(*) FROM (TABLE ccr.kpi_agent_daily_live EXCEPT TABLE ccr.kpi_agent_daily) d)")
echo "after a final refresh, rows differing between materialized and live views: $diffs (want 0)"
[ "$diffs" = 0 ] || fail=1
exit $fail
