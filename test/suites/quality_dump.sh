#!/usr/bin/env bash
# pg_dump keeps ccr.qa_evaluations (an extension config table) and its
# identity sequence position, and the staffing target in ccr.settings; the
# restored database computes the same quality and staffing views.
set -euo pipefail
db=ccr_quality_dump; db2=ccr_quality_restore
dropdb --if-exists "$db"; dropdb --if-exists "$db2"
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION ccr_metrics;
SELECT ccr.set_staffing_target(0.9, 0.85, 0.3);
INSERT INTO ccr.contacts (source, source_id, queue, agent, offered_at, answered_at, ended_at, outcome, talk_s, ces_score)
SELECT 'dump', g::text, 'q' || g % 3, 'a' || g % 4, o, o + interval '9 s' * (g % 5), o + interval '4 min', 'answered',
	   120 + g % 41, CASE WHEN g % 2 = 0 THEN 1 + g % 7 END
FROM generate_series(1, 300) g, LATERAL (SELECT timestamptz '2026-02-01' + g * interval '7 min' AS o) t;
INSERT INTO ccr.qa_evaluations (source, source_id, contact_id, agent, evaluated_at, earned, possible, auto_fail, notes)
SELECT 'qa', c.contact_id::text, c.contact_id, c.agent, c.offered_at + interval '2 days',
	   CASE WHEN c.contact_id % 11 = 0 THEN NULL ELSE (c.contact_id % 40) + 0.25 END, 40.5, c.contact_id % 11 = 0, 'n' || c.contact_id
FROM ccr.contacts c WHERE c.contact_id % 3 = 0;
DELETE FROM ccr.qa_evaluations WHERE evaluation_id = (SELECT max(evaluation_id) FROM ccr.qa_evaluations);
SELECT count(*) FROM ccr.refresh_kpis();
SQL
pg_dump -Fc -f "$CCR_WORK/quality_dump.pgc" "$db"
createdb "$db2"
pg_restore -d "$db2" --exit-on-error "$CCR_WORK/quality_dump.pgc"
psql -qX -v ON_ERROR_STOP=1 -d "$db2" -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
q_rows="SELECT md5(string_agg(e::text, ',' ORDER BY evaluation_id)) FROM ccr.qa_evaluations e"
q_views="SELECT md5(string_agg(s::text, ',' ORDER BY bucket, queue)) FROM ccr.staffing_hourly s"
q_agent="SELECT md5(string_agg(k::text, ',' ORDER BY day, agent)) FROM ccr.kpi_agent_daily k"
fail=0
n=$(psql -qAtX -d "$db2" -c "SELECT count(*) FROM ccr.qa_evaluations")
want=$(psql -qAtX -d "$db" -c "SELECT count(*) FROM ccr.qa_evaluations")
echo "qa_evaluations rows restored: $n (want $want)"; [ "$n" = "$want" ] || fail=1
for check in q_rows q_views q_agent; do
	a=$(psql -qAtX -d "$db" -c "${!check}"); b=$(psql -qAtX -d "$db2" -c "${!check}")
	echo "$check identical after restore: $([ "$a" = "$b" ] && echo yes || echo NO)"; [ "$a" = "$b" ] || fail=1
done
target=$(psql -qAtX -d "$db2" -c "SELECT ccr.staffing_target_sl() || ' ' || ccr.staffing_max_occupancy() || ' ' || ccr.staffing_shrinkage()")
echo "staffing target restored: $target (want 0.9 0.85 0.3)"; [ "$target" = "0.9 0.85 0.3" ] || fail=1
nextid=$(psql -qAtX -d "$db2" -c "INSERT INTO ccr.qa_evaluations (agent, earned, possible) VALUES ('x', 1, 2) RETURNING evaluation_id")
wantid=$(psql -qAtX -d "$db" -c "SELECT nextval(pg_get_serial_sequence('ccr.qa_evaluations', 'evaluation_id'))")
echo "next evaluation_id after restore: $nextid (want $wantid)"; [ "$nextid" = "$wantid" ] || fail=1
qa=$(psql -qAtX -d "$db2" -c "SELECT count(qa_score) > 0 AND count(ces) > 0 FROM ccr.kpi_agent_daily")
echo "restored agent view has QA and CES: $qa"; [ "$qa" = t ] || fail=1
dropdb "$db"; dropdb "$db2"
exit $fail
