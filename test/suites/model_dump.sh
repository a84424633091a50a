#!/usr/bin/env bash
# pg_dump keeps ccr.contacts rows, the identity sequence position and the
# settings (extension config tables): dump a database, restore it into a new
# one, compare, and check new inserts get fresh ids.
set -euo pipefail
db=ccr_model_dump; db2=ccr_model_restore
dropdb --if-exists "$db"; dropdb --if-exists "$db2"
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION ccr_metrics;
SELECT ccr.set_timezone('Europe/Paris') AS tz \gset
INSERT INTO ccr.contacts (source, source_id, queue, customer, offered_at, answered_at, ended_at, outcome, talk_s, csat_score, csat_scale)
SELECT 'dump', g::text, 'q' || g % 4, 'c' || g % 50, o, CASE WHEN g % 5 > 0 THEN o + interval '7 s' * (g % 9) END,
	   o + interval '3 min', CASE WHEN g % 5 > 0 THEN 'answered' ELSE 'abandoned' END,
	   CASE WHEN g % 5 > 0 THEN 100 + g % 37 END, CASE WHEN g % 3 = 0 THEN 1 + g % 5 END, CASE WHEN g % 3 = 0 THEN 5 END
FROM generate_series(1, 500) g, LATERAL (SELECT timestamptz '2026-02-01' + g * interval '11 min' AS o) t;
DELETE FROM ccr.contacts WHERE source_id = '500';	-- the sequence is ahead of max(contact_id)
SQL
pg_dump -Fc -f "$CCR_WORK/model_dump.pgc" "$db"
createdb "$db2"
pg_restore -d "$db2" --exit-on-error "$CCR_WORK/model_dump.pgc"
q="SELECT md5(string_agg(c::text, ',' ORDER BY contact_id)) FROM ccr.contacts c"
a=$(psql -qAtX -d "$db" -c "$q"); b=$(psql -qAtX -d "$db2" -c "$q")
n=$(psql -qAtX -d "$db2" -c "SELECT count(*) FROM ccr.contacts")
tz=$(psql -qAtX -d "$db2" -c "SELECT ccr.timezone()")
newid=$(psql -qAtX -d "$db2" -c "INSERT INTO ccr.contacts (offered_at, outcome) VALUES (now(), 'abandoned') RETURNING contact_id")
fail=0
echo "rows restored: $n (want 499)"; [ "$n" = 499 ] || fail=1
echo "row contents identical (md5 of all columns, generated ones included): $([ "$a" = "$b" ] && echo yes || echo NO)"; [ "$a" = "$b" ] || fail=1
echo "timezone restored: $tz (want Europe/Paris)"; [ "$tz" = Europe/Paris ] || fail=1
echo "next contact_id after restore: $newid (want 501)"; [ "$newid" = 501 ] || fail=1
dropdb "$db"; dropdb "$db2"
exit $fail
