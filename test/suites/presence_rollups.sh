#!/usr/bin/env bash
# Property test of the presence rollups kept by key
# (ccr.agent_occupancy_daily_rollup, ccr.queue_presence_hourly).  A seeded random sequence of steps on
# a small model (a few agents, two of them logging presence under aliases;
# a daylight saving change inside the period): presence events inserted
# (recent ones, which move the end of the data, and backfills into old
# days), moved and deleted; contacts inserted (Asterisk ones move the end of
# the data too), re-assigned and deleted; an alias added or removed; a
# TRUNCATE; refreshes, one of them while another session holds an
# uncommitted presence event (dblink).  After every refresh the tables must
# equal their references computed from all the data, row for row and value
# for value: the 0.2.0 view ccr.agent_occupancy_daily, and the 0.2.0
# definition of ccr.queue_presence_hourly read from the frozen script.  The
# check is shown to fail on a corrupted and on a missing row.
#   CCR_PRESENCE_STEPS (default 80), CCR_PRESENCE_SEED (default 0.42)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=ccr_presence_rollups
# the reference of ccr.queue_presence_hourly: its 0.2.0 definition (a
# materialized view then), read from the frozen script
qp_def=$(sed -n '/^CREATE MATERIALIZED VIEW ccr.queue_presence_hourly AS/,/^WHERE hr.covered_s > 0;/p' \
	"$root/src/sql/0.2.0/90_staffing_views.sql" | sed '1s/.*/CREATE VIEW ref_queue_presence AS/')
[[ $qp_def == *"covered_s > 0;" ]] || { echo "presence_rollups: no 0.2.0 definition of ccr.queue_presence_hourly"; exit 1; }
steps=${CCR_PRESENCE_STEPS:-80}
seed=${CCR_PRESENCE_SEED:-0.42}
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null || true' EXIT
rc=0
out=$(psql -qX -v ON_ERROR_STOP=1 -d "$db" -v steps="$steps" -v seed="$seed" -v qp_def="$qp_def" -v port="$PGPORT" -v host="$PGHOST" 2>&1 <<'SQL'
\set QUIET on
\o /dev/null
SET client_min_messages = warning;
CREATE EXTENSION ccr_metrics;
CREATE EXTENSION dblink;
SELECT ccr.set_timezone('Europe/Paris');
SELECT setseed(:seed);
SELECT set_config('my.steps', :'steps', false), set_config('my.host', :'host', false), set_config('my.port', :'port', false);
CREATE TABLE log (step int, op text, detail text, ok boolean);

SET search_path = public;
:qp_def
-- the stored rollups minus the reference views, both ways
CREATE FUNCTION diff() RETURNS bigint LANGUAGE sql AS $$
SELECT (SELECT count(*) FROM ((SELECT day, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
					   FROM ccr.agent_occupancy_daily_rollup
					   EXCEPT ALL SELECT * FROM ccr.agent_occupancy_daily)
					  UNION ALL
					  (SELECT * FROM ccr.agent_occupancy_daily
					   EXCEPT ALL SELECT day, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
					   FROM ccr.agent_occupancy_daily_rollup)) z)
	 + (SELECT count(*) FROM ((SELECT bucket, queue, logged_in_s, covered_s FROM ccr.queue_presence_hourly
							   EXCEPT ALL TABLE ref_queue_presence)
							  UNION ALL
							  (TABLE ref_queue_presence
							   EXCEPT ALL SELECT bucket, queue, logged_in_s, covered_s FROM ccr.queue_presence_hourly)) y) $$;

CREATE FUNCTION rnd(lo int, hi int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT lo + floor(random() * (hi - lo + 1))::int $$;
-- whole seconds, as queue_log logs them
CREATE FUNCTION rnd_at(day0 timestamptz, days double precision) RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
SELECT date_trunc('second', day0 + random() * days * interval '1 day') $$;
-- k presence events at random instants of [day0, day0 + days): logged
-- names a0..a3, SIP/a4 and SIP/a5 (aliases of a4, a5 once mapped)
CREATE FUNCTION add_events(k int, day0 timestamptz, days double precision) RETURNS void LANGUAGE sql AS $$
INSERT INTO ccr.agent_presence_events (at, agent, queue, event)
SELECT rnd_at(day0, days),
	   (ARRAY['a0', 'a1', 'a2', 'a3', 'SIP/a4', 'SIP/a5', 'a4'])[rnd(1, 7)],
	   (ARRAY['support', 'sales', 'NONE'])[rnd(1, 3)],
	   (ARRAY['ADDMEMBER', 'REMOVEMEMBER', 'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL',
			  'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF', 'CONNECT'])[rnd(1, 13)]
FROM generate_series(1, k)
ON CONFLICT DO NOTHING $$;
CREATE FUNCTION add_contacts(k int, day0 timestamptz, days double precision) RETURNS void LANGUAGE sql AS $$
INSERT INTO ccr.contacts (source, queue, channel, agent, offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s)
SELECT CASE WHEN r < 0.7 THEN 'asterisk' ELSE 'crm' END, 'support', 'voice', CASE WHEN ans THEN 'a' || rnd(0, 5) END,
	   t, CASE WHEN ans THEN t + rnd(0, 60) * interval '1 s' END, t + rnd(61, 900) * interval '1 s',
	   CASE WHEN ans THEN 'answered' ELSE 'abandoned' END,
	   CASE WHEN ans THEN rnd(30, 600) END, CASE WHEN ans AND r < 0.3 THEN rnd(0, 60) END, CASE WHEN ans THEN rnd(0, 90) END
FROM (SELECT random() AS r, rnd_at(day0, days) AS t, random() < 0.8 AS ans FROM generate_series(1, k)) s $$;

-- the model: ten days around the end of daylight saving time in Paris
INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/a4', 'a4');
SELECT add_events(400, '2026-10-20 00:00+02', 10);
SELECT add_contacts(500, '2026-10-20 00:00+02', 10);
SELECT count(*) FROM ccr.refresh_kpis();
INSERT INTO log VALUES (0, 'start', (SELECT count(*) FROM ccr.agent_occupancy_daily_rollup) || ' rows', diff() = 0);
-- the check can fail (the damage is rolled back with the inner block)
CREATE FUNCTION damaged_diff(damage text) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE damage;
	RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = diff()::text;
EXCEPTION WHEN raise_exception THEN
	RETURN SQLERRM::bigint;
END $$;
INSERT INTO log VALUES (0, 'check', 'a corrupted occupancy row is seen', damaged_diff($d$
	UPDATE ccr.agent_occupancy_daily_rollup SET logged_in_s = logged_in_s + 1
	WHERE (day, agent) = (SELECT day, agent FROM ccr.agent_occupancy_daily_rollup WHERE logged_in_s IS NOT NULL LIMIT 1)$d$) = 2);
INSERT INTO log VALUES (0, 'check', 'a missing queue hour is seen', damaged_diff($d$
	DELETE FROM ccr.queue_presence_hourly
	WHERE (bucket, queue) = (SELECT bucket, queue FROM ccr.queue_presence_hourly WHERE logged_in_s > 0 LIMIT 1)$d$) = 1);
INSERT INTO log VALUES (0, 'check', 'and nothing else', diff() = 0);

DO $$
DECLARE
	op int;
	k int;
	ok boolean;
	detail text;
	last_at timestamptz := '2026-10-30 00:00+01';
	truncated boolean := false;
BEGIN
	FOR i IN 1..current_setting('my.steps')::int LOOP
		op := rnd(1, 14);
		k := rnd(1, 12);
		ok := true;
		CASE
		WHEN op <= 3 THEN		-- new events after the last ones (the data end moves)
			PERFORM add_events(k, last_at, 0.2);
			last_at := last_at + interval '0.2 day';
			detail := k || ' new events';
		WHEN op = 4 THEN		-- backfill into an old day
			PERFORM add_events(k, '2026-10-20 00:00+02'::timestamptz + rnd(0, 9) * interval '1 day', 1);
			detail := k || ' backfilled events';
		WHEN op = 5 THEN
			DELETE FROM ccr.agent_presence_events
			WHERE (agent, at, queue, event) IN (SELECT agent, at, queue, event FROM ccr.agent_presence_events ORDER BY random() LIMIT k);
			detail := k || ' events deleted';
		WHEN op = 6 THEN		-- move events in time (across days, across the DST change)
			UPDATE ccr.agent_presence_events e SET at = e.at + s.h * interval '1 hour'
			FROM (SELECT agent, at, queue, event, rnd(-30, 30) AS h FROM ccr.agent_presence_events ORDER BY random() LIMIT 1) s
			WHERE (e.agent, e.at, e.queue, e.event) = (s.agent, s.at, s.queue, s.event);
			detail := 'an event moved';
		WHEN op <= 8 THEN		-- new contacts (Asterisk ones move the data end)
			PERFORM add_contacts(k, last_at - interval '2 hours', 0.3);
			detail := k || ' new contacts';
		WHEN op = 9 THEN		-- contacts re-assigned, re-timed or deleted
			IF random() < 0.5 THEN
				UPDATE ccr.contacts c SET agent = 'a' || rnd(0, 5), offered_at = c.offered_at + s.h * interval '1 hour',
									   answered_at = c.answered_at + s.h * interval '1 hour', ended_at = c.ended_at + s.h * interval '1 hour'
				FROM (SELECT contact_id, rnd(-20, 20) AS h FROM ccr.contacts WHERE answered_at IS NOT NULL ORDER BY random() LIMIT k) s
				WHERE c.contact_id = s.contact_id;
				detail := k || ' contacts moved';
			ELSE
				DELETE FROM ccr.contacts WHERE contact_id IN (SELECT contact_id FROM ccr.contacts ORDER BY random() LIMIT k);
				detail := k || ' contacts deleted';
			END IF;
		WHEN op = 10 THEN		-- an alias added or removed
			IF EXISTS (SELECT 1 FROM ccr.asterisk_agent_alias WHERE alias = 'SIP/a5') THEN
				DELETE FROM ccr.asterisk_agent_alias WHERE alias = 'SIP/a5';
				detail := 'alias removed';
			ELSE
				INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/a5', 'a5');
				detail := 'alias added';
			END IF;
		WHEN op = 11 AND random() < 0.1 AND NOT truncated THEN
			-- (its lock lasts to the end: no other session writes events after it)
			TRUNCATE ccr.agent_presence_events;
			truncated := true;
			PERFORM add_events(60, '2026-10-25 00:00+02', 5);
			detail := 'events truncated, 60 added';
		WHEN op <= 13 OR truncated THEN
			PERFORM ccr.refresh_kpis();
			ok := diff() = 0;
			detail := 'refresh';
		ELSE					-- a refresh while another session's event is not committed (in a
								-- queue of its own: a key this transaction holds would block it)
			PERFORM dblink_connect('other', format('host=%s port=%s dbname=%s', current_setting('my.host'), current_setting('my.port'), current_database()));
			PERFORM dblink_exec('other', 'BEGIN');
			PERFORM dblink_exec('other', format($q$INSERT INTO ccr.agent_presence_events (at, agent, queue, event)
				VALUES ('%s', 'a%s', 'other', '%s') ON CONFLICT DO NOTHING$q$,
				date_trunc('second', last_at - random() * interval '3 days'), rnd(0, 3),
				(ARRAY['ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE'])[rnd(1, 4)]));
			PERFORM ccr.refresh_kpis();
			PERFORM dblink_exec('other', 'COMMIT');
			PERFORM dblink_disconnect('other');
			PERFORM ccr.refresh_kpis();
			ok := diff() = 0;
			detail := 'refresh during an open insert, then refresh';
		END CASE;
		INSERT INTO log VALUES (i, CASE WHEN detail LIKE 'refresh%' THEN 'refresh' ELSE 'write' END, detail, ok);
	END LOOP;
END $$;

SELECT count(*) FROM ccr.refresh_kpis();
INSERT INTO log VALUES (10000, 'final', 'rollups = references (occupancy: ' || (SELECT count(*) FROM ccr.agent_occupancy_daily_rollup) || ' rows, '
	|| (SELECT count(*) FROM ccr.agent_occupancy_daily_rollup WHERE logged_in_s IS NOT NULL) || ' with presence; queue presence: '
	|| (SELECT count(*) FROM ccr.queue_presence_hourly) || ' hours)', diff() = 0);
SELECT count(*) FROM ccr.rebuild_kpis();
INSERT INTO log VALUES (10001, 'final', 'rebuild = references', diff() = 0);

\o
\pset format unaligned
\pset tuples_only on
SELECT format('presence_rollups: %s steps (%s writes, %s refreshes), %s events, %s contacts at the end: %s',
			  count(*) FILTER (WHERE step BETWEEN 1 AND 9999), count(*) FILTER (WHERE op = 'write'),
			  count(*) FILTER (WHERE op = 'refresh'), (SELECT count(*) FROM ccr.agent_presence_events),
			  (SELECT count(*) FROM ccr.contacts),
			  CASE WHEN bool_and(ok) THEN 'ok' ELSE 'FAILED' END) FROM log;
SELECT format('presence_rollups: FAILED at step %s (%s): %s', step, op, detail) FROM log WHERE NOT ok ORDER BY step;
SELECT format('presence_rollups: %s', detail) FROM log WHERE step >= 10000 OR step = 0 ORDER BY step;
SQL
) || rc=$?
echo "$out"
[[ $rc = 0 && $out == *"presence_rollups: "*": ok"* && $out != *FAILED* ]]
