#!/usr/bin/env bash
# The continuous KPI layer under concurrent load, with pgbench: clients insert
# contacts (some backfilled into old days, most of them repeat callers),
# move contacts between hours, queues and customers, delete some, read the
# KPI views (hourly, daily and monthly totals in one statement must agree:
# readers never see a half-refreshed state) and refresh, for
# CCR_PGBENCH_SECONDS (default 120).  Then: no client failed, every contact
# inserted is there, and after one more refresh every rollup row equals
# ccr.rebuild_kpis() bit for bit and the real-time views equal the live ones.
set -euo pipefail
db=ccr_kpi_pgbench
root=$(cd "$(dirname "$0")/../.." && pwd)
w=$CCR_WORK/kpi_pgbench; mkdir -p "$w"
secs=${CCR_PGBENCH_SECONDS:-120}
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null || true' EXIT
q() { psql -qAtX -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q -c "CREATE EXTENSION ccr_metrics" -c "SELECT ccr.set_timezone('Europe/Paris')" -c "SELECT ccr.set_kpi_fcr_window('2 days')" >/dev/null
q -v n=20000 -v days=28 -v seed=0.61 -v customers=3000 -v tz=Europe/Paris -f "$root/test/data/generate_contacts.sql" >/dev/null
q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
start=$(q -c "SELECT count(*) FROM ccr.contacts")

cat >"$w/insert.sql" <<'SQL'
\set s random(0, 28 * 86400 - 600)
\set c random(1, 3000)
\set a random(1, 30)
\set w random(0, 180)
INSERT INTO ccr.contacts (source, queue, channel, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s, csat_score, csat_scale)
SELECT 'pgbench', (ARRAY['support', 'sales', 'billing', 'tech'])[1 + :c % 4], CASE WHEN :c % 5 = 0 THEN 'chat' ELSE 'voice' END,
	   CASE WHEN :w < 150 THEN 'agent' || lpad(:a::text, 3, '0') END, 'C' || lpad(:c::text, 6, '0'),
	   t, CASE WHEN :w < 150 THEN t + :w * interval '1 s' END, t + (:w + 200) * interval '1 s',
	   CASE WHEN :w < 150 THEN 'answered' ELSE 'abandoned' END, CASE WHEN :w < 150 THEN 200 + :w END,
	   CASE WHEN :w % 4 = 0 AND :w < 150 THEN 1 + :w % 5 END, 5
FROM (SELECT (timestamptz '2026-01-05 00:00+01' + :s * interval '1 s') AS t) x;
SQL
cat >"$w/move.sql" <<'SQL'
\set id random(1, 20000)
\set h random(-30, 30)
\set c random(1, 3000)
UPDATE ccr.contacts SET offered_at = offered_at + :h * interval '1 hour', answered_at = answered_at + :h * interval '1 hour',
	   ended_at = ended_at + :h * interval '1 hour', queue = (ARRAY['support', 'sales', 'billing', 'tech'])[1 + :c % 4],
	   customer = CASE WHEN :c % 3 = 0 THEN 'C' || lpad(:c::text, 6, '0') ELSE customer END
WHERE contact_id = :id;
SQL
cat >"$w/delete.sql" <<'SQL'
\set id random(1, 20000)
DELETE FROM ccr.contacts WHERE contact_id = :id AND source <> 'pgbench';
SQL
cat >"$w/read.sql" <<'SQL'
-- one statement, one snapshot: the three grains must agree (1/0 otherwise)
SELECT 1 / (h = d AND d = m)::int
FROM (SELECT (SELECT coalesce(sum(contacts), 0) FROM ccr.kpi_hourly) AS h, (SELECT coalesce(sum(contacts), 0) FROM ccr.kpi_daily) AS d,
			 (SELECT coalesce(sum(contacts), 0) FROM ccr.kpi_monthly) AS m) s;
SELECT count(*) FROM ccr.kpi_hourly WHERE bucket >= timestamptz '2026-01-20 00:00+01' AND bucket < timestamptz '2026-01-21 00:00+01';
SQL
cat >"$w/refresh.sql" <<'SQL'
SELECT count(*) FROM ccr.refresh_kpis();
SQL

echo "kpi_pgbench: $start contacts, $secs s of 4 clients: insert 10, move 3, delete 1, read 4, refresh 1 (load $(cut -d' ' -f1-3 /proc/loadavg))"
rc=0
pgbench -n -c 4 -j 2 -T "$secs" -P 30 -d "$db" \
	-f "$w/insert.sql@10" -f "$w/move.sql@3" -f "$w/delete.sql@1" -f "$w/read.sql@4" -f "$w/refresh.sql@1" \
	>"$w/pgbench.out" 2>&1 || rc=$?
grep -E 'number of (transactions actually processed|failed)|aborted|SQL script|- [0-9]+ transactions|tps' "$w/pgbench.out" | sed 's/^/  /'
fail=0
check() { if [ "$2" = ok ]; then echo "kpi_pgbench: $1: ok"; else echo "kpi_pgbench: $1: FAILED"; fail=1; fi; }
check "pgbench exit 0, no client aborted, no failed transaction" \
	"$([ $rc = 0 ] && ! grep -q 'aborted' "$w/pgbench.out" && ! grep -Eq 'number of failed transactions: [1-9]' "$w/pgbench.out" && echo ok)"
inserted=$(awk '/SQL script 1:/ {s=1} s && /- [0-9]+ transactions/ {print $2; exit}' "$w/pgbench.out")
have=$(q -c "SELECT count(*) FROM ccr.contacts WHERE source = 'pgbench'")
check "every inserted contact is there ($have of $inserted)" "$([ "$have" = "$inserted" ] && echo ok)"

q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
q -c "CREATE TABLE stored AS SELECT 'h' AS r, x::text AS t FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
	UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x
	UNION ALL SELECT 'q', x::text FROM ccr.quality_agent_daily_rollup x"
check "after a refresh the rollups hold every contact" \
	"$([ "$(q -c "SELECT sum(contacts) FROM ccr.kpi_hourly_rollup")" = "$(q -c "SELECT count(*) FROM ccr.contacts")" ] && echo ok)"
check "the real-time views equal the live views" "$([ "$(q -c "SELECT
	(SELECT count(*) FROM ((TABLE ccr.kpi_hourly EXCEPT ALL TABLE ccr.kpi_hourly_live) UNION ALL (TABLE ccr.kpi_hourly_live EXCEPT ALL TABLE ccr.kpi_hourly)) a)
  + (SELECT count(*) FROM ((TABLE ccr.kpi_daily EXCEPT ALL TABLE ccr.kpi_daily_live) UNION ALL (TABLE ccr.kpi_daily_live EXCEPT ALL TABLE ccr.kpi_daily)) b)
  + (SELECT count(*) FROM ((TABLE ccr.kpi_monthly EXCEPT ALL TABLE ccr.kpi_monthly_live) UNION ALL (TABLE ccr.kpi_monthly_live EXCEPT ALL TABLE ccr.kpi_monthly)) c)
  + (SELECT count(*) FROM ((TABLE ccr.kpi_agent_daily EXCEPT ALL TABLE ccr.kpi_agent_daily_live) UNION ALL (TABLE ccr.kpi_agent_daily_live EXCEPT ALL TABLE ccr.kpi_agent_daily)) d)")" = 0 ] && echo ok)"
q -c "SELECT count(*) FROM ccr.rebuild_kpis()" >/dev/null
check "every rollup row equals ccr.rebuild_kpis() bit for bit ($(q -c "SELECT count(*) FROM stored") rows)" "$([ "$(q -c "SELECT count(*) FROM (
	(SELECT r, t FROM stored EXCEPT ALL (SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x
		UNION ALL SELECT 'q', x::text FROM ccr.quality_agent_daily_rollup x))
	UNION ALL
	((SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x
		UNION ALL SELECT 'q', x::text FROM ccr.quality_agent_daily_rollup x) EXCEPT ALL SELECT r, t FROM stored)) z")" = 0 ] && echo ok)"
((fail == 0)) && echo "kpi_pgbench: ok" || echo "kpi_pgbench: FAILED"
exit $fail
