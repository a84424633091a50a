-- Asterisk queue_log import: every event and every malformed case, checked
-- field by field against hand-worked expectations; idempotent re-import.
-- Base time 1767261600 = 2026-01-01 10:00:00 UTC.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SELECT regress.make_calls();	-- a table that is not a queue_log, for the errors below
-- the lines (regress.ql50), shared with 51
\i :abs_srcdir/test/regress/asterisk_lines.sql
SET TimeZone = 'UTC';
SELECT * FROM ccr.import_queue_log('regress.ql50');

-- every contact, every field, as worked out by hand
CREATE TABLE regress.ql50_expected AS
SELECT source_id, queue, agent, customer, to_timestamp(o) AS offered_at,
	   to_timestamp(a) AS answered_at, to_timestamp(e) AS ended_at, outcome,
	   talk::float8 AS talk_s, xfer AS transferred, wait::float8 AS wait_s,
	   stint, ended_by, entry_position, exit_position
FROM (VALUES
	('A.1', 'sales', 'Alice', '+15550001', 1767261600, 1767261612, 1767261712, 'answered', 100, false, 12, 1, 'agent', 1, NULL),
	('B.1', 'sales', 'Alice', '+15550002', 1767261702, 1767261720, 1767261750, 'answered', 30, false, 18, 1, 'caller', 2, NULL),
	('C.1', 'sales', NULL, '+15550003', 1767261800, NULL, 1767261830, 'abandoned', NULL, false, 30, 1, NULL, 1, 1),
	('D.1', 'support', NULL, '+15550004', 1767261900, NULL, 1767261960, 'timeout', NULL, false, 60, 1, NULL, 1, 1),
	('E.1', 'support', NULL, '+15550005', 1767262000, NULL, 1767262009, 'exit_key', NULL, false, 9, 1, NULL, 1, 1),
	('F.1', 'support', NULL, '+15550006', 1767262100, NULL, 1767262104, 'exit_empty', NULL, false, 4, 1, NULL, 1, 1),
	('G.1', 'support', 'Bob', '+15550007', 1767262200, 1767262205, 1767262265, 'answered', 60, true, 5, 1, 'transfer', 1, NULL),
	('H.1', 'support', 'Bob', '+15550008', 1767262300, 1767262306, 1767262386, 'answered', 80, true, 6, 1, 'transfer', 1, NULL),
	('I.1', 'support', 'Bob', '+15550009', 1767262400, 1767262403, 1767262413, 'answered', 10, true, 3, 1, 'transfer', 1, NULL),
	('K.1', 'sales', 'Alice', NULL, 1767262500, 1767262504, 1767262544, 'answered', 40, false, 4, 1, 'agent', 1, NULL),
	('M.1', 'sales', NULL, '+15550010', 1767262600, NULL, 1767262610, 'timeout', NULL, false, 10, 1, NULL, 1, 1),
	('M.1', 'sales', NULL, '+15550010', 1767262611, NULL, 1767262616, 'abandoned', NULL, false, 5, 2, NULL, 1, 1),
	('N.1', 'sales', NULL, '+15550011', 1767262700, NULL, 1767262715, 'timeout', NULL, false, 15, 1, NULL, 1, 1),
	('N.1', 'support', 'Bob', '+15550011', 1767262715, 1767262720, 1767262790, 'answered', 70, false, 5, 1, 'agent', 1, NULL),
	('U.1', 'sales', NULL, '+15550012', 1767262800, NULL, 1767262807, 'abandoned', NULL, false, 7, 1, NULL, 1, 1),
	('T.1', 'sales', NULL, '+15550013', 1767262900, NULL, 1767262903, 'abandoned', NULL, false, 3, 1, NULL, 1, 1)
) v(source_id, queue, agent, customer, o, a, e, outcome, talk, xfer, wait,
	  stint, ended_by, entry_position, exit_position);

CREATE VIEW regress.ql50_got AS
SELECT source_id, queue, agent, customer, offered_at, answered_at, ended_at, outcome,
	   talk_s, transferred, wait_s, stint, ended_by, entry_position, exit_position
FROM ccr.contacts WHERE source = 'asterisk';

-- no contact missing, none extra, none different (0 and 0)
SELECT (SELECT count(*) FROM (SELECT * FROM regress.ql50_expected EXCEPT SELECT * FROM regress.ql50_got) x) AS missing,
	   (SELECT count(*) FROM (SELECT * FROM regress.ql50_got EXCEPT SELECT * FROM regress.ql50_expected) x) AS unexpected;
-- the other columns
SELECT count(*) AS contacts, bool_and(channel = 'voice') AS voice,
	   bool_and(hold_s IS NULL AND acw_s IS NULL) AS no_agent_hold_in_queue_log,
	   bool_and(answered = (outcome = 'answered')) AS answered_flag
FROM ccr.contacts WHERE source = 'asterisk';

-- what was rejected, and why
SELECT line_no, line, reason FROM ccr.queue_log_rejects ORDER BY line_no, reject_id;
-- what waits for its end
SELECT callid, queue, visit, line FROM ccr.queue_log_pending ORDER BY seq;
-- presence events
SELECT extract(epoch FROM at)::bigint AS at, agent, queue, event, data1
FROM ccr.agent_presence_events ORDER BY at, agent;

-- importing the same rows again changes nothing
CREATE TABLE regress.ql50_before AS SELECT * FROM ccr.contacts WHERE source = 'asterisk';
CREATE TABLE regress.ql50_rej_before AS SELECT line, reason FROM ccr.queue_log_rejects;
SELECT * FROM ccr.import_queue_log('regress.ql50');
SELECT (SELECT count(*) FROM (SELECT * FROM regress.ql50_before EXCEPT ALL SELECT * FROM ccr.contacts WHERE source = 'asterisk') x)
	 + (SELECT count(*) FROM (SELECT * FROM ccr.contacts WHERE source = 'asterisk' EXCEPT ALL SELECT * FROM regress.ql50_before) x) AS contacts_changed,
	   (SELECT count(*) FROM (SELECT line, reason FROM ccr.queue_log_rejects EXCEPT ALL SELECT * FROM regress.ql50_rej_before) x) AS new_rejects,
	   (SELECT count(*) FROM ccr.queue_log_pending) AS pending_lines;

-- the end of L arrives in a later import: L is written, nothing else changes
CREATE TABLE regress.ql50_tail (line text);
INSERT INTO regress.ql50_tail VALUES
('1767263702|L.1|sales|Alice|CONNECT|2|L.2|2'),
('1767263762|L.1|sales|Alice|COMPLETECALLER|2|60|1');
SELECT * FROM ccr.import_queue_log('regress.ql50_tail');
SELECT source_id, agent, customer, extract(epoch FROM offered_at) AS offered, extract(epoch FROM answered_at) AS answered,
	   extract(epoch FROM ended_at) AS ended, outcome, talk_s, wait_s
FROM ccr.contacts WHERE source = 'asterisk' AND source_id = 'L.1';
SELECT count(*) AS pending_lines FROM ccr.queue_log_pending;

-- a parameter that is not a queue_log table
SELECT regress.err($$SELECT * FROM ccr.import_queue_log(NULL)$$);
SELECT regress.err($$SELECT * FROM ccr.import_queue_log('regress.calls')$$);
SELECT regress.err($$SELECT * FROM ccr.import_queue_log('regress.no_such_table')$$);

-- the line parser on its own
SELECT * FROM ccr.parse_queue_log_line('1767261612|A.1|sales|Alice|CONNECT|12|A.2|7');
SELECT * FROM ccr.parse_queue_log_line('1767261612.250000|A.1|q|NONE|RINGING|a||');
SELECT regress.err($$SELECT ccr.parse_queue_log_line('x|A.1|q|NONE|CONNECT')$$);
SELECT regress.err($$SELECT ccr.parse_queue_log_line('1767261612|A.1|q|NONE')$$);

-- expire a pending call: a cut log
INSERT INTO regress.ql50_tail VALUES ('1767263800|V.1|sales|NONE|ENTERQUEUE||+15550019|1');
SELECT * FROM ccr.import_queue_log('regress.ql50_tail');
SELECT ccr.queue_log_expire_pending('1 day');
SELECT line, reason FROM ccr.queue_log_rejects WHERE callid = 'V.1';
SELECT regress.err($$SELECT ccr.queue_log_expire_pending(NULL)$$);

-- a holdtime of more than a year is nonsense: offered_at falls back to ENTERQUEUE;
-- an unknown event with a multibyte name is reported clipped, not garbled
CREATE TABLE regress.ql50_odd (line text);
INSERT INTO regress.ql50_odd VALUES
('1767265000|W.1|sales|NONE|ENTERQUEUE||+15550020|1'),
('1767265010|W.1|sales|Alice|CONNECT|999999999999999|W.2|1'),
('1767265070|W.1|sales|Alice|COMPLETEAGENT|999999999999999|60|1'),
('1767265080|W.3|sales|NONE|' || repeat('é', 40) || '|1');
SELECT lines_read, contacts_added, rejected FROM ccr.import_queue_log('regress.ql50_odd');
SELECT source_id, extract(epoch FROM offered_at) AS offered, wait_s, talk_s
FROM ccr.contacts WHERE source = 'asterisk' AND source_id = 'W.1';
SELECT length(reason) AS reason_chars, reason LIKE 'unknown event "éé%' AS clipped
FROM ccr.queue_log_rejects WHERE line LIKE '%W.3%';
