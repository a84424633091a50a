#!/usr/bin/env bash
# Real queue_log files and realtime dumps from other people's Asterisk servers
# (../shared/data/asterisk beside the clone, see its PROVENANCE.md) import without errors,
# and what comes out agrees with the raw lines read independently: every
# ENTERQUEUE ends up as a contact, a pending call or a rejected call; each
# contact's wait and talk are the holdtime/waittime/calltime fields of its
# raw lines; re-imports change nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# the project's shared/ folder sits beside the clone (in CI too)
data=${CCR_ASTERISK_DATA:-$root/../shared/data/asterisk}
if [ ! -d "$data" ]; then
	echo "no real Asterisk data at $data: skipped"
	exit 0
fi
work=${CCR_WORK:-$(mktemp -d)}/asterisk_real_logs
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
# NUL bytes (crashes) can't be in PostgreSQL text: dropped while loading, as
# docs/asterisk.md tells users to
for f in "$data"/*queue_log*; do
	tr -d '\000' < "$f" > "$work/$(basename "$f")"
done
python3 "$root/test/data/mysql_queue_log_to_pg.py" "$data/realtime/T_Report.patch14.sql" rt_treport 'char(26)' > "$work/rt_treport.sql"
python3 "$root/test/data/mysql_queue_log_to_pg.py" "$data/realtime/MalariaPBX.baseAsterisk.queue_log-section.sql" rt_malaria timestamp > "$work/rt_malaria.sql"
chmod 644 "$work"/*
db=asterisk_real_logs
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
psql -qX -d postgres -c "CREATE DATABASE $db"
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

psql -qX -d $db -v ON_ERROR_STOP=1 -v work="$work" -P pager=off <<'SQL'
\set QUIET on
\o /dev/null
CREATE EXTENSION ccr_metrics;
CREATE TABLE checks (name text, ok boolean, detail text);
CREATE FUNCTION chk(name text, ok boolean, detail text DEFAULT '') RETURNS void LANGUAGE sql AS
$$ INSERT INTO checks VALUES (name, coalesce(ok, false), detail) $$;
CREATE TABLE results (log text, lines_read bigint, added bigint, updated bigint, rejected bigint,
	pending_calls bigint, enterqueues bigint, rejected_calls bigint, contacts bigint);
CREATE TABLE raw (log text, id serial, line text);

CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$
	DELETE FROM ccr.contacts WHERE source = 'asterisk';
	TRUNCATE ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events;
$$;

-- Imports one log (a view over raw, or a realtime table), checks it against
-- its raw lines, re-imports it, and resets.
CREATE FUNCTION try(name text, src regclass, raw_lines regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r record;
	r2 record;
	eq bigint;
	pend bigint;
	rejc bigint;
	n bigint;
BEGIN
	SELECT * INTO r FROM ccr.import_queue_log(src);
	-- distinct (callid, queue) with an ENTERQUEUE, read from the raw lines by plain SQL
	EXECUTE format($q$SELECT count(DISTINCT (split_part(line, '|', 2), split_part(line, '|', 3)))
					 FROM %s WHERE split_part(line, '|', 5) = 'ENTERQUEUE'$q$, raw_lines) INTO eq;
	SELECT count(DISTINCT (callid, queue)) INTO pend FROM ccr.queue_log_pending;
	SELECT count(DISTINCT (callid, queue)) INTO rejc FROM ccr.queue_log_rejects q
	WHERE q.callid IS NOT NULL AND reason NOT LIKE 'no ENTERQUEUE%' AND reason NOT LIKE '% after the call ended %'
	  AND NOT EXISTS (SELECT FROM ccr.contacts c WHERE c.source = 'asterisk' AND c.source_id = q.callid AND c.queue = q.queue);
	SELECT count(*) INTO n FROM ccr.contacts WHERE source = 'asterisk';
	INSERT INTO results VALUES (name, r.lines_read, r.contacts_added, r.contacts_updated, r.rejected, pend, eq, rejc, n);
	PERFORM chk(name || ': every ENTERQUEUE is a contact, a pending call or a rejected call',
				n + pend + rejc = eq, format('%s contacts + %s pending + %s rejected vs %s', n, pend, rejc, eq));
	-- wait and talk against the raw end/CONNECT lines of each contact
	EXECUTE format($q$
		WITH l AS (SELECT split_part(line, '|', 2) AS callid, split_part(line, '|', 3) AS queue,
						  split_part(line, '|', 5) AS event, string_to_array(line, '|') AS f FROM %s)
		SELECT count(*) FROM ccr.contacts c
		WHERE c.source = 'asterisk' AND NOT (
			CASE WHEN c.answered THEN
				c.wait_s = (SELECT max(f[6])::float8 FROM l WHERE l.callid = c.source_id AND l.queue = c.queue AND l.event = 'CONNECT')
				AND c.talk_s = (SELECT max(CASE WHEN event LIKE 'COMPLETE%%' THEN f[7] ELSE f[9] END)::float8 FROM l
								WHERE l.callid = c.source_id AND l.queue = c.queue
								  AND l.event IN ('COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'))
			ELSE
				c.wait_s = (SELECT max(CASE WHEN event = 'EXITWITHKEY' THEN f[9] ELSE f[8] END)::float8 FROM l
							WHERE l.callid = c.source_id AND l.queue = c.queue
							  AND l.event IN ('ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY'))
			END)$q$, raw_lines) INTO n;
	PERFORM chk(name || ': wait_s and talk_s are the logged holdtime/waittime/calltime', n = 0, n || ' differ');
	SELECT * INTO r2 FROM ccr.import_queue_log(src);
	PERFORM chk(name || ': re-import changes nothing', r2.contacts_added = 0 AND r2.contacts_updated = 0,
				format('+%s ~%s', r2.contacts_added, r2.contacts_updated));
	PERFORM reset();
END $$;

\set cmd 'cat ' :work '/asterisk2slack.fixture.queue_log'
COPY raw (line) FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
UPDATE raw SET log = 'asterisk2slack' WHERE log IS NULL;
\set cmd 'cat ' :work '/asterisk-issue-759.excerpt.queue_log'
COPY raw (line) FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
UPDATE raw SET log = 'issue-759' WHERE log IS NULL;
\set cmd 'cat ' :work '/synk_bug.queue_log-20220707 ' :work '/synk_bug.queue_log-20220801 ' :work '/synk_bug.queue_log-20220901 ' :work '/synk_bug.queue_log-20221005 ' :work '/synk_bug.queue_log'
COPY raw (line) FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
UPDATE raw SET log = 'synk_bug' WHERE log IS NULL;
CREATE VIEW v_asterisk2slack AS SELECT id, line FROM raw WHERE log = 'asterisk2slack';
CREATE VIEW v_759 AS SELECT id, line FROM raw WHERE log = 'issue-759';
CREATE VIEW v_synk AS SELECT id, line FROM raw WHERE log = 'synk_bug';

SELECT try('asterisk2slack fixture', 'v_asterisk2slack', 'v_asterisk2slack');
SELECT try('issue-759 excerpt', 'v_759', 'v_759');
SELECT try('synk_bug (5 rotated files)', 'v_synk', 'v_synk');

-- the realtime dumps: T_Report wrote local time (UTC+05:30) into char(26)
\i :work/rt_treport.sql
\i :work/rt_malaria.sql
CREATE VIEW rt_treport_lines AS SELECT concat_ws('|', coalesce("time"::text, ''), callid, queuename, agent, event, data1, data2, data3, data4, data5) AS line FROM rt_treport;
CREATE VIEW rt_malaria_lines AS SELECT concat_ws('|', coalesce("time"::text, ''), callid, queuename, agent, event, data1, data2, data3, data4, data5) AS line FROM rt_malaria;
SET TimeZone = 'Asia/Kolkata';
SELECT try('T_Report realtime (char(26) local time)', 'rt_treport', 'rt_treport_lines');
SET TimeZone = 'UTC';
SELECT try('MalariaPBX realtime (datetime, UTC)', 'rt_malaria', 'rt_malaria_lines');

-- a T_Report call, read in the server's zone: 2013-07-23 16:19:40 IST = 10:49:40 UTC
SET TimeZone = 'Asia/Kolkata';
SELECT lines_read FROM ccr.import_queue_log('rt_treport');
SET TimeZone = 'UTC';
SELECT chk('T_Report: local time read in the session TimeZone',
		   offered_at = '2013-07-23 10:49:46.939229+00'::timestamptz - interval '6 seconds', offered_at::text)
FROM ccr.contacts WHERE source = 'asterisk' AND source_id = '1374576570.0';
SELECT chk('T_Report: the NULL-time row and the dialplan''s RINGING rows are rejected',
		   count(*) FILTER (WHERE reason LIKE 'unknown event "RINGING"') = 60
		   AND count(*) FILTER (WHERE reason LIKE 'malformed row%') = 1, count(*)::text)
FROM ccr.queue_log_rejects;
SELECT reset();

-- synk_bug's files one after the other, as a log rotated between imports
SELECT lines_read FROM ccr.import_queue_log('v_synk');
CREATE TABLE ref AS SELECT source_id, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s
FROM ccr.contacts WHERE source = 'asterisk';
SELECT reset();
CREATE TABLE part (line text);
\set cmd 'cat ' :work '/synk_bug.queue_log-20220707'
COPY part FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
SELECT lines_read FROM ccr.import_queue_log('part');
TRUNCATE part;
\set cmd 'cat ' :work '/synk_bug.queue_log-20220801'
COPY part FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
SELECT lines_read FROM ccr.import_queue_log('part');
TRUNCATE part;
\set cmd 'cat ' :work '/synk_bug.queue_log-20220901 ' :work '/synk_bug.queue_log-20221005'
COPY part FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
SELECT lines_read FROM ccr.import_queue_log('part');
TRUNCATE part;
\set cmd 'cat ' :work '/synk_bug.queue_log'
COPY part FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
SELECT lines_read FROM ccr.import_queue_log('part');
SELECT chk('synk_bug: file by file gives the same contacts as all at once',
		   NOT EXISTS (SELECT * FROM ref EXCEPT SELECT source_id, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s FROM ccr.contacts WHERE source = 'asterisk')
		   AND (SELECT count(*) FROM ref) = (SELECT count(*) FROM ccr.contacts WHERE source = 'asterisk'),
		   (SELECT count(*) FROM ref)::text || ' contacts');
SELECT chk('synk_bug: presence events loaded (ADDMEMBER/REMOVEMEMBER/UNPAUSE)', count(*) > 100, count(*)::text)
FROM ccr.agent_presence_events;
-- ADDMEMBER logs SIP/1001, calls log Sathish: an alias joins them for occupancy
INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/1001', 'Sathish');
SELECT chk('synk_bug: occupancy with an alias is between 0 and 1 on days with calls',
		   count(*) > 0 AND bool_and(occupancy BETWEEN 0 AND 1), count(*)::text || ' agent-days')
FROM ccr.agent_occupancy_daily WHERE handled > 0 AND agent = 'Sathish';

\o
\pset format aligned
\pset tuples_only off
SELECT log, lines_read, added AS contacts, rejected, pending_calls, rejected_calls, enterqueues FROM results;
\pset format unaligned
\pset tuples_only on
SELECT format('%s  %s  %s', CASE WHEN ok THEN 'ok  ' ELSE 'FAIL' END, name, detail) FROM checks;
SELECT CASE WHEN bool_and(ok) THEN 'all checks passed' ELSE 'SOME CHECKS FAILED' END FROM checks;
DO $$ BEGIN IF NOT (SELECT bool_and(ok) FROM checks) THEN RAISE EXCEPTION 'asterisk_real_logs failed'; END IF; END $$;
SQL
