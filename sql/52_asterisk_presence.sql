-- Agent presence and occupancy from queue_log, hand-worked.
-- Day 1 = 2026-02-02 (UTC), times below are UTC.
SET TimeZone = 'UTC';
SELECT ccr.set_timezone('UTC');
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
INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/300', 'Carol');
SELECT * FROM ccr.import_queue_log('regress.ql52');

SELECT agent, state_from, state_until, logged_in, paused, queues FROM ccr.agent_states ORDER BY agent, state_from;

CREATE TABLE regress.ql52_expected (day date, agent text, logged_in_s float8, paused_s float8, available_s float8,
	handled bigint, handle_s float8, occupancy float8);
INSERT INTO regress.ql52_expected VALUES
	('2026-02-02', 'Alice', 30600, 1800, 28800, 2, 900, 900 / 28800.0),
	('2026-02-02', 'Bob', 28800, 900, 27900, 1, 1395, 1395 / 27900.0),
	('2026-02-02', 'Carol', 7200, 0, 7200, 0, 0, 0),
	('2026-02-03', 'Carol', 7200, 0, 7200, 1, 720, 0.1),
	('2026-02-02', 'Dave', NULL, NULL, NULL, 1, 60, NULL);
SELECT e.day, e.agent,
	   regress.close(o.logged_in_s, e.logged_in_s) AND regress.close(o.paused_s, e.paused_s)
	   AND regress.close(o.available_s, e.available_s) AND o.handled = e.handled
	   AND regress.close(o.handle_s, e.handle_s) AND regress.close(o.occupancy, e.occupancy) AS matches
FROM regress.ql52_expected e LEFT JOIN ccr.agent_occupancy_daily o USING (day, agent)
ORDER BY 1, 2;
SELECT count(*) AS daily_rows FROM ccr.agent_occupancy_daily;

-- hourly buckets add up to the days; a bucket inside a pause
SELECT d.agent, regress.close(sum(h.logged_in_s), d.logged_in_s) AND regress.close(sum(h.handle_s), d.handle_s) AS hours_add_up
FROM ccr.agent_occupancy_daily d
JOIN ccr.agent_occupancy('2026-02-02 00:00+00', '2026-02-04 00:00+00', '1 hour') h
  ON h.agent = d.agent AND h.bucket >= d.day::timestamptz AND h.bucket < (d.day + 1)::timestamptz
WHERE d.logged_in_s IS NOT NULL
GROUP BY d.agent, d.day, d.logged_in_s, d.handle_s ORDER BY 1;
SELECT bucket, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
FROM ccr.agent_occupancy('2026-02-02 12:00+00', '2026-02-02 13:00+00', '30 minutes') WHERE agent = 'Alice';

-- days are local days of ccr.timezone(): Carol's 22:00-02:00 UTC is 23:00-03:00 in Paris
SELECT ccr.set_timezone('Europe/Paris');
SELECT day, logged_in_s FROM ccr.agent_occupancy_daily WHERE agent = 'Carol' ORDER BY day;
SELECT ccr.set_timezone('UTC');

SELECT regress.err($$SELECT * FROM ccr.agent_occupancy(NULL, '2026-02-02', '1 hour')$$);
SELECT regress.err($$SELECT * FROM ccr.agent_occupancy('2026-02-02', '2026-02-03', '-1 hour')$$);
SELECT regress.err($$SELECT * FROM ccr.agent_occupancy('2026-02-02', '2026-02-01', '1 hour')$$);

-- the contacts and presence stay for test 53 (the KPI views), which cleans up
