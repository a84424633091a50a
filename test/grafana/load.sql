-- Data for test/grafana/check_panels.py: a week of Asterisk calls in two
-- queues (answered, abandoned, hung up by agent or caller) and, relative to
-- now(), agents logged in, one paused, a call waiting, a call talking, a call
-- answered and ended today and an abandoned caller to call back, so every
-- wallboard and report panel has rows.  Deterministic (no random()).
\set ON_ERROR_STOP on
CREATE EXTENSION ccr_metrics;
-- "today" must hold the calls of the last hour: away from UTC midnight, a
-- zone 6 h behind
SELECT ccr.set_timezone(CASE WHEN extract(hour FROM now() AT TIME ZONE 'UTC') BETWEEN 2 AND 21
							 THEN 'UTC' ELSE 'Etc/GMT+6' END);
CREATE TABLE ql (id serial, "time" timestamptz, callid text, queuename text, agent text, event text,
	data1 text DEFAULT '', data2 text DEFAULT '', data3 text DEFAULT '', data4 text DEFAULT '', data5 text DEFAULT '');
CREATE TEMP TABLE lines ("time" timestamptz, callid text, queuename text, agent text, event text,
	data1 text, data2 text, data3 text, data4 text);

-- history: days 1-7 before today, 40 calls a day from 08:00 every 15 min
WITH calls AS (
	SELECT d, n, date_trunc('day', now()) - d * interval '1 day' + interval '8 hours' + n * interval '15 minutes' AS t0,
		   CASE WHEN n % 2 = 0 THEN 'sales' ELSE 'support' END AS queue,
		   CASE WHEN n % 3 = 0 THEN 'Alice' WHEN n % 3 = 1 THEN 'Bob' ELSE 'Carol' END AS agent,
		   '+1555' || lpad(((n * 7 + d) % 30)::text, 4, '0') AS customer,
		   (n * 7 + d * 3) % 70 AS wait, 60 + (n * 13) % 300 AS talk
	FROM generate_series(1, 7) d, generate_series(0, 39) n
)
INSERT INTO lines
SELECT t0, 'H' || d || '-' || n, queue, 'NONE', 'ENTERQUEUE', '', customer, '1', '' FROM calls
UNION ALL
SELECT t0 + wait * interval '1 second', 'H' || d || '-' || n, queue, 'NONE', 'ABANDON', '1', '1', wait::text, ''
FROM calls WHERE n % 5 = 0
UNION ALL
SELECT t0 + wait * interval '1 second', 'H' || d || '-' || n, queue, agent, 'CONNECT', wait::text, 'b' || d || '-' || n, '2', ''
FROM calls WHERE n % 5 <> 0
UNION ALL
SELECT t0 + (wait + talk) * interval '1 second', 'H' || d || '-' || n, queue, agent,
	   CASE WHEN n % 2 = 0 THEN 'COMPLETEAGENT' ELSE 'COMPLETECALLER' END, wait::text, talk::text, '1', ''
FROM calls WHERE n % 5 <> 0;

-- now: agents in, Bob paused, a call answered and ended, an abandoned
-- caller, a call talking, a call waiting
INSERT INTO lines VALUES
(now() - interval '60 minutes', 'NONE', 'sales', 'Alice', 'ADDMEMBER', '', '', '', ''),
(now() - interval '60 minutes', 'NONE', 'sales', 'Bob', 'ADDMEMBER', '', '', '', ''),
(now() - interval '60 minutes', 'NONE', 'support', 'Carol', 'ADDMEMBER', '', '', '', ''),
(now() - interval '60 minutes', 'NONE', 'support', 'Alice', 'ADDMEMBER', '', '', '', ''),
(now() - interval '40 minutes', 'A1', 'support', 'NONE', 'ENTERQUEUE', '', '+15559999', '1', ''),
(now() - interval '39 minutes', 'A1', 'support', 'NONE', 'ABANDON', '1', '1', '60', ''),
(now() - interval '10 minutes', 'NONE', 'sales', 'Bob', 'PAUSE', 'lunch', '', '', ''),
(now() - interval '50 seconds', 'D1', 'sales', 'NONE', 'ENTERQUEUE', '', '+15550001', '1', ''),
(now() - interval '45 seconds', 'D1', 'sales', 'Alice', 'CONNECT', '5', 'D1.b', '2', ''),
(now() - interval '40 seconds', 'T1', 'support', 'NONE', 'ENTERQUEUE', '', '+15550002', '1', ''),
(now() - interval '35 seconds', 'T1', 'support', 'Carol', 'CONNECT', '5', 'T1.b', '2', ''),
(now() - interval '20 seconds', 'D1', 'sales', 'Alice', 'COMPLETEAGENT', '5', '25', '1', ''),
(now() - interval '15 seconds', 'W1', 'sales', 'NONE', 'ENTERQUEUE', '', '+15550003', '1', '');

INSERT INTO ql ("time", callid, queuename, agent, event, data1, data2, data3, data4)
SELECT * FROM lines ORDER BY "time", callid, event <> 'ENTERQUEUE', event;
SELECT ccr.import_queue_log('ql');
SELECT ccr.refresh_kpis();
