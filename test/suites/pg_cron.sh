#!/usr/bin/env bash
# The "Schedule refreshes" recipe with the real pg_cron (preloaded by the test
# cluster, cron.database_name = postgres): a job runs ccr.refresh_kpis() every
# minute in another database; we wait for runs to succeed in
# cron.job_run_details and check the KPI views picked up new contacts.
set -euo pipefail
db=ccr_cron_test
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi; }
q() { psql -qAtX -v ON_ERROR_STOP=1 "$@"; }

dropdb --if-exists "$db"
createdb "$db"
had_cron=$(q -d postgres -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'")
q -d postgres -c "CREATE EXTENSION IF NOT EXISTS pg_cron"
cleanup() {
	q -d postgres -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'ccr-refresh-kpis-test'" >/dev/null 2>&1 || true
	[ "$had_cron" = 1 ] || q -d postgres -c "DROP EXTENSION IF EXISTS pg_cron" >/dev/null 2>&1 || true
	dropdb --if-exists "$db" 2>/dev/null || true
}
trap cleanup EXIT

q -d "$db" -c "CREATE EXTENSION ccr_metrics"
q -d "$db" -v n=2000 -v days=7 -v seed=0.11 -f "$root/test/data/generate_contacts.sql"
check "before any refresh: nothing stored yet" "$(q -d "$db" -c "SELECT count(*) FROM ccr.kpi_daily_rollup")" 0
check "before any refresh: the views show every contact (real time)" \
	"$(q -d "$db" -c "SELECT sum(contacts) = (SELECT count(*) FROM ccr.contacts) FROM ccr.kpi_daily")" t

# The recipe (docs/scheduling.md), every minute for the test.
jobid=$(q -d postgres -c "SELECT cron.schedule_in_database('ccr-refresh-kpis-test', '* * * * *', 'SELECT ccr.refresh_kpis()', '$db')")
echo "scheduled job $jobid"

# Waits (up to $2 seconds) for a successful run that started after $1.
wait_run() {
	local since=$1 limit=$2 t=0 n
	while ((t < limit)); do
		n=$(q -d postgres -c "SELECT count(*) FROM cron.job_run_details WHERE jobid = $jobid AND status = 'succeeded' AND start_time > '$since'")
		((n > 0)) && return 0
		bad=$(q -d postgres -c "SELECT string_agg(return_message, '; ') FROM cron.job_run_details WHERE jobid = $jobid AND status = 'failed'")
		[ -z "$bad" ] || { echo "FAIL: cron run failed: $bad"; return 1; }
		sleep 1; t=$((t + 1))
	done
	echo "FAIL: no successful run within ${limit}s"; q -d postgres -c "SELECT status, return_message FROM cron.job_run_details WHERE jobid = $jobid"
	return 1
}

t0=$(q -d postgres -c "SELECT now()")
wait_run "$t0" 75 || fail=1
check "scheduled run: kpi_daily offered = contacts with a wait" \
	"$(q -d "$db" -c "SELECT sum(offered) = (SELECT count(wait_s) FROM ccr.contacts) FROM ccr.kpi_daily")" t
check "scheduled run: every rollup populated, hourly and monthly agree" \
	"$(q -d "$db" -c "SELECT (SELECT sum(contacts) FROM ccr.kpi_hourly) = (SELECT sum(contacts) FROM ccr.kpi_monthly) AND (SELECT sum(contacts) FROM ccr.kpi_monthly) = (SELECT count(*) FROM ccr.contacts)")" t
check "scheduled run: the stored rollups hold every contact, nothing pending" \
	"$(q -d "$db" -c "SELECT (SELECT sum(contacts) FROM ccr.kpi_monthly_rollup) = (SELECT count(*) FROM ccr.contacts) AND (SELECT sum(pending_keys) FROM ccr.kpi_refresh_status) = 0")" t

echo "run details: $(q -d postgres -c "SELECT count(*) || ' runs, ' || count(*) FILTER (WHERE status = 'succeeded') || ' succeeded, last: ' || max(return_message) FROM cron.job_run_details WHERE jobid = $jobid")"
exit $fail
