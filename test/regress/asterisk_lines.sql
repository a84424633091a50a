\set ECHO none
-- The queue_log lines of sql/50_asterisk_events.sql: every event and every
-- malformed case (base time 1767261600 = 2026-01-01 10:00:00 UTC).
-- (Re)creates regress.ql50 (line text), the same rows every time; 50 imports
-- them and checks each contact against hand-worked values, 51 takes its good
-- calls to build realtime tables of every layout.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

DROP TABLE IF EXISTS regress.ql50;
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

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all
