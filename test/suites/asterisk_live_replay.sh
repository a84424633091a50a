#!/usr/bin/env bash
# The live path against the batch path on the real logs of ../shared/data/asterisk:
# every log is imported once with ccr.import_queue_log, then fed row by row
# (one INSERT statement per row) into a table attached with
# ccr.attach_queue_log; the contacts (every column), presence events, rings
# and calls left pending must be the same.  Then once more with the whole log
# in one multi-row INSERT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${CCR_ASTERISK_DATA:-$root/../shared/data/asterisk}
if [ ! -d "$data" ]; then
	echo "no real Asterisk data at $data: skipped"
	exit 0
fi
work=${CCR_WORK:-$(mktemp -d)}/asterisk_live_replay
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
for f in "$data"/*queue_log*; do
	tr -d '\000' < "$f" > "$work/$(basename "$f")"
done
python3 "$root/test/data/mysql_queue_log_to_pg.py" "$data/realtime/T_Report.patch14.sql" rt_treport 'char(26)' > "$work/rt_treport.sql"
python3 "$root/test/data/mysql_queue_log_to_pg.py" "$data/realtime/MalariaPBX.baseAsterisk.queue_log-section.sql" rt_malaria timestamp > "$work/rt_malaria.sql"
chmod 644 "$work"/*
db=asterisk_live_replay
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
CREATE TABLE raw (log text, id serial, line text);

CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$
	DELETE FROM ccr.contacts WHERE source = 'asterisk';
	TRUNCATE ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events,
		ccr.asterisk_rings, ccr.asterisk_agents;
$$;
-- everything the engine writes, as comparable text rows
CREATE FUNCTION state() RETURNS SETOF text LANGUAGE sql AS $$
	SELECT 'contact ' || row(source_id, queue, stint, agent, customer, offered_at, answered_at, ended_at,
							 outcome, talk_s, transferred, ended_by, entry_position, exit_position, enterqueue_at)::text
	FROM ccr.contacts WHERE source = 'asterisk'
	UNION ALL SELECT 'presence ' || p::text FROM ccr.agent_presence_events p
	UNION ALL SELECT 'ring ' || r::text FROM ccr.asterisk_rings r
	UNION ALL SELECT 'agent ' || a::text FROM ccr.asterisk_agents a
	UNION ALL SELECT 'pending ' || row(callid, queue, line)::text FROM ccr.queue_log_pending
$$;

-- batch import of src; then the same rows through an attached copy of its
-- layout, one statement per row (order_by: the batch path's row order)
CREATE FUNCTION replay(name text, src regclass, order_by text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	n_ref bigint;
	n_contacts bigint;
	diff bigint;
	r record;
	t0 timestamptz;
	rows bigint := 0;
BEGIN
	PERFORM reset();
	PERFORM ccr.import_queue_log(src);
	CREATE TEMP TABLE ref AS SELECT * FROM state() s;
	SELECT count(*) INTO n_contacts FROM ccr.contacts WHERE source = 'asterisk';
	PERFORM reset();
	EXECUTE format('CREATE TABLE live (LIKE %s)', src);
	PERFORM ccr.attach_queue_log('live');
	t0 := clock_timestamp();
	FOR r IN EXECUTE format('SELECT to_jsonb(s) AS j FROM %s s ORDER BY %s', src, order_by) LOOP
		INSERT INTO live SELECT * FROM jsonb_populate_record(NULL::live, r.j);
		rows := rows + 1;
	END LOOP;
	SELECT count(*) INTO diff FROM ((SELECT * FROM ref EXCEPT ALL SELECT * FROM state())
									UNION ALL (SELECT * FROM state() EXCEPT ALL SELECT * FROM ref)) d;
	PERFORM chk(name || ': row by row through the trigger = batch import', diff = 0 AND (SELECT count(*) FROM ref) > 0,
				format('%s contacts, %s rows, %s differences, %s ms/row', n_contacts, rows, diff,
					   round((extract(epoch FROM clock_timestamp() - t0) * 1000 / greatest(rows, 1))::numeric, 2)));
	-- the whole log in one statement
	PERFORM reset();
	TRUNCATE live;
	EXECUTE format('INSERT INTO live SELECT * FROM %s ORDER BY %s', src, order_by);
	SELECT count(*) INTO diff FROM ((SELECT * FROM ref EXCEPT ALL SELECT * FROM state())
									UNION ALL (SELECT * FROM state() EXCEPT ALL SELECT * FROM ref)) d;
	PERFORM chk(name || ': one multi-row statement through the trigger = batch import', diff = 0, diff || ' differences');
	PERFORM ccr.detach_queue_log('live');
	DROP TABLE live;
	DROP TABLE ref;
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
CREATE TABLE f_asterisk2slack AS SELECT id, line FROM raw WHERE log = 'asterisk2slack';
CREATE TABLE f_759 AS SELECT id, line FROM raw WHERE log = 'issue-759';
CREATE TABLE f_synk AS SELECT id, line FROM raw WHERE log = 'synk_bug';

SELECT replay('asterisk2slack fixture', 'f_asterisk2slack', 'id');
SELECT replay('issue-759 excerpt', 'f_759', 'id');
SELECT replay('synk_bug (5 rotated files)', 'f_synk', 'id');

\i :work/rt_treport.sql
\i :work/rt_malaria.sql
SET TimeZone = 'Asia/Kolkata';
SELECT replay('T_Report realtime (char(26) local time)', 'rt_treport', 'id');
SET TimeZone = 'UTC';
SELECT replay('MalariaPBX realtime (datetime, UTC)', 'rt_malaria', 'id');

-- attach/detach refuse what they can't do, with 22023
CREATE TABLE not_ql (a int);
DO $$
DECLARE st text;
BEGIN
	BEGIN PERFORM ccr.attach_queue_log('not_ql'); st := 'none';
	EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
	PERFORM chk('attach: a table without queue_log columns is 22023', st = '22023', st);
	BEGIN PERFORM ccr.detach_queue_log('rt_malaria'); st := 'none';
	EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
	PERFORM chk('detach: a table not attached is 22023', st = '22023', st);
	PERFORM ccr.attach_queue_log('rt_malaria');
	BEGIN PERFORM ccr.attach_queue_log('rt_malaria'); st := 'none';
	EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
	PERFORM chk('attach: twice is 22023', st = '22023', st);
	BEGIN PERFORM ccr.attach_queue_log(NULL); st := 'none';
	EXCEPTION WHEN OTHERS THEN st := SQLSTATE; END;
	PERFORM chk('attach: NULL is 22023', st = '22023', st);
	PERFORM ccr.detach_queue_log('rt_malaria');
END $$;

\o
\pset format unaligned
\pset tuples_only on
SELECT format('%s  %s  %s', CASE WHEN ok THEN 'ok  ' ELSE 'FAIL' END, name, detail) FROM checks;
SELECT CASE WHEN bool_and(ok) THEN 'all checks passed' ELSE 'SOME CHECKS FAILED' END FROM checks;
DO $$ BEGIN IF NOT (SELECT bool_and(ok) FROM checks) THEN RAISE EXCEPTION 'asterisk_live_replay failed'; END IF; END $$;
SQL
