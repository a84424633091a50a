#!/usr/bin/env bash
# Asterisk contacts imported by 0.2.0 through ALTER EXTENSION UPDATE to 0.3.0:
# "callid#2" contacts become stint 2 of callid, transferred calls get
# ended_by = 'transfer', and a re-import of the same log fills what only the
# log tells (ended_by agent/caller, positions, the ENTERQUEUE time) without
# adding a contact, and restores the first stint that 0.2.0 overwrote (a
# re-entry more than 2 h later; in one import 0.2.0 failed on it with a
# duplicate key).  The result equals a fresh 0.3.0 import.
set -euo pipefail
db=asterisk_upgrade
psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null
psql -qX -d postgres -c "CREATE DATABASE $db"
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

psql -qX -d $db -v ON_ERROR_STOP=1 -P pager=off <<'SQL'
\set QUIET on
\o /dev/null
CREATE TABLE checks (name text, ok boolean, detail text);
CREATE FUNCTION chk(name text, ok boolean, detail text DEFAULT '') RETURNS void LANGUAGE sql AS
$$ INSERT INTO checks VALUES (name, coalesce(ok, false), detail) $$;
CREATE TABLE ql (id serial, line text);
INSERT INTO ql (line) VALUES
-- answered, ended by the agent; entered at position 3
('1767261600|A.1|sales|NONE|ENTERQUEUE||+15550001|3'),
('1767261612|A.1|sales|Alice|CONNECT|12|A.2|7'),
('1767261712|A.1|sales|Alice|COMPLETEAGENT|12|100|3'),
-- answered, ended by the caller
('1767261700|B.1|sales|NONE|ENTERQUEUE||+15550002|2'),
('1767261720|B.1|sales|Alice|CONNECT|18|B.2|3'),
('1767261750|B.1|sales|Alice|COMPLETECALLER|18|30|2'),
-- transferred
('1767262200|G.1|support|NONE|ENTERQUEUE||+15550007|1'),
('1767262205|G.1|support|Bob|CONNECT|5|G.2|5'),
('1767262265|G.1|support|Bob|BLINDTRANSFER|300|from-internal|5|60|1'),
-- abandoned at position 2, re-enters 60 s later (0.2.0: M.1#2), abandons at 1
('1767262600|M.1|sales|NONE|ENTERQUEUE||+15550010|4'),
('1767262610|M.1|sales|NONE|ABANDON|2|4|10'),
('1767262670|M.1|sales|NONE|ENTERQUEUE||+15550010|1'),
('1767262676|M.1|sales|NONE|ABANDON|1|1|6'),
-- an IVR loop three hours later: 0.2.0 overwrote the first contact of L.1
('1767262800|L.1|sales|NONE|ENTERQUEUE||+15550020|1'),
('1767262830|L.1|sales|NONE|EXITWITHTIMEOUT|1|1|30'),
('1767273800|L.1|sales|NONE|ENTERQUEUE||+15550020|2'),
('1767273805|L.1|sales|Alice|CONNECT|5|L.2|2'),
('1767273865|L.1|sales|Alice|COMPLETEAGENT|5|60|2');

CREATE EXTENSION ccr_metrics VERSION '0.2.0';
-- (0.2.0 fails an import holding both L.1 visits: duplicate key; two imports
-- overwrite the first)
CREATE VIEW ql_head AS SELECT * FROM ql WHERE id <= 15;
SELECT * FROM ccr.import_queue_log('ql_head');
SELECT * FROM ccr.import_queue_log('ql');
CREATE TABLE v2 AS SELECT source_id, queue, outcome FROM ccr.contacts;
SELECT chk('0.2.0: M.1#2 and an overwritten L.1', (SELECT array_agg(source_id || '/' || outcome ORDER BY source_id) FROM v2)
		   = '{A.1/answered,B.1/answered,G.1/answered,L.1/answered,M.1/abandoned,M.1#2/abandoned}',
		   (SELECT array_agg(source_id || '/' || outcome ORDER BY source_id) FROM v2)::text);

ALTER EXTENSION ccr_metrics UPDATE TO '0.3.0';
CREATE VIEW got AS SELECT source_id, queue, stint, outcome, ended_by, entry_position, exit_position,
	extract(epoch FROM enterqueue_at) AS enterqueue_at, extract(epoch FROM offered_at) AS offered_at
FROM ccr.contacts WHERE source = 'asterisk';
SELECT chk('upgrade: M.1#2 is stint 2 of M.1', (SELECT count(*) FROM got WHERE source_id = 'M.1' AND stint = 2) = 1
		   AND NOT EXISTS (SELECT FROM got WHERE source_id LIKE '%#%'), (SELECT string_agg(source_id || ':' || stint, ',') FROM got));
SELECT chk('upgrade: the transfer has ended_by transfer, the others NULL (not in the stored columns)',
		   (SELECT array_agg(source_id || ':' || coalesce(ended_by, '-') ORDER BY source_id, stint) FROM got)
		   = '{A.1:-,B.1:-,G.1:transfer,L.1:-,M.1:-,M.1:-}',
		   (SELECT array_agg(source_id || ':' || coalesce(ended_by, '-') ORDER BY source_id, stint) FROM got)::text);
SELECT chk('upgrade: unique key is (source, source_id, queue, stint)',
		   pg_get_constraintdef(oid) = 'UNIQUE (source, source_id, queue, stint)', pg_get_constraintdef(oid))
FROM pg_constraint WHERE conname = 'contacts_source_key';

-- re-import: everything the log tells, hand-worked
SELECT * FROM ccr.import_queue_log('ql');
CREATE TABLE want (source_id text, queue text, stint int, outcome text, ended_by text, entry_position int,
	exit_position int, enterqueue_at numeric, offered_at numeric);
INSERT INTO want VALUES
('A.1', 'sales', 1, 'answered', 'agent', 3, NULL, 1767261600, 1767261600),
('B.1', 'sales', 1, 'answered', 'caller', 2, NULL, 1767261700, 1767261702),
('G.1', 'support', 1, 'answered', 'transfer', 1, NULL, 1767262200, 1767262200),
('M.1', 'sales', 1, 'abandoned', NULL, 4, 2, 1767262600, 1767262600),
('M.1', 'sales', 2, 'abandoned', NULL, 1, 1, 1767262670, 1767262670),
('L.1', 'sales', 1, 'timeout', NULL, 1, 1, 1767262800, 1767262800),
('L.1', 'sales', 2, 'answered', 'agent', 2, NULL, 1767273800, 1767273800);
SELECT chk('re-import after the upgrade: every column as worked out by hand, the overwritten stint back',
		   NOT EXISTS (SELECT * FROM want EXCEPT SELECT * FROM got) AND NOT EXISTS (SELECT * FROM got EXCEPT SELECT * FROM want),
		   (SELECT string_agg(row(g.*)::text, ' ') FROM (SELECT * FROM got EXCEPT SELECT * FROM want) g));
CREATE TABLE after1 AS SELECT * FROM ccr.contacts;
SELECT chk('a second re-import changes nothing',
		   (SELECT contacts_added + contacts_updated FROM ccr.import_queue_log('ql')) = 0);

-- the same as a fresh 0.3.0 import
CREATE TABLE upgraded AS SELECT * FROM got;
DROP VIEW got;
DROP EXTENSION ccr_metrics;
CREATE EXTENSION ccr_metrics;
SELECT * FROM ccr.import_queue_log('ql');
SELECT chk('fresh 0.3.0 import = upgraded and re-imported',
		   NOT EXISTS (SELECT * FROM want EXCEPT SELECT source_id, queue, stint, outcome, ended_by, entry_position, exit_position,
						   extract(epoch FROM enterqueue_at), extract(epoch FROM offered_at) FROM ccr.contacts)
		   AND (SELECT count(*) FROM ccr.contacts) = 7);

\o
\pset format unaligned
\pset tuples_only on
SELECT format('%s  %s  %s', CASE WHEN ok THEN 'ok  ' ELSE 'FAIL' END, name, detail) FROM checks;
SELECT CASE WHEN bool_and(ok) THEN 'all checks passed' ELSE 'SOME CHECKS FAILED' END FROM checks;
DO $$ BEGIN IF NOT (SELECT bool_and(ok) FROM checks) THEN RAISE EXCEPTION 'asterisk_upgrade failed'; END IF; END $$;
SQL
