#!/usr/bin/env bash
# The Grafana dashboards of dashboards/grafana/: every panel's SQL, with
# Grafana's macros and the queue variable substituted, runs against a loaded
# database and returns rows of the types its panel type needs
# (test/grafana/check_panels.py).  Then a deliberately broken copy must be
# reported, panel by panel, so the check can fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${CCR_WORK:-$(mktemp -d)}/grafana_dashboards
rm -rf "$work"; mkdir -p "$work"
db=grafana_dashboards
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
psql -qX -d postgres -c "CREATE DATABASE $db"
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
psql -qX -d $db -v ON_ERROR_STOP=1 -f "$root/test/grafana/load.sql" >/dev/null

fail=0
check() { # name, status
	if [ "$2" = 0 ]; then echo "grafana_dashboards: $1: ok"; else echo "grafana_dashboards: $1: FAILED"; fail=1; fi
}

st=0
python3 "$root/test/grafana/check_panels.py" --db $db "$root/dashboards/grafana/wallboard.json" \
	"$root/dashboards/grafana/report.json" > "$work/good.out" || st=$?
cat "$work/good.out"
check "every panel of wallboard.json and report.json runs and returns its types" $st

# the same as a read-only role with only the grants docs/wallboard.md gives
# (no table: the wallboard functions and callbacks_due run with their owner's
# rights)
role=ccr_grafana_ro
psql -qX -d postgres -c "DROP ROLE IF EXISTS $role" 2>/dev/null
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; psql -qX -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true' EXIT
psql -qX -d $db -v ON_ERROR_STOP=1 -v role=$role -v db=$db <<'SQL'
CREATE ROLE :role LOGIN;
GRANT CONNECT ON DATABASE :db TO :role;
GRANT USAGE ON SCHEMA ccr TO :role;
GRANT SELECT ON ccr.wallboard_queues, ccr.wallboard_calls, ccr.wallboard_agents TO :role;
GRANT EXECUTE ON FUNCTION ccr.wallboard_queues_at(timestamptz), ccr.wallboard_agents_at(timestamptz),
	ccr.wallboard_calls_at(timestamptz) TO :role;
GRANT SELECT ON ccr.kpi_hourly, ccr.kpi_daily, ccr.disconnections_daily, ccr.wait_distribution_daily TO :role;
GRANT EXECUTE ON FUNCTION ccr.callbacks_due(timestamptz, interval) TO :role;
SQL
st=0
PGUSER=$role python3 "$root/test/grafana/check_panels.py" --db $db "$root/dashboards/grafana/wallboard.json" \
	"$root/dashboards/grafana/report.json" > "$work/ro.out" || st=$?
grep FAILED "$work/ro.out" || true
check "the same as a role with the documented read-only grants" $st
# ... which has no right on the tables
st=0
out=$(psql -qAtX -U $role -d $db -c "SELECT count(*) FROM ccr.contacts" 2>&1) && st=1
[[ $out == *"permission denied"* ]] || st=1
check "that role cannot read ccr.contacts ($out)" $st

# the wallboard refreshes every 5 to 10 s
st=0
python3 - "$root/dashboards/grafana/wallboard.json" <<'PY' || st=$?
import json, sys
r = json.load(open(sys.argv[1]))["refresh"]
sys.exit(0 if r in ("5s", "6s", "7s", "8s", "9s", "10s") else 1)
PY
check "wallboard refresh between 5 and 10 s" $st

# negative self-test: one defect per kind, each must be reported
python3 - "$root/dashboards/grafana" "$work" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]
w = json.load(open(src + "/wallboard.json"))
r = json.load(open(src + "/report.json"))
def panel(d, title):
    return next(p for p in d["panels"] if p["title"] == title)
t = panel(r, "Service level and abandon rate per day")["targets"][0]
t["rawSql"] = t["rawSql"].replace('bucket AS "time"', 'bucket AS "t"')
t = panel(r, "Volume by hour of day")["targets"][0]
t["rawSql"] = t["rawSql"].replace("'HH24') AS hour", "'HH24')::int AS hour")
t = panel(w, "Calls waiting")["targets"][0]
t["rawSql"] = t["rawSql"].replace("calls_waiting", "calls_wating")
t = panel(w, "Agents")["targets"][0]
t["rawSql"] = t["rawSql"].replace("FROM ccr.wallboard_agents", "FROM ccr.wallboard_agents WHERE false")
panel(w, "Queues")["datasource"] = {"type": "grafana-postgresql-datasource", "uid": "P1234"}
t = panel(w, "Longest wait")["targets"][0]
t["rawSql"] = t["rawSql"].replace("coalesce(max(longest_wait_s), 0)", "'x'::text")
json.dump(w, open(out + "/wallboard.json", "w"))
json.dump(r, open(out + "/report.json", "w"))
PY
st=0
python3 "$root/test/grafana/check_panels.py" --db $db "$work/wallboard.json" "$work/report.json" > "$work/bad.out" || st=$?
grep FAILED "$work/bad.out" | sed 's/^/  expected: /'
s=0; [ $st = 1 ] || s=1; check "a broken copy makes the check exit 1 ($st)" $s
for p in "Service level and abandon rate per day" "Volume by hour of day" "Calls waiting" "Agents" "Queues" "Longest wait"; do
	s=0; grep -q "panel '$p' .*FAILED" "$work/bad.out" || s=1; check "broken panel '$p' reported" $s
done
n=$(grep -c "FAILED" "$work/bad.out" || true)
s=0; [ "$n" = 6 ] || s=1; check "only the 6 broken panels reported ($n)" $s
((fail == 0)) || { cat "$work/bad.out"; exit 1; }
echo "grafana_dashboards: all checks passed"
