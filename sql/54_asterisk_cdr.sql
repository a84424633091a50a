-- Customer numbers from the Asterisk CDR (hand-worked).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
CREATE TABLE regress.ql53 (line text);
INSERT INTO regress.ql53 VALUES
('1767261600|u1|sales|NONE|ENTERQUEUE|||1'),
('1767261610|u1|sales|NONE|ABANDON|1|1|10'),
('1767261700|u2|sales|NONE|ENTERQUEUE||anonymous|1'),
('1767261710|u2|sales|NONE|ABANDON|1|1|10'),
('1767261800|u3|sales|NONE|ENTERQUEUE||+1999|1'),
('1767261810|u3|sales|NONE|ABANDON|1|1|10'),
('1767261900|u4|sales|NONE|ENTERQUEUE||Unknown|1'),
('1767261910|u4|sales|NONE|ABANDON|1|1|10'),
('1767262000|u5|sales|NONE|ENTERQUEUE|||1'),
('1767262010|u5|sales|NONE|ABANDON|1|1|10');
SELECT * FROM ccr.import_queue_log('regress.ql53');

-- the CDR columns of Asterisk's cdr table (cdr_pgsql / cdr_odbc)
CREATE TABLE regress.cdr53 (calldate timestamp, clid text, src text, dst text, dcontext text, channel text,
	dstchannel text, lastapp text, lastdata text, duration int, billsec int, disposition text,
	amaflags int, accountcode text, uniqueid text, userfield text, linkedid text);
INSERT INTO regress.cdr53 (calldate, clid, src, dst, duration, billsec, disposition, uniqueid, linkedid) VALUES
	('2026-01-01 10:00:00', '"Ann" <+1111>', '+1111', '500', 10, 0, 'NO ANSWER', 'u1', 'u1'),
	('2026-01-01 10:00:05', '"Ann" <+1111>', '201', '500', 5, 5, 'ANSWERED', 'u1.leg', 'u1'),	-- the agent's leg
	('2026-01-01 10:01:40', '"Bob" <+1222>', '', '500', 10, 0, 'NO ANSWER', 'u2', 'u2'),			-- number only in clid
	('2026-01-01 10:03:20', '"Cy" <+1333>', '+1333', '500', 10, 0, 'NO ANSWER', 'u3', 'u3'),
	('2026-01-01 10:06:40', '"Eve" <+1555>', '+1555', '500', 10, 0, 'NO ANSWER', 'u5.other', 'u5'), -- only linked
	('2026-01-01 10:10:00', '"Fay" <+1666>', '+1666', '500', 10, 0, 'NO ANSWER', 'u6', 'u6');		-- call not loaded yet
SELECT * FROM ccr.import_cdr('regress.cdr53');
SELECT source_id, customer FROM ccr.contacts WHERE source = 'asterisk' ORDER BY source_id;
-- again: nothing left to fill
SELECT * FROM ccr.import_cdr('regress.cdr53');
-- overwrite: the CDR number wins over ENTERQUEUE's caller id (u3)
SELECT * FROM ccr.import_cdr('regress.cdr53', overwrite => true);
SELECT source_id, customer FROM ccr.contacts WHERE source = 'asterisk' AND source_id = 'u3';
-- a call imported after its CDR gets the number at import time
CREATE TABLE regress.ql53b (line text);
INSERT INTO regress.ql53b VALUES
('1767262200|u6|sales|NONE|ENTERQUEUE|||1'),
('1767262210|u6|sales|NONE|EXITEMPTY|1|1|10');
SELECT * FROM ccr.import_queue_log('regress.ql53b');
SELECT source_id, customer, outcome FROM ccr.contacts WHERE source = 'asterisk' AND source_id = 'u6';

SELECT regress.err($$SELECT * FROM ccr.import_cdr(NULL)$$);
SELECT regress.err($$SELECT * FROM ccr.import_cdr('regress.ql53')$$);
