-- Asterisk realtime queue_log tables: the same calls as file lines and as
-- realtime rows (data1..data5 or one data column; time as timestamp read in
-- the session TimeZone, timestamptz, text, epoch) give the same contacts.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
\i :abs_srcdir/test/regress/asterisk_lines.sql
SET TimeZone = 'America/New_York';
-- the good calls of test 50 (regress.ql50), plus one across the DST change of 2026-03-08
-- (01:59:50 EST and 03:00:10 EDT are 20 s apart)
CREATE TABLE regress.ql51 (n serial, line text);
INSERT INTO regress.ql51 (line)
SELECT line FROM regress.ql50
WHERE split_part(line, '|', 2) IN ('A.1', 'B.1', 'C.1', 'D.1', 'E.1', 'F.1', 'G.1', 'H.1', 'I.1',
								   'K.1', 'M.1', 'N.1', 'U.1', 'T.1', 'L.1', 'MANAGER')
   OR split_part(line, '|', 5) IN ('PAUSE', 'UNPAUSE', 'AGENTLOGIN', 'AGENTLOGOFF', 'PAUSEALL', 'UNPAUSEALL', 'REMOVEMEMBER')
	  AND split_part(line, '|', 4) <> 'NONE';
INSERT INTO regress.ql51 (line) VALUES
('1772953190|DST.1|sales|NONE|ENTERQUEUE||+15559999|1'),
('1772953210|DST.1|sales|Alice|CONNECT|20|DST.2|4'),
('1772953270|DST.1|sales|Alice|COMPLETEAGENT|20|60|1');
SELECT count(*) AS lines FROM regress.ql51;

CREATE FUNCTION regress.ql51_snapshot() RETURNS TABLE (source_id text, queue text, agent text, customer text,
	offered_at timestamptz, answered_at timestamptz, ended_at timestamptz, outcome text, talk_s float8,
	transferred boolean, wait_s float8)
LANGUAGE sql AS $$
	SELECT source_id, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s, transferred, wait_s
	FROM ccr.contacts WHERE source = 'asterisk'
$$;
CREATE FUNCTION regress.ql51_reset() RETURNS void LANGUAGE sql AS $$
	DELETE FROM ccr.contacts WHERE source = 'asterisk';
	TRUNCATE ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events;
$$;
CREATE TABLE regress.ql51_presence (at timestamptz, agent text, queue text, event text, data1 text);

-- reference: the file lines
CREATE VIEW regress.ql51_lines AS SELECT line FROM regress.ql51 ORDER BY n;
SELECT * FROM ccr.import_queue_log('regress.ql51_lines');
CREATE TABLE regress.ql51_ref AS SELECT * FROM regress.ql51_snapshot();
INSERT INTO regress.ql51_presence SELECT * FROM ccr.agent_presence_events;
SELECT count(*) AS contacts, count(*) FILTER (WHERE source_id = 'DST.1' AND wait_s = 20 AND talk_s = 60) AS dst_call_ok
FROM regress.ql51_ref;
SELECT regress.ql51_reset();

-- the rows as parsed, for building the realtime tables
CREATE TABLE regress.ql51_rows AS
SELECT n, p.* FROM regress.ql51, ccr.parse_queue_log_line(line) p;

CREATE FUNCTION regress.ql51_check(src regclass) RETURNS TABLE (lines_read bigint, added bigint, rejected bigint,
	same_contacts boolean, same_presence boolean, pending bigint)
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
	SELECT * INTO r FROM ccr.import_queue_log(src);
	lines_read := r.lines_read; added := r.contacts_added; rejected := r.rejected;
	same_contacts := NOT EXISTS (SELECT * FROM regress.ql51_ref EXCEPT SELECT * FROM regress.ql51_snapshot())
				 AND NOT EXISTS (SELECT * FROM regress.ql51_snapshot() EXCEPT SELECT * FROM regress.ql51_ref);
	same_presence := NOT EXISTS (SELECT * FROM regress.ql51_presence EXCEPT SELECT * FROM ccr.agent_presence_events)
				 AND NOT EXISTS (SELECT * FROM ccr.agent_presence_events EXCEPT SELECT * FROM regress.ql51_presence);
	pending := (SELECT count(*) FROM ccr.queue_log_pending);
	PERFORM regress.ql51_reset();
	RETURN NEXT;
END $$;

-- Asterisk 1.8+ realtime: id, time timestamp (local, no zone), data1..data5
CREATE TABLE regress.rt_a (id bigint, "time" timestamp, callid varchar(80), queuename varchar(256),
	agent varchar(80), event varchar(32), data1 varchar(100), data2 varchar(100), data3 varchar(100),
	data4 varchar(100), data5 varchar(100));
INSERT INTO regress.rt_a
SELECT n, "time" AT TIME ZONE 'America/New_York', callid, queuename, agent, event,
	   data[1], data[2], data[3], data[4], data[5]
FROM regress.ql51_rows ORDER BY n DESC;	-- stored backwards: the id gives the order
SELECT * FROM regress.ql51_check('regress.rt_a');

-- one data column, timestamptz, no id: ordered by time, then ENTERQUEUE < CONNECT < the rest
CREATE TABLE regress.rt_b ("time" timestamptz, callid text, queuename text, agent text, event text, data text);
INSERT INTO regress.rt_b
SELECT "time", callid, queuename, agent, event, array_to_string(data, '|')
FROM regress.ql51_rows ORDER BY md5(n::text);
SELECT * FROM regress.ql51_check('regress.rt_b');

-- old schemas: time char(26) as text, local; a NULL and an unreadable time are rejected rows
CREATE TABLE regress.rt_c (id int, "time" char(26), callid text, queuename text, agent text, event text,
	data1 text, data2 text, data3 text, data4 text, data5 text);
INSERT INTO regress.rt_c
SELECT n, to_char("time" AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI:SS.US'), callid, queuename, agent, event,
	   coalesce(data[1], ''), coalesce(data[2], ''), coalesce(data[3], ''), coalesce(data[4], ''), coalesce(data[5], '')
FROM regress.ql51_rows;
INSERT INTO regress.rt_c VALUES (1000, NULL, 'Z.1', 'sales', 'NONE', 'ABANDON', '', '', '', '', ''),
	(1001, 'yesterday-ish', 'Z.2', 'sales', 'NONE', 'ABANDON', '', '', '', '', '');
SELECT * FROM regress.ql51_check('regress.rt_c');

-- time as an epoch number
CREATE TABLE regress.rt_d (id int, "time" bigint, callid text, queuename text, agent text, event text, data text);
INSERT INTO regress.rt_d
SELECT n, extract(epoch FROM "time")::bigint, callid, queuename, agent, event, array_to_string(data, '|')
FROM regress.ql51_rows;
SELECT * FROM regress.ql51_check('regress.rt_d');

-- the rejected rows of rt_c, as rebuilt lines
SELECT lines_read, rejected FROM ccr.import_queue_log('regress.rt_c');
SELECT line, reason FROM ccr.queue_log_rejects ORDER BY line_no;
SELECT regress.ql51_reset();
-- a realtime table read in another TimeZone moves every time by the offset
SET TimeZone = 'UTC';
SELECT regress.ql51_reset();
SELECT contacts_added FROM ccr.import_queue_log('regress.rt_a');
SELECT count(*) AS shifted_by_utc_offset
FROM regress.ql51_ref r JOIN ccr.contacts c ON c.source = 'asterisk' AND c.source_id = r.source_id AND c.queue = r.queue
WHERE c.offered_at - r.offered_at IN (interval '-5 hours', interval '-4 hours');
SELECT regress.ql51_reset();
