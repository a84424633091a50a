-- Business calendar tables: the 'default' calendar, validation of rows
-- (SQLSTATE 22023 naming the value), pg_dump registration.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

SELECT name, timezone FROM ccr.calendars ORDER BY name;
SELECT isodow, opens, closes FROM ccr.calendar_hours WHERE calendar = 'default' ORDER BY isodow;

-- bad rows
SELECT regress.err($$INSERT INTO ccr.calendars VALUES ('bad', 'Mars/Olympus_Mons')$$);
SELECT regress.err($$INSERT INTO ccr.calendars VALUES ('bad', '')$$);
SELECT regress.err($$INSERT INTO ccr.calendars VALUES ('bad', NULL)$$);
INSERT INTO ccr.calendars VALUES ('regress_office', 'Europe/Helsinki');
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('regress_office', 1, '17:00', '09:00')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('regress_office', 1, '09:00', '09:00')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('regress_office', 8, '09:00', '17:00')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('regress_office', 0, '09:00', '17:00')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('nosuch', 1, '09:00', '17:00')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_holidays VALUES ('regress_office', 'infinity')$$);
SELECT regress.err($$INSERT INTO ccr.calendar_hours VALUES ('regress_office', 5, '20:00', '24:00')$$);
SELECT regress.err($$UPDATE ccr.calendars SET timezone = 'Nowhere/Town' WHERE name = 'regress_office'$$);
SELECT regress.err($$INSERT INTO ccr.ticket_status_history VALUES ('no-such-ticket', now(), 'open')$$);
SELECT regress.err($$INSERT INTO ccr.tickets (ticket_id, created_at, reopens) VALUES ('t', now(), -1)$$);
SELECT regress.err($$INSERT INTO ccr.tickets (ticket_id, created_at, calendar) VALUES ('t', now(), 'nosuch')$$);
DELETE FROM ccr.calendars WHERE name = 'regress_office';
SELECT count(*) AS leftover_hours FROM ccr.calendar_hours WHERE calendar = 'regress_office';

-- registered for pg_dump; the extension's own 'default' rows are filtered out
SELECT c.relname, e.cond
FROM pg_extension x, unnest(x.extconfig, x.extcondition) AS e(oid, cond)
JOIN pg_class c ON c.oid = e.oid
WHERE x.extname = 'ccr_metrics' AND c.relname IN
	('calendars', 'calendar_hours', 'calendar_holidays', 'tickets', 'ticket_status_history')
ORDER BY 1;
SELECT regress.err($$INSERT INTO ccr.tickets (ticket_id, created_at, first_reply_at) VALUES ('t', '2026-01-02', '2026-01-01')$$);
SELECT regress.err($$INSERT INTO ccr.tickets (ticket_id, created_at, first_solved_at, solved_at) VALUES ('t', '2026-01-01', '2026-01-03', '2026-01-02')$$);
