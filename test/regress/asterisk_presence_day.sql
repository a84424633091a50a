\set ECHO none
-- The presence day of sql/52_asterisk_presence.sql and its hand-worked
-- occupancy, shared with 53 (the KPI views): (re)creates regress.ql52, the
-- queue_log lines of 2026-02-02/03 (UTC): Alice member of sales and support
-- with a pause, Bob an agent login with a pause, Carol logged as SIP/300
-- (alias to Carol) across midnight, Dave calls without presence; and
-- regress.ql52_expected, the occupancy per day and agent worked out by hand.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

DROP TABLE IF EXISTS regress.ql52, regress.ql52_expected;
CREATE TABLE regress.ql52 (id int GENERATED ALWAYS AS IDENTITY, line text);
INSERT INTO regress.ql52 (line)
SELECT extract(epoch FROM (day + t::time) AT TIME ZONE 'UTC')::bigint || '|' || rest
FROM (SELECT *, row_number() OVER () AS rn FROM (VALUES
	-- Alice: member of sales 09:00-17:00 and support 09:30-17:30, paused 12:00-12:30,
	-- a second ADDMEMBER of sales at 11:00 (realtime reload) changes nothing
	('2026-02-02'::timestamp, '09:00', 'MANAGER|sales|Alice|ADDMEMBER|'),
	('2026-02-02', '09:30', 'MANAGER|support|Alice|ADDMEMBER|'),
	('2026-02-02', '11:00', 'REALTIME|sales|Alice|ADDMEMBER|'),
	('2026-02-02', '12:00', 'NONE|sales|Alice|PAUSE|lunch'),
	('2026-02-02', '12:30', 'NONE|sales|Alice|UNPAUSE|'),
	('2026-02-02', '17:00', 'MANAGER|sales|Alice|REMOVEMEMBER|'),
	('2026-02-02', '17:30', 'MANAGER|support|Alice|REMOVEMEMBER|'),
	-- Bob: agent login 08:00-16:00, paused 10:00-10:15
	('2026-02-02', '08:00', 'NONE|NONE|Bob|AGENTLOGIN|SIP/200'),
	('2026-02-02', '10:00', 'NONE|NONE|Bob|PAUSEALL|'),
	('2026-02-02', '10:15', 'NONE|NONE|Bob|UNPAUSEALL|'),
	('2026-02-02', '16:00', 'NONE|NONE|Bob|AGENTLOGOFF|SIP/200|28800'),
	-- Carol, logged as her interface SIP/300: 22:00 to 02:00 the next day
	('2026-02-02', '22:00', 'MANAGER|sales|SIP/300|ADDMEMBER|'),
	('2026-02-03', '02:00', 'MANAGER|sales|SIP/300|REMOVEMEMBER|'),
	-- calls: Alice 300 s and 600 s, Bob 1395 s, Carol 720 s on day 2, Dave (no presence) 60 s
	('2026-02-02', '10:00', 'c1|sales|NONE|ENTERQUEUE||+1|1'),
	('2026-02-02', '10:00', 'c1|sales|Alice|CONNECT|0|c1b|0'),
	('2026-02-02', '10:05', 'c1|sales|Alice|COMPLETEAGENT|0|300|1'),
	('2026-02-02', '14:00', 'c2|support|NONE|ENTERQUEUE||+2|1'),
	('2026-02-02', '14:00', 'c2|support|Alice|CONNECT|0|c2b|0'),
	('2026-02-02', '14:10', 'c2|support|Alice|COMPLETECALLER|0|600|1'),
	('2026-02-02', '11:00', 'c3|sales|NONE|ENTERQUEUE||+3|1'),
	('2026-02-02', '11:00', 'c3|sales|Bob|CONNECT|0|c3b|0'),
	('2026-02-02', '11:23:15', 'c3|sales|Bob|COMPLETEAGENT|0|1395|1'),
	('2026-02-03', '01:00', 'c4|sales|NONE|ENTERQUEUE||+4|1'),
	('2026-02-03', '01:00', 'c4|sales|Carol|CONNECT|0|c4b|0'),
	('2026-02-03', '01:12', 'c4|sales|Carol|COMPLETEAGENT|0|720|1'),
	('2026-02-02', '15:00', 'c5|sales|NONE|ENTERQUEUE||+5|1'),
	('2026-02-02', '15:00', 'c5|sales|Dave|CONNECT|0|c5b|0'),
	('2026-02-02', '15:01', 'c5|sales|Dave|COMPLETEAGENT|0|60|1')
) v(day, t, rest)) v
ORDER BY day + t::time, rn;

CREATE TABLE regress.ql52_expected (day date, agent text, logged_in_s float8, paused_s float8, available_s float8,
	handled bigint, handle_s float8, occupancy float8);
INSERT INTO regress.ql52_expected VALUES
	('2026-02-02', 'Alice', 30600, 1800, 28800, 2, 900, 900 / 28800.0),
	('2026-02-02', 'Bob', 28800, 900, 27900, 1, 1395, 1395 / 27900.0),
	('2026-02-02', 'Carol', 7200, 0, 7200, 0, 0, 0),
	('2026-02-03', 'Carol', 7200, 0, 7200, 1, 720, 0.1),
	('2026-02-02', 'Dave', NULL, NULL, NULL, 1, 60, NULL);

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all
