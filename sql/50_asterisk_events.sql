-- Asterisk queue_log import: every event and every malformed case, checked
-- field by field against hand-worked expectations; idempotent re-import.
-- Base time 1767261600 = 2026-01-01 10:00:00 UTC.
SET TimeZone = 'UTC';
CREATE TABLE regress.ql50 (line text);
INSERT INTO regress.ql50 VALUES
('1767261590|NONE|NONE|NONE|QUEUESTART|'),
('1767261595|MANAGER|sales|Alice|ADDMEMBER|'),
('1767261596|NONE|sales|Alice|UNPAUSE|'),
('1767261597|NONE|NONE|Bob|AGENTLOGIN|SIP/200'),
-- A: answered, agent completes; RINGNOANSWER on the way; Asterisk's holdtime 12
('1767261600|A.1|sales|NONE|DID|5551000'),
('1767261600|A.1|sales|NONE|ENTERQUEUE||+15550001|1'),
('1767261605|A.1|sales|Bob|RINGNOANSWER|5000'),
('1767261612|A.1|sales|Alice|CONNECT|12|A.2|7'),
('1767261712|A.1|sales|Alice|COMPLETEAGENT|12|100|1'),
-- B: answered, caller hangs up; holdtime 18 though ENTERQUEUE was 20 s before CONNECT
('1767261700|B.1|sales|NONE|ENTERQUEUE||+15550002|2'),
('1767261720|B.1|sales|Alice|CONNECT|18|B.2|3'),
('1767261750|B.1|sales|Alice|COMPLETECALLER|18|30|2'),
-- C: abandoned after 30 s
('1767261800|C.1|sales|NONE|ENTERQUEUE||+15550003|1'),
('1767261830|C.1|sales|NONE|ABANDON|1|1|30'),
-- D: timeout after 60 s
('1767261900|D.1|support|NONE|ENTERQUEUE||+15550004|1'),
('1767261960|D.1|support|NONE|EXITWITHTIMEOUT|1|1|60'),
-- E: exit with key 5 after 9 s
('1767262000|E.1|support|NONE|ENTERQUEUE||+15550005|1'),
('1767262009|E.1|support|NONE|EXITWITHKEY|5|1|1|9'),
-- F: exit empty after 4 s
('1767262100|F.1|support|NONE|ENTERQUEUE||+15550006|1'),
('1767262104|F.1|support|NONE|EXITEMPTY|1|1|4'),
-- G: blind transfer by TRANSFER (extension|context|holdtime|calltime|origposition)
('1767262200|G.1|support|NONE|ENTERQUEUE||+15550007|1'),
('1767262205|G.1|support|Bob|CONNECT|5|G.2|5'),
('1767262265|G.1|support|Bob|TRANSFER|300|from-internal|5|60|1'),
-- H: ATTENDEDTRANSFER (method|target|holdtime|calltime|origposition)
('1767262300|H.1|support|NONE|ENTERQUEUE||+15550008|1'),
('1767262306|H.1|support|Bob|CONNECT|6|H.2|6'),
('1767262386|H.1|support|Bob|ATTENDEDTRANSFER|BRIDGE|b1|6|80|1'),
-- I: BLINDTRANSFER
('1767262400|I.1|support|NONE|ENTERQUEUE||+15550009|1'),
('1767262403|I.1|support|Bob|CONNECT|3|I.2|3'),
('1767262413|I.1|support|Bob|BLINDTRANSFER|301|from-internal|3|10|1'),
-- K: anonymous caller, answered; RINGCANCELED and INFO are harmless
('1767262500|K.1|sales|NONE|ENTERQUEUE||anonymous|1'),
('1767262502|K.1|sales|Bob|RINGCANCELED|1500'),
('1767262504|K.1|sales|Alice|CONNECT|4|K.2|2'),
('1767262505|K.1|sales|NONE|INFO|x'),
('1767262544|K.1|sales|Alice|COMPLETEAGENT|4|40|1'),
-- M: times out of sales, queues in sales again, abandons: two contacts
('1767262600|M.1|sales|NONE|ENTERQUEUE||+15550010|1'),
('1767262610|M.1|sales|NONE|EXITWITHTIMEOUT|1|1|10'),
('1767262611|M.1|sales|NONE|ENTERQUEUE||+15550010|1'),
('1767262616|M.1|sales|NONE|ABANDON|1|1|5'),
-- N: times out of sales, answered in support: one contact per queue
('1767262700|N.1|sales|NONE|ENTERQUEUE||+15550011|1'),
('1767262715|N.1|sales|NONE|EXITWITHTIMEOUT|1|1|15'),
('1767262715|N.1|support|NONE|ENTERQUEUE||+15550011|1'),
('1767262720|N.1|support|Bob|CONNECT|5|N.2|5'),
('1767262790|N.1|support|Bob|COMPLETEAGENT|5|70|1'),
-- U: duplicated lines are read once
('1767262800|U.1|sales|NONE|ENTERQUEUE||+15550012|1'),
('1767262800|U.1|sales|NONE|ENTERQUEUE||+15550012|1'),
('1767262807|U.1|sales|NONE|ABANDON|1|1|7'),
('1767262807|U.1|sales|NONE|ABANDON|1|1|7'),
-- T: an end event after the end is rejected, the call stands
('1767262900|T.1|sales|NONE|ENTERQUEUE||+15550013|1'),
('1767262903|T.1|sales|NONE|ABANDON|1|1|3'),
('1767262950|T.1|sales|Alice|COMPLETEAGENT|3|47|1'),
-- malformed lines, unknown event, blank line, a call event without callid
('garbage'),
('17672630xx|X.1|sales|NONE|ENTERQUEUE||1|1'),
('1767263000|X.2|sales|NONE|'),
('1767263001|X.3|sales|SIP/1|RINGING|'),
(''),
('1767263002|NONE|sales|NONE|ENTERQUEUE||1|1'),
('1767263003|NONE|NONE|NONE|PAUSE|lunch'),
-- O: no ENTERQUEUE
('1767263100|O.1|sales|Alice|CONNECT|5|O.2|5'),
('1767263160|O.1|sales|Alice|COMPLETEAGENT|5|60|1'),
-- P: out of order (CONNECT earlier than ENTERQUEUE)
('1767263200|P.1|sales|NONE|ENTERQUEUE||+15550014|1'),
('1767263190|P.1|sales|Alice|CONNECT|5|P.2|5'),
('1767263260|P.1|sales|Alice|COMPLETEAGENT|5|60|1'),
-- R: COMPLETEAGENT without CONNECT
('1767263300|R.1|sales|NONE|ENTERQUEUE||+15550015|1'),
('1767263360|R.1|sales|Alice|COMPLETEAGENT|5|60|1'),
-- S: ABANDON after CONNECT
('1767263400|S.1|sales|NONE|ENTERQUEUE||+15550016|1'),
('1767263405|S.1|sales|Alice|CONNECT|5|S.2|5'),
('1767263410|S.1|sales|NONE|ABANDON|1|1|10'),
-- Q: cut by an Asterisk restart (QUEUESTART) while connected
('1767263500|Q.1|sales|NONE|ENTERQUEUE||+15550017|1'),
('1767263505|Q.1|sales|Alice|CONNECT|5|Q.2|5'),
('1767263600|NONE|NONE|NONE|QUEUESTART|'),
('1767263601|Q.1|sales|Alice|COMPLETEAGENT|5|96|1'),
-- L: connected, end not in the log yet: pending
('1767263700|L.1|sales|NONE|ENTERQUEUE||+15550018|1'),
('1767263702|L.1|sales|Alice|CONNECT|2|L.2|2'),
-- presence
('1767263800|NONE|sales|Alice|PAUSE|lunch'),
('1767264100|NONE|sales|Alice|UNPAUSE|'),
('1767264200|NONE|NONE|Bob|PAUSEALL|'),
('1767264300|NONE|NONE|Bob|UNPAUSEALL|'),
('1767264400|MANAGER|sales|Alice|REMOVEMEMBER|'),
('1767264500|NONE|NONE|Bob|AGENTLOGOFF|SIP/200|2903'),
('1767264600|NONE|NONE|NONE|CONFIGRELOAD|');

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

-- (this part's contact gives its id back below: later tests pick contacts by id)
CREATE TABLE regress.ql50_seq AS SELECT last_value FROM ccr.contacts_contact_id_seq;
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

-- leave nothing behind for the suites that follow
DELETE FROM ccr.contacts WHERE source = 'asterisk';
TRUNCATE ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events;
SELECT setval(pg_get_serial_sequence('ccr.contacts', 'contact_id'), last_value) IS NOT NULL AS id_given_back
FROM regress.ql50_seq;
