#!/usr/bin/env bash
# pg_dump keeps the business calendars (without duplicating the extension's own
# 'default' calendar), the tickets and their status history; the restored
# database computes the same business time and the same ccr.ticket_metrics,
# and keeps the stored ticket rollup (ccr.ticket_kpi_daily the same in real
# time, and after a refresh of both).
set -euo pipefail
db=ccr_tickets_dump; db2=ccr_tickets_restore
dropdb --if-exists "$db" 2>/dev/null; dropdb --if-exists "$db2" 2>/dev/null
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION ccr_metrics;
INSERT INTO ccr.calendars VALUES ('ny', 'America/New_York'), ('hel', 'Europe/Helsinki');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
SELECT 'ny', d, time '09:00', time '17:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'hel', d, '08:00', '12:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'hel', d, '13:00', '16:30' FROM generate_series(1, 5) d;
INSERT INTO ccr.calendar_holidays VALUES ('ny', '2026-07-03'), ('hel', '2026-06-19'), ('default', '2026-12-25');
INSERT INTO ccr.tickets (ticket_id, channel, queue, calendar, created_at, first_reply_at, first_solved_at, solved_at, status, agent_replies)
SELECT 't' || g, 'email', 'q' || g % 3, (ARRAY['ny', 'hel', NULL])[1 + g % 3], c,
	   c + g * interval '7 min', c + g * interval '1 hour', c + g * interval '1 hour', 'solved', g % 3
FROM generate_series(1, 200) g, LATERAL (SELECT timestamptz '2026-06-01 00:00+00' + g * interval '5 h 11 min' AS c) x;
INSERT INTO ccr.ticket_status_history
SELECT ticket_id, created_at, 'new' FROM ccr.tickets
UNION ALL SELECT ticket_id, first_reply_at, 'pending' FROM ccr.tickets
UNION ALL SELECT ticket_id, solved_at, 'solved' FROM ccr.tickets;
SELECT count(*) FROM ccr.refresh_kpis();
-- after the refresh: pending in the dump
INSERT INTO ccr.tickets (ticket_id, channel, queue, calendar, created_at, first_reply_at, status, agent_replies)
VALUES ('late', 'email', 'q1', 'ny', '2026-06-03 10:00-04', '2026-06-03 12:00-04', 'open', 1);
UPDATE ccr.tickets SET status = 'open', reopens = 1 WHERE ticket_id = 't7';
SQL
pg_dump -Fc -f "$CCR_WORK/tickets_dump.pgc" "$db"
createdb "$db2"
pg_restore -d "$db2" --exit-on-error "$CCR_WORK/tickets_dump.pgc"
fail=0
for q in "SELECT md5(string_agg(c::text, ',' ORDER BY name)) FROM ccr.calendars c" \
		 "SELECT md5(string_agg(h::text, ',' ORDER BY calendar, isodow, opens)) FROM ccr.calendar_hours h" \
		 "SELECT md5(string_agg(h::text, ',' ORDER BY calendar, day)) FROM ccr.calendar_holidays h" \
		 "SELECT md5(string_agg(t::text, ',' ORDER BY ticket_id)) FROM ccr.tickets t" \
		 "SELECT md5(string_agg(h::text, ',' ORDER BY ticket_id, at)) FROM ccr.ticket_status_history h" \
		 "SELECT md5(string_agg(m::text, ',' ORDER BY ticket_id)) FROM ccr.ticket_metrics m" \
		 "SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM ccr.ticket_kpi_daily_rollup r" \
		 "SELECT md5(string_agg(v::text, ',' ORDER BY v::text)) FROM ccr.ticket_kpi_daily v"; do
	a=$(psql -qAtX -d "$db" -c "$q"); b=$(psql -qAtX -d "$db2" -c "$q")
	echo "identical after restore: $([ "$a" = "$b" ] && echo yes || echo NO): $q"; [ "$a" = "$b" ] || fail=1
done
q="SELECT md5(string_agg(v::text, ',' ORDER BY v::text)) FROM ccr.ticket_kpi_daily v"
a=$(psql -qAtX -d "$db" -c "SELECT count(*) FROM ccr.refresh_kpis()" -c "$q" | tail -1)
b=$(psql -qAtX -d "$db2" -c "SELECT count(*) FROM ccr.refresh_kpis()" -c "$q" | tail -1)
echo "ccr.ticket_kpi_daily identical after a refresh of both: $([ "$a" = "$b" ] && echo yes || echo NO)"; [ "$a" = "$b" ] || fail=1
n=$(psql -qAtX -d "$db2" -c "SELECT count(*) FROM ccr.calendars WHERE name = 'default'")
echo "'default' calendars after restore: $n (want 1)"; [ "$n" = 1 ] || fail=1
n=$(psql -qAtX -d "$db2" -c "SELECT count(*) FROM ccr.calendar_hours WHERE calendar = 'default'")
echo "'default' hours after restore: $n (want 7)"; [ "$n" = 7 ] || fail=1
b=$(psql -qAtX -d "$db2" -c "SELECT ccr.business_seconds('2026-06-05 16:00-04', '2026-06-08 10:00-04', 'ny')")
echo "business_seconds after restore: $b (want 7200)"; [ "$b" = 7200 ] || fail=1
# the restored calendars are live: a change is seen by the next statement
b=$(psql -qAtX -d "$db2" -c "UPDATE ccr.calendar_hours SET opens = '09:30' WHERE calendar = 'ny' AND isodow = 1" \
	-c "SELECT ccr.business_seconds('2026-06-05 16:00-04', '2026-06-08 10:00-04', 'ny')" | tail -1)
echo "after changing Monday's hours: $b (want 5400)"; [ "$b" = 5400 ] || fail=1
dropdb "$db"; dropdb "$db2"
exit $fail
