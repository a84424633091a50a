-- The live wallboard: a scripted day fed row by row into an attached
-- realtime queue_log table; every column of the three wallboard functions at
-- several instants against answers worked out by hand from the script.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
SELECT ccr.set_timezone('UTC');

CREATE TABLE regress.wb_ql (id serial, "time" timestamptz, callid text, queuename text, agent text, event text,
	data1 text, data2 text, data3 text, data4 text, data5 text);
SELECT ccr.attach_queue_log('regress.wb_ql');
CREATE TABLE regress.wb_script (n serial, t text, callid text, queuename text, agent text, event text,
	data1 text DEFAULT '', data2 text DEFAULT '', data3 text DEFAULT '', data4 text DEFAULT '', data5 text DEFAULT '');
INSERT INTO regress.wb_script (t, callid, queuename, agent, event, data1, data2, data3, data4) VALUES
('2026-03-01 09:00:00', 'NONE', 'sales', 'Alice', 'ADDMEMBER', '', '', '', ''),
('2026-03-01 09:00:00', 'NONE', 'sales', 'Bob', 'ADDMEMBER', '', '', '', ''),
('2026-03-01 09:00:00', 'NONE', 'sales', 'Carol', 'ADDMEMBER', '', '', '', ''),
('2026-03-01 09:00:00', 'NONE', 'support', 'Carol', 'ADDMEMBER', '', '', '', ''),
('2026-03-01 09:00:00', 'NONE', 'support', 'Dave', 'ADDMEMBER', '', '', '', ''),
('2026-03-01 09:30:00', 'NONE', 'support', 'Dave', 'REMOVEMEMBER', '', '', '', ''),
('2026-03-01 10:00:00', 'C1', 'sales', 'NONE', 'ENTERQUEUE', '', '+1555001', '1', ''),
('2026-03-01 10:00:05', 'C2', 'sales', 'NONE', 'ENTERQUEUE', '', 'anonymous', '2', ''),
('2026-03-01 10:00:10', 'NONE', 'sales', 'Bob', 'PAUSE', 'lunch', '', '', ''),
('2026-03-01 10:00:20', 'C1', 'sales', 'Alice', 'RINGNOANSWER', '5000', '', '', ''),
('2026-03-01 10:00:30', 'C1', 'sales', 'Alice', 'CONNECT', '30', 'C1.b', '4', ''),
('2026-03-01 10:01:00', 'C2', 'sales', 'NONE', 'ABANDON', '1', '2', '55', ''),
('2026-03-01 10:02:00', 'C3', 'sales', 'NONE', 'ENTERQUEUE', '', '+1555003', '1', ''),
('2026-03-01 10:02:10', 'C3', 'sales', 'Carol', 'CONNECT', '10', 'C3.b', '2', ''),
('2026-03-01 10:03:30', 'C1', 'sales', 'Alice', 'COMPLETEAGENT', '30', '180', '1', ''),
('2026-03-01 10:05:00', 'C3', 'sales', 'Carol', 'TRANSFER', '300', 'from-internal', '10', '170'),
('2026-03-01 10:06:00', 'NONE', 'sales', 'Bob', 'UNPAUSE', '', '', '', ''),
-- waits across midnight
('2026-03-01 23:58:00', 'C4', 'support', 'NONE', 'ENTERQUEUE', '', '+1555004', '1', ''),
('2026-03-02 00:00:30', 'C5', 'support', 'NONE', 'ENTERQUEUE', '', '+1555005', '2', '');
-- one INSERT per row, as Asterisk writes them
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT * FROM regress.wb_script ORDER BY n LOOP
		INSERT INTO regress.wb_ql ("time", callid, queuename, agent, event, data1, data2, data3, data4, data5)
		VALUES (r.t::timestamptz, r.callid, r.queuename, r.agent, r.event, r.data1, r.data2, r.data3, r.data4, r.data5);
	END LOOP;
END $$;

-- the contacts the trigger wrote, with the new columns
SELECT source_id, queue, stint, agent, customer, outcome, wait_s, talk_s, ended_by, entry_position, exit_position
FROM ccr.contacts ORDER BY source_id;
SELECT callid, queue FROM ccr.queue_log_pending GROUP BY 1, 2 ORDER BY 1;

-- hand-worked answers
CREATE TABLE regress.wb_calls_want (at text, callid text, queue text, customer text, state text,
	entered_at text, wait_s float8, "position" bigint, agent text);
INSERT INTO regress.wb_calls_want VALUES
('2026-03-01 10:00:17', 'C1', 'sales', '+1555001', 'ringing', '2026-03-01 10:00:00', 17, 1, 'Alice'),
('2026-03-01 10:00:17', 'C2', 'sales', NULL, 'waiting', '2026-03-01 10:00:05', 12, 2, NULL),
('2026-03-01 10:02:30', 'C1', 'sales', '+1555001', 'talking', '2026-03-01 10:00:00', 30, NULL, 'Alice'),
('2026-03-01 10:02:30', 'C3', 'sales', '+1555003', 'talking', '2026-03-01 10:02:00', 10, NULL, 'Carol'),
('2026-03-02 00:01:00', 'C4', 'support', '+1555004', 'waiting', '2026-03-01 23:58:00', 180, 1, NULL),
('2026-03-02 00:01:00', 'C5', 'support', '+1555005', 'waiting', '2026-03-02 00:00:30', 30, 2, NULL);

CREATE TABLE regress.wb_agents_want (at text, agent text, state text, state_since text, pause_reason text,
	queue text, callid text, calls_today bigint, talk_today_s float8);
INSERT INTO regress.wb_agents_want VALUES
('2026-03-01 10:00:17', 'Alice', 'ringing', '2026-03-01 10:00:15', NULL, 'sales', 'C1', 0, 0),
('2026-03-01 10:00:17', 'Bob', 'paused', '2026-03-01 10:00:10', 'lunch', NULL, NULL, 0, 0),
('2026-03-01 10:00:17', 'Carol', 'ready', '2026-03-01 09:00:00', NULL, NULL, NULL, 0, 0),
('2026-03-01 10:00:17', 'Dave', 'logged_off', '2026-03-01 09:30:00', NULL, NULL, NULL, 0, 0),
('2026-03-01 10:02:30', 'Alice', 'on_call', '2026-03-01 10:00:30', NULL, 'sales', 'C1', 1, 120),
('2026-03-01 10:02:30', 'Bob', 'paused', '2026-03-01 10:00:10', 'lunch', NULL, NULL, 0, 0),
('2026-03-01 10:02:30', 'Carol', 'on_call', '2026-03-01 10:02:10', NULL, 'sales', 'C3', 1, 20),
('2026-03-01 10:02:30', 'Dave', 'logged_off', '2026-03-01 09:30:00', NULL, NULL, NULL, 0, 0),
('2026-03-01 10:07:00', 'Alice', 'ready', '2026-03-01 10:03:30', NULL, NULL, NULL, 1, 180),
('2026-03-01 10:07:00', 'Bob', 'ready', '2026-03-01 10:06:00', NULL, NULL, NULL, 0, 0),
('2026-03-01 10:07:00', 'Carol', 'ready', '2026-03-01 10:05:00', NULL, NULL, NULL, 1, 170),
('2026-03-01 10:07:00', 'Dave', 'logged_off', '2026-03-01 09:30:00', NULL, NULL, NULL, 0, 0),
('2026-03-02 00:01:00', 'Alice', 'ready', '2026-03-01 10:03:30', NULL, NULL, NULL, 0, 0),
('2026-03-02 00:01:00', 'Bob', 'ready', '2026-03-01 10:06:00', NULL, NULL, NULL, 0, 0),
('2026-03-02 00:01:00', 'Carol', 'ready', '2026-03-01 10:05:00', NULL, NULL, NULL, 0, 0),
('2026-03-02 00:01:00', 'Dave', 'logged_off', '2026-03-01 09:30:00', NULL, NULL, NULL, 0, 0);

CREATE TABLE regress.wb_queues_want (at text, queue text, calls_waiting bigint, longest_wait_s float8,
	agents_logged_in bigint, agents_ready bigint, agents_on_call bigint, agents_paused bigint,
	offered_today bigint, answered_today bigint, abandoned_today bigint,
	service_level_today float8, abandon_rate_today float8, asa_today_s float8);
INSERT INTO regress.wb_queues_want VALUES
('2026-03-01 10:00:17', 'sales', 2, 17, 3, 1, 0, 1, 2, 0, 0, NULL, NULL, NULL),
('2026-03-01 10:00:17', 'support', 0, NULL, 1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL),
-- C1 answered after 30 s, C3 after 10 s (within 20), C2 abandoned
('2026-03-01 10:02:30', 'sales', 0, NULL, 3, 0, 2, 1, 3, 2, 1, 1.0 / 3, 1.0 / 3, 20),
('2026-03-01 10:02:30', 'support', 0, NULL, 1, 0, 1, 0, 0, 0, 0, NULL, NULL, NULL),
('2026-03-01 10:07:00', 'sales', 0, NULL, 3, 3, 0, 0, 3, 2, 1, 1.0 / 3, 1.0 / 3, 20),
('2026-03-01 10:07:00', 'support', 0, NULL, 1, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL),
-- the new day: C4 waits since yesterday (not offered today), C5 since today
('2026-03-02 00:01:00', 'sales', 0, NULL, 3, 3, 0, 0, 0, 0, 0, NULL, NULL, NULL),
('2026-03-02 00:01:00', 'support', 2, 180, 1, 1, 0, 0, 1, 0, 0, NULL, NULL, NULL);

CREATE VIEW regress.wb_instants AS
SELECT DISTINCT at FROM regress.wb_agents_want;

-- every column at every instant: mismatches (0 and 0 everywhere)
SELECT 'calls' AS what,
	   (SELECT count(*) FROM (SELECT * FROM regress.wb_calls_want EXCEPT
		SELECT i.at, k.callid, k.queue, k.customer, k.state, to_char(k.entered_at, 'YYYY-MM-DD HH24:MI:SS'), k.wait_s, k."position", k.agent
		FROM regress.wb_instants i, ccr.wallboard_calls_at(i.at::timestamptz) k) x) AS missing,
	   (SELECT count(*) FROM (SELECT i.at, k.callid, k.queue, k.customer, k.state, to_char(k.entered_at, 'YYYY-MM-DD HH24:MI:SS'), k.wait_s, k."position", k.agent
		FROM regress.wb_instants i, ccr.wallboard_calls_at(i.at::timestamptz) k
		EXCEPT SELECT * FROM regress.wb_calls_want) x) AS unexpected
UNION ALL
SELECT 'agents',
	   (SELECT count(*) FROM (SELECT * FROM regress.wb_agents_want EXCEPT
		SELECT i.at, a.agent, a.state, to_char(a.state_since, 'YYYY-MM-DD HH24:MI:SS'), a.pause_reason, a.queue, a.callid, a.calls_today, a.talk_today_s
		FROM regress.wb_instants i, ccr.wallboard_agents_at(i.at::timestamptz) a) x),
	   (SELECT count(*) FROM (SELECT i.at, a.agent, a.state, to_char(a.state_since, 'YYYY-MM-DD HH24:MI:SS'), a.pause_reason, a.queue, a.callid, a.calls_today, a.talk_today_s
		FROM regress.wb_instants i, ccr.wallboard_agents_at(i.at::timestamptz) a
		EXCEPT SELECT * FROM regress.wb_agents_want) x)
UNION ALL
SELECT 'queues',
	   (SELECT count(*) FROM regress.wb_queues_want w WHERE NOT EXISTS (
		SELECT 1 FROM ccr.wallboard_queues_at(w.at::timestamptz) q
		WHERE q.queue = w.queue AND (q.calls_waiting, q.agents_logged_in, q.agents_ready, q.agents_on_call, q.agents_paused,
									 q.offered_today, q.answered_today, q.abandoned_today)
								  = (w.calls_waiting, w.agents_logged_in, w.agents_ready, w.agents_on_call, w.agents_paused,
									 w.offered_today, w.answered_today, w.abandoned_today)
		  AND regress.close(q.longest_wait_s, w.longest_wait_s) AND regress.close(q.service_level_today, w.service_level_today)
		  AND regress.close(q.abandon_rate_today, w.abandon_rate_today) AND regress.close(q.asa_today_s, w.asa_today_s))),
	   (SELECT count(*) FROM regress.wb_instants i, ccr.wallboard_queues_at(i.at::timestamptz) q
		WHERE NOT EXISTS (SELECT 1 FROM regress.wb_queues_want w WHERE w.at = i.at AND w.queue = q.queue));

-- the readable state at 10:02:30
SELECT * FROM ccr.wallboard_queues_at('2026-03-01 10:02:30+00') ORDER BY queue;
SELECT * FROM ccr.wallboard_agents_at('2026-03-01 10:02:30+00') ORDER BY agent;
SELECT * FROM ccr.wallboard_calls_at('2026-03-01 10:00:17+00') ORDER BY callid;

-- the views are the functions at now(): C4 and C5 still wait
SELECT callid, state, "position" FROM ccr.wallboard_calls ORDER BY callid;
SELECT (SELECT count(*) FROM (SELECT * FROM ccr.wallboard_agents EXCEPT SELECT * FROM ccr.wallboard_agents_at(now())) x) AS agents_differ,
	   (SELECT count(*) FROM (SELECT * FROM ccr.wallboard_queues EXCEPT SELECT * FROM ccr.wallboard_queues_at(now())) x) AS queues_differ;

-- "today" is the local day of ccr.timezone(): in New York (UTC-5) 00:01 UTC is still March 1st,
-- so C4 (23:58 UTC = 18:58 local) is offered today and C5 too
SELECT ccr.set_timezone('America/New_York');
SELECT queue, offered_today, calls_waiting FROM ccr.wallboard_queues_at('2026-03-02 00:01:00+00') ORDER BY queue;
SELECT ccr.set_timezone('UTC');

SELECT ccr.detach_queue_log('regress.wb_ql');
SELECT regress.reset_model();
