#!/usr/bin/env bash
# The KPI layer through ALTER EXTENSION UPDATE from 0.2.0 to 0.3.0.  A 0.2.0
# database with a month of contacts in America/New_York, QA evaluations,
# refreshed materialized rollups, grants on the BI views and on a rollup, a
# user's view over a BI view, tickets with a status history and contacts
# pointing at them, a grant on the ticket rollup, and contacts and a ticket
# added after the last 0.2.0 refresh.  After the update: every KPI view reads the stored rows exactly
# as 0.2.0 did (its 0.2.0 columns), grants and the user's view survive, the
# materialized views are gone, a rebuild is due and the first refresh does
# it; then every KPI view equals a fresh 0.3.0 install loaded with the same
# contacts, and a new contact shows at once (real time) and after a refresh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=kpi_upgrade fresh=kpi_upgrade_fresh
for d in $db $fresh; do psql -qX -d postgres -c "DROP DATABASE IF EXISTS $d" 2>/dev/null; done
psql -qX -d postgres -c "DROP ROLE IF EXISTS kpi_upgrade_bi" -c "CREATE ROLE kpi_upgrade_bi NOLOGIN"
trap 'for d in $db $fresh; do psql -qX -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done; psql -qX -d postgres -c "DROP ROLE IF EXISTS kpi_upgrade_bi" >/dev/null 2>&1 || true' EXIT
psql -qX -d postgres -c "CREATE DATABASE $db" -c "CREATE DATABASE $fresh"

# contacts of both databases: generated into the fresh 0.3.0 one (the
# generator writes 0.3.0 columns), copied into the 0.2.0 one in id order
cols="source, source_id, channel, queue, agent, customer, reason, offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s, transferred, resolved, fcr, csat_score, csat_scale, nps_score, ces_score"
copy_contacts() {
	psql -qX -d "$fresh" -v ON_ERROR_STOP=1 -c "COPY (SELECT $cols FROM ccr.contacts WHERE source = '$1' ORDER BY contact_id) TO STDOUT" |
		psql -qX -d "$db" -v ON_ERROR_STOP=1 -c "COPY ccr.contacts ($cols) FROM STDIN"
}
load_contacts() {
	psql -qX -d "$1" -v ON_ERROR_STOP=1 -v n=6000 -v days=31 -v start=2026-02-16 -v tz=America/New_York \
		-v seed=0.31 -v source=up -f "$root/test/data/generate_contacts.sql" >/dev/null
}
late_contacts() {
	psql -qX -d "$1" -v ON_ERROR_STOP=1 -v n=300 -v days=2 -v start=2026-03-18 -v tz=America/New_York \
		-v seed=0.32 -v source=late -f "$root/test/data/generate_contacts.sql" >/dev/null
}
qa() {
	psql -qX -d "$1" -v ON_ERROR_STOP=1 -c "
		INSERT INTO ccr.qa_evaluations (source, source_id, contact_id, agent, evaluated_at, earned, possible, auto_fail)
		SELECT 'up', c.contact_id::text, c.contact_id, c.agent, c.offered_at + interval '1 day', 60 + c.contact_id % 40, 100, c.contact_id % 29 = 0
		FROM ccr.contacts c WHERE c.source = 'up' AND c.agent IS NOT NULL AND c.contact_id % 9 = 0" >/dev/null
}

# the same tickets, history and contact links in both databases
tickets() {
	psql -qX -d "$1" -v ON_ERROR_STOP=1 -c "
		INSERT INTO ccr.tickets (ticket_id, channel, queue, status, created_at, first_reply_at, first_solved_at, solved_at, reopens, agent_replies)
		SELECT 'up' || g, (ARRAY['email', 'chat', NULL])[1 + g % 3], (ARRAY['support', 'billing'])[1 + g % 2],
			   CASE WHEN g % 5 = 0 THEN 'open' ELSE 'solved' END, c, c + (g % 7) * interval '1 hour',
			   CASE WHEN g % 5 <> 0 THEN c + (1 + g % 4) * interval '1 day' END, CASE WHEN g % 5 <> 0 THEN c + (1 + g % 4) * interval '1 day' END,
			   (g % 9 = 0)::int, g % 4
		FROM generate_series(1, 400) g, LATERAL (SELECT timestamptz '2026-02-16 09:00-05' + g * interval '111 minutes' AS c) x" \
		-c "INSERT INTO ccr.ticket_status_history SELECT ticket_id, created_at, 'new' FROM ccr.tickets WHERE ticket_id LIKE 'up%'" \
		-c "UPDATE ccr.contacts SET ticket_id = 'up' || (1 + source_id::int % 400) WHERE source = 'up' AND source_id::int % 7 = 0" >/dev/null
}
late_ticket() {
	psql -qX -d "$1" -v ON_ERROR_STOP=1 -c "INSERT INTO ccr.tickets (ticket_id, channel, queue, status, created_at, first_reply_at, agent_replies)
		VALUES ('late1', 'email', 'support', 'open', '2026-03-18 10:00-04', '2026-03-18 11:00-04', 1)" >/dev/null
}

# The KPI views as text, 0.2.0 columns only, in a fixed order.
dump_views() {
	psql -qAtX -d "$1" -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'kpi_hourly', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM (SELECT bucket, queue, channel, offered, answered, abandoned, service_level, abandon_rate, asa_s, aht_s, fcr_rate, resolution_rate, csat, nps, contacts, short_abandons, handled, csat_responses, nps_responses FROM ccr.kpi_hourly) x
UNION ALL SELECT 'kpi_daily', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM (SELECT bucket, day, queue, channel, offered, answered, abandoned, service_level, abandon_rate, asa_s, aht_s, fcr_rate, resolution_rate, csat, nps, contacts, short_abandons, handled, csat_responses, nps_responses FROM ccr.kpi_daily) x
UNION ALL SELECT 'kpi_monthly', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM (SELECT bucket, month, queue, channel, offered, answered, abandoned, service_level, abandon_rate, asa_s, aht_s, fcr_rate, resolution_rate, csat, nps, contacts, short_abandons, handled, csat_responses, nps_responses FROM ccr.kpi_monthly) x
UNION ALL SELECT 'kpi_agent_daily', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM (SELECT bucket, day, agent, offered, answered, abandoned, service_level, abandon_rate, asa_s, aht_s, fcr_rate, resolution_rate, csat, nps, contacts, short_abandons, handled, csat_responses, nps_responses, occupancy, csat_pct, ces, ces_responses, qa_score, qa_evaluations, qa_auto_fail_rate, survey_response_rate FROM ccr.kpi_agent_daily) x
UNION ALL SELECT 'staffing_hourly', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM ccr.staffing_hourly x
UNION ALL SELECT 'channel_mix_daily', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM ccr.channel_mix_daily x
UNION ALL SELECT 'ticket_kpi_daily', md5(string_agg(x::text, E'\n' ORDER BY x::text)), count(*) FROM ccr.ticket_kpi_daily x;
SQL
}
# Every column of the KPI views, 0.3.0 ones included.
dump_all() {
	psql -qAtX -d "$1" -v ON_ERROR_STOP=1 <<'SQL'
SELECT v, md5(string_agg(t, E'\n' ORDER BY t)), count(*) FROM (
	SELECT 'kpi_hourly' AS v, x::text AS t FROM ccr.kpi_hourly x UNION ALL
	SELECT 'kpi_daily', x::text FROM ccr.kpi_daily x UNION ALL
	SELECT 'kpi_monthly', x::text FROM ccr.kpi_monthly x UNION ALL
	SELECT 'kpi_agent_daily', x::text FROM ccr.kpi_agent_daily x UNION ALL
	SELECT 'kpi_hourly_live', x::text FROM ccr.kpi_hourly_live x UNION ALL
	SELECT 'kpi_daily_live', x::text FROM ccr.kpi_daily_live x UNION ALL
	SELECT 'kpi_agent_daily_live', x::text FROM ccr.kpi_agent_daily_live x UNION ALL
	SELECT 'staffing_hourly', x::text FROM ccr.staffing_hourly x UNION ALL
	SELECT 'channel_mix_daily', x::text FROM ccr.channel_mix_daily x UNION ALL
	SELECT 'ticket_kpi_daily', x::text FROM ccr.ticket_kpi_daily x) z
GROUP BY v ORDER BY v;
SQL
}
fail=0
check() { if [ "$2" = ok ]; then echo "kpi_upgrade: $1: ok"; else echo "kpi_upgrade: $1: FAILED"; fail=1; fi; }
q() { psql -qAtX -d "$db" -v ON_ERROR_STOP=1 "$@"; }

# --- 0.2.0 with stored rollups
psql -qX -d "$fresh" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION ccr_metrics" -c "SELECT ccr.set_timezone('America/New_York')" >/dev/null
load_contacts "$fresh"; late_contacts "$fresh"
q -c "CREATE EXTENSION ccr_metrics VERSION '0.2.0'" -c "SELECT ccr.set_timezone('America/New_York')" >/dev/null
copy_contacts up; qa "$db"; tickets "$db"
q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
q -c "GRANT USAGE ON SCHEMA ccr TO kpi_upgrade_bi" -c "GRANT SELECT ON ccr.kpi_daily, ccr.kpi_hourly TO kpi_upgrade_bi" \
	-c "GRANT SELECT ON ccr.kpi_daily_rollup, ccr.ticket_kpi_daily, ccr.ticket_kpi_daily_rollup TO kpi_upgrade_bi" \
	-c "CREATE VIEW public.my_queue_days AS SELECT day, queue, sum(offered) AS offered FROM ccr.kpi_daily GROUP BY 1, 2"
copy_contacts late; late_ticket "$db"		# after the last 0.2.0 refresh: not in the rollups
before=$(dump_views "$db")
mine_before=$(q -c "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM public.my_queue_days x")
contacts=$(q -c "SELECT count(*) FROM ccr.contacts")
stored=$(q -c "SELECT sum(contacts) FROM ccr.kpi_daily_rollup")
tickets_n=$(q -c "SELECT count(*) FROM ccr.tickets")
tickets_stored=$(q -c "SELECT sum(created) FROM ccr.ticket_kpi_daily_rollup")
echo "kpi_upgrade: 0.2.0: $contacts contacts, $stored of them in the stored rollups; $tickets_n tickets, $tickets_stored of them stored"

# --- the update
q -c "ALTER EXTENSION ccr_metrics UPDATE TO '0.3.0'" 2>&1 | grep -v '^$' || true
check "the KPI views read the stored rows as 0.2.0 did (0.2.0 columns of 7 views)" \
	"$(diff <(echo "$before") <(dump_views "$db") >&2 && echo ok)"
check "a user's view over ccr.kpi_daily reads the same" \
	"$([ "$mine_before" = "$(q -c "SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM public.my_queue_days x")" ] && echo ok)"
check "grants on the BI views and on a rollup are kept" "$([ "$(q -c "SELECT has_table_privilege('kpi_upgrade_bi', 'ccr.kpi_daily', 'SELECT')
	AND has_table_privilege('kpi_upgrade_bi', 'ccr.kpi_hourly', 'SELECT') AND has_table_privilege('kpi_upgrade_bi', 'ccr.kpi_daily_rollup', 'SELECT')
	AND has_table_privilege('kpi_upgrade_bi', 'ccr.ticket_kpi_daily', 'SELECT') AND has_table_privilege('kpi_upgrade_bi', 'ccr.ticket_kpi_daily_rollup', 'SELECT')
	AND NOT has_table_privilege('kpi_upgrade_bi', 'ccr.kpi_monthly', 'SELECT')")" = t ] && echo ok)"
check "the rollups are tables, no 0.2.0 materialized view is left" "$([ "$(q -c "SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class
	WHERE relnamespace = 'ccr'::regnamespace AND (relname IN ('kpi_hourly_rollup', 'kpi_daily_rollup', 'kpi_monthly_rollup', 'kpi_agent_daily_rollup',
		'quality_agent_daily_rollup', 'channel_mix_daily_rollup', 'ticket_kpi_daily_rollup') OR relname LIKE '%\_020')")" = \
	"kpi_agent_daily_rollup:r,kpi_daily_rollup:r,kpi_hourly_rollup:r,kpi_monthly_rollup:r,quality_agent_daily_rollup:r,ticket_kpi_daily_rollup:r" ] && echo ok)"
check "a rebuild is due" "$([ "$(q -c "SELECT bool_and(rebuild_due = 'upgraded from 0.2.0') FROM ccr.kpi_refresh_status")" = t ] && echo ok)"
out=$(q -c "SELECT count(*) FROM ccr.refresh_kpis()" 2>&1)
check "the first refresh rebuilds" "$([[ $out == *"rebuilding every rollup (upgraded from 0.2.0)"* ]] && echo ok)"
check "after it, the rollups hold every contact and ticket, late ones too" \
	"$([ "$(q -c "SELECT sum(contacts) FROM ccr.kpi_daily_rollup")" = "$contacts" ] && [ "$(q -c "SELECT sum(created) FROM ccr.ticket_kpi_daily_rollup")" = "$tickets_n" ] \
	   && [ "$(q -c "SELECT count(*) FROM ccr.kpi_refresh_status WHERE rebuild_due IS NOT NULL")" = 0 ] && echo ok)"

# --- a fresh 0.3.0 install with the same contacts, evaluations and tickets
qa "$fresh"; tickets "$fresh"; late_ticket "$fresh"
psql -qX -d "$fresh" -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
check "every KPI view (all columns, live views too) equals a fresh 0.3.0 install" \
	"$(diff <(dump_all "$fresh") <(dump_all "$db") >&2 && echo ok)"
stored_tickets() { psql -qAtX -d "$1" -c "SELECT count(*) || ' ' || md5(string_agg(x::text, E'\n' ORDER BY x::text)) FROM ccr.ticket_kpi_daily_rollup x"; }
check "the stored ticket rollup equals a fresh install's" "$([ "$(stored_tickets "$fresh")" = "$(stored_tickets "$db")" ] && echo ok)"

# --- and it keeps working: a new contact shows at once and after a refresh
for d in $db $fresh; do
	psql -qX -d "$d" -v ON_ERROR_STOP=1 -c "INSERT INTO ccr.contacts (source, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s)
		VALUES ('new', 'support', 'agent001', 'C000042', '2026-03-10 15:00-04', '2026-03-10 15:00:07-04', '2026-03-10 15:06-04', 'answered', 353)" \
		-c "UPDATE ccr.tickets SET status = 'solved', first_solved_at = created_at + interval '2 days', solved_at = created_at + interval '2 days' WHERE ticket_id IN ('up5', 'late1')" >/dev/null
done
check "a new contact and two solved tickets: the upgraded database equals the fresh one in real time" "$(diff <(dump_all "$fresh") <(dump_all "$db") >&2 && echo ok)"
q -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
check "and after a refresh" "$(diff <(dump_all "$fresh") <(dump_all "$db") >&2 && echo ok)"

((fail == 0)) && echo "kpi_upgrade: ok" || echo "kpi_upgrade: FAILED"
exit $fail
