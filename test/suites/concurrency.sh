#!/usr/bin/env bash
# Concurrency: pgbench clients insert contacts (and update surveys), query
# the KPI views, rollups and contacts, and run ccr.refresh_kpis(), all at
# once for CCR_CONCURRENCY_SECONDS (default 40).  Passes when no
# transaction failed, no client aborted, the server logged no error or
# deadlock, and after a last refresh every row of ccr.kpi_hourly and
# ccr.kpi_daily equals a plain-SQL recomputation from ccr.contacts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pb=$root/test/hardening/pgbench
work=${CCR_WORK:-/tmp}/concurrency
secs=${CCR_CONCURRENCY_SECONDS:-40}
rm -rf "$work"; mkdir -p "$work"
db=ccr_hard_conc
dropdb --if-exists "$db"; createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION ccr_metrics"
if [ "$(psql -qAtX -d "$db" -c "SELECT to_regprocedure('ccr.refresh_kpis()') IS NOT NULL")" != t ]; then
	echo "concurrency: ccr.refresh_kpis() does not exist yet: skipped"
	dropdb "$db"; exit 0
fi
# a starting volume, refreshed once
psql -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
INSERT INTO ccr.contacts (source, queue, channel, customer, offered_at, answered_at, ended_at, outcome, talk_s, fcr, resolved)
SELECT 'seed', 'q' || g % 4, (ARRAY['voice', 'chat', 'email'])[1 + g % 3], 'c' || g % 500, o,
	CASE WHEN g % 5 > 0 THEN o + interval '1 s' * (g % 61) END,
	o + interval '1 s' * (g % 61) + interval '90 s', CASE WHEN g % 5 > 0 THEN 'answered' ELSE 'abandoned' END,
	CASE WHEN g % 5 > 0 THEN 90 END, g % 3 > 0, g % 4 > 0
FROM generate_series(1, 5000) g, LATERAL (SELECT timestamptz '2026-03-01 00:00+00' + g * interval '4 min' AS o) t;
SELECT count(*) FROM ccr.refresh_kpis();
SQL

log=$CCR_CLUSTER_DIR/server.log
start=$(stat -c %s "$log")
rc=0
pgbench -n -d "$db" -c 6 -j 2 -T "$secs" \
	-f "$pb/insert.sql@6" -f "$pb/query.sql@3" -f "$pb/refresh.sql@1" >"$work/pgbench.out" 2>&1 || rc=$?
tail -c +$((start + 1)) "$log" >"$work/server.log"
grep -E "^(number of|SQL script|latency average|tps)| - [0-9]+ transactions| - number of failed" "$work/pgbench.out" | sed 's/^/  /'
fail=0
[ $rc = 0 ] || { echo "concurrency: pgbench exited $rc"; grep -iE "error|abort" "$work/pgbench.out" | head; fail=1; }
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
errors=$(grep -cE "ERROR|FATAL|PANIC" "$work/server.log" || true)
deadlocks=$(grep -ci "deadlock" "$work/server.log" || true)
echo "concurrency: ${done_tx:-?} transactions in ${secs}s, ${failed:-?} failed, $errors server errors, $deadlocks deadlocks"
[ "${failed:-x}" = 0 ] && [ "$errors" = 0 ] && [ "$deadlocks" = 0 ] || { grep -E "ERROR|DETAIL|STATEMENT" "$work/server.log" | head -20; fail=1; }

# the final numbers equal a recomputation from the contacts
res=$(psql -qAtX -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SELECT count(*) FROM ccr.refresh_kpis() \gset
WITH ref AS (
	SELECT date_trunc('hour', offered_at, 'UTC') AS bucket, queue, channel, count(*) AS contacts,
		count(*) FILTER (WHERE wait_s IS NOT NULL) AS offered,
		count(*) FILTER (WHERE answered AND wait_s IS NOT NULL) AS answered,
		(count(*) FILTER (WHERE answered AND wait_s <= 20))::float8 / nullif(count(*) FILTER (WHERE wait_s IS NOT NULL), 0) AS sl,
		avg(talk_s + coalesce(hold_s, 0) + coalesce(acw_s, 0)) AS aht,
		(count(*) FILTER (WHERE fcr))::float8 / nullif(count(fcr), 0) AS fcr,
		(count(*) FILTER (WHERE csat_score >= csat_scale - 1))::float8 / nullif(count(csat_score), 0) AS csat
	FROM ccr.contacts GROUP BY 1, 2, 3),
cmp AS (
	SELECT r.bucket IS NOT NULL AND k.bucket IS NOT NULL
		AND r.contacts = k.contacts AND r.offered = k.offered AND r.answered = k.answered
		AND (r.sl IS NULL AND k.service_level IS NULL OR abs(r.sl - k.service_level) < 1e-12)
		AND (r.aht IS NULL AND k.aht_s IS NULL OR abs(r.aht - k.aht_s) <= 1e-9 * r.aht)
		AND (r.fcr IS NULL AND k.fcr_rate IS NULL OR abs(r.fcr - k.fcr_rate) < 1e-12)
		AND (r.csat IS NULL AND k.csat IS NULL OR abs(r.csat - k.csat) < 1e-12) AS ok
	FROM ref r FULL JOIN ccr.kpi_hourly k USING (bucket, queue, channel)),
day AS (
	SELECT (SELECT count(*) FROM ccr.contacts) = (SELECT sum(contacts) FROM ccr.kpi_daily) AS ok)
SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT ok) || ' ' || (SELECT ok FROM day) || ' ' || (SELECT count(*) FROM ccr.contacts)
FROM cmp;
SQL
)
read -r rows bad daily_ok contacts <<<"$res"
echo "concurrency: after a last refresh: $rows hourly rows compared with a recomputation from $contacts contacts, $bad differ; daily totals match: $daily_ok"
[ "$bad" = 0 ] && [ "$daily_ok" = true ] || fail=1

# A refresh never waits for autovacuum: a session holding the pending logs
# as autovacuum does (SHARE UPDATE EXCLUSIVE) must not hold a refresh up.
# Waiting, a refresh stalled a deadlock_timeout and then cancelled the
# autovacuum (a server ERROR seen in CI).
psql -qX -d "$db" -c "INSERT INTO ccr.contacts (source, queue, channel, customer, offered_at, outcome)
	VALUES ('lock', 'q0', 'voice', 'c1', '2026-03-02 10:00+00', 'abandoned')"
psql -qX -d "$db" -c "BEGIN; LOCK TABLE ccr.kpi_pending_hours, ccr.kpi_pending_ticket_days IN SHARE UPDATE EXCLUSIVE MODE;
	SELECT pg_sleep(30); COMMIT" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
	held=$(psql -qAtX -d "$db" -c "SELECT count(*) FROM pg_locks
		WHERE relation IN ('ccr.kpi_pending_hours'::regclass, 'ccr.kpi_pending_ticket_days'::regclass)
			AND mode = 'ShareUpdateExclusiveLock' AND granted")
	[ "$held" = 2 ] && break
	sleep 0.1
done
if out=$(psql -qAtX -v ON_ERROR_STOP=1 -d "$db" 2>&1 <<'SQL'
SET lock_timeout = '3s';
SELECT count(*) FROM ccr.refresh_kpis() \gset
SELECT count(*) FROM ccr.kpi_pending_hours;
SELECT count(*) FROM ccr.kpi_hourly WHERE bucket = '2026-03-02 10:00+00' AND queue = 'q0' AND channel = 'voice' AND contacts > 0;
SQL
); then
	echo "concurrency: refresh while the pending logs are held as autovacuum holds them: pending hour keys left, rows of the new hour: $(echo $out)"
	[ "$held" = 2 ] && [ "$(echo $out)" = "0 1" ] || fail=1
else
	echo "concurrency: refresh while the pending logs are held as autovacuum holds them: $out"; fail=1
fi
psql -qX -d "$db" -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'BEGIN; LOCK TABLE ccr.kpi_pending_hours, %'" >/dev/null
wait $holder || true
dropdb "$db"
((fail == 0)) && echo "concurrency: ok" || echo "concurrency: FAILED"
exit $fail
