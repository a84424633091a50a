#!/usr/bin/env bash
# Calls every IMMUTABLE/STABLE function of the extension with combinations
# of ordinary and extreme arguments (test/hardening/callall.sql), each call
# under a 5 s statement timeout.  Fails if the server crashes (any backend
# terminated by a signal) or a call hits an internal error (XX000: an elog
# reached from SQL); lists the calls that timed out.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${CCR_WORK:-/tmp}/callall
rm -rf "$work"; mkdir -p "$work"
db=ccr_hard_callall
dropdb --if-exists "$db"; createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION ccr_metrics"
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -f "$root/test/hardening/callall.sql" | grep '^SELECT' >"$work/calls.sql"
log=$CCR_CLUSTER_DIR/server.log
start=$(stat -c %s "$log")
{
	cat <<'SQL'
SET statement_timeout = '5s';
SET client_min_messages = error;
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN query_canceled THEN
	RETURN 'timeout';
WHEN others THEN
	RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SQL
	cat "$work/calls.sql"
} | psql -qAtX -F ' | ' -d "$db" >"$work/results.txt" 2>"$work/psql.err" || true
tail -c +$((start + 1)) "$log" >"$work/server.log"
calls=$(wc -l <"$work/calls.sql")
done_calls=$(grep -c ' | ' "$work/results.txt" || true)
fns=$(awk -F ' [|] ' '{print $1}' "$work/results.txt" | sort -u | wc -l)
ok=$(grep -c ' | ok$' "$work/results.txt" || true)
timeouts=$(grep -c ' | timeout$' "$work/results.txt" || true)
internal=$(grep -c ' | XX000' "$work/results.txt" || true)
crashes=$(grep -cE "terminated by signal|server process .* was terminated" "$work/server.log" || true)
echo "callall: $done_calls of $calls calls of $fns functions ran: $ok returned, $((done_calls - ok - timeouts - internal)) raised user errors, $timeouts timed out, $internal internal errors, $crashes server crashes"
grep ' | timeout$' "$work/results.txt" | head -10 | sed 's/^/  timeout: /' || true
grep ' | XX000' "$work/results.txt" | head -10 | sed 's/^/  internal: /' || true
dropdb "$db"
fail=0
[ "$done_calls" = "$calls" ] || { echo "callall: the session ended early:"; tail -5 "$work/psql.err"; fail=1; }
[ "$crashes" = 0 ] && [ "$internal" = 0 ] || fail=1
((fail == 0)) && echo "callall: ok" || echo "callall: FAILED"
exit $fail
