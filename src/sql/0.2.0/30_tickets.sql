
-- ===================== tickets and business calendars =====================

-- Validation used by the CHECK constraints of the calendar tables.  They raise
-- 22023 with the offending value instead of returning false, so a bad row is
-- reported the way every other bad parameter of the extension is.
CREATE FUNCTION ccr.calendar_timezone_ok(timezone text) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ccr_calendar_timezone_ok' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.calendar_timezone_ok(text) IS
	'true for a time zone name PostgreSQL knows (IANA, as SET TIME ZONE takes it); otherwise SQLSTATE 22023';
CREATE FUNCTION ccr.calendar_hours_ok(isodow integer, opens time, closes time) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ccr_calendar_hours_ok' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.calendar_hours_ok(integer, time, time) IS
	'true when isodow is 1..7 and opens < closes (closes may be 24:00); otherwise SQLSTATE 22023';

CREATE TABLE ccr.calendars (
	name text PRIMARY KEY,
	timezone text NOT NULL CONSTRAINT calendars_timezone_check CHECK (ccr.calendar_timezone_ok(timezone))
);
COMMENT ON TABLE ccr.calendars IS
	'business calendars: opening hours (ccr.calendar_hours) are local wall-clock times in timezone (IANA); ''default'' is 24/7 UTC';

CREATE TABLE ccr.calendar_hours (
	calendar text NOT NULL REFERENCES ccr.calendars (name) ON UPDATE CASCADE ON DELETE CASCADE,
	isodow integer NOT NULL,
	opens time NOT NULL,
	closes time NOT NULL,
	CONSTRAINT calendar_hours_check CHECK (ccr.calendar_hours_ok(isodow, opens, closes)),
	PRIMARY KEY (calendar, isodow, opens)
);
COMMENT ON TABLE ccr.calendar_hours IS
	'opening hours [opens, closes) of a calendar on ISO weekday isodow (1 = Monday); several rows a day allowed (overlaps are merged); closes may be 24:00';

CREATE TABLE ccr.calendar_holidays (
	calendar text NOT NULL REFERENCES ccr.calendars (name) ON UPDATE CASCADE ON DELETE CASCADE,
	day date NOT NULL CONSTRAINT calendar_holidays_day_check CHECK (isfinite(day)),
	PRIMARY KEY (calendar, day)
);
COMMENT ON TABLE ccr.calendar_holidays IS 'local dates on which a calendar is closed all day';

CREATE TABLE ccr.tickets (
	ticket_id text PRIMARY KEY,
	customer text,
	channel text,
	queue text,
	agent text,
	priority text,
	status text,
	calendar text REFERENCES ccr.calendars (name) ON UPDATE CASCADE,
	created_at timestamptz NOT NULL,
	first_reply_at timestamptz,
	first_solved_at timestamptz,
	solved_at timestamptz,
	closed_at timestamptz,
	reopens integer NOT NULL DEFAULT 0 CONSTRAINT tickets_reopens_check CHECK (reopens >= 0),
	agent_replies integer CONSTRAINT tickets_agent_replies_check CHECK (agent_replies >= 0),
	-- durations from created_at are never negative: bad rows are refused, not clamped
	CONSTRAINT tickets_first_reply_at_check CHECK (first_reply_at >= created_at),
	CONSTRAINT tickets_first_solved_at_check CHECK (first_solved_at >= created_at),
	CONSTRAINT tickets_solved_at_check CHECK (solved_at >= coalesce(first_solved_at, created_at)),
	CONSTRAINT tickets_closed_at_check CHECK (closed_at >= created_at)
);
CREATE INDEX tickets_created_at_idx ON ccr.tickets (created_at);
COMMENT ON TABLE ccr.tickets IS
	'one row per ticket; calendar NULL means ''default''; a ticket closed without ever being solved counts as solved at closed_at';

CREATE TABLE ccr.ticket_status_history (
	ticket_id text NOT NULL REFERENCES ccr.tickets (ticket_id) ON UPDATE CASCADE ON DELETE CASCADE,
	at timestamptz NOT NULL,
	status text NOT NULL CONSTRAINT ticket_status_history_status_check
		CHECK (status IN ('new', 'open', 'pending', 'hold', 'solved', 'closed')),
	PRIMARY KEY (ticket_id, at)
);
COMMENT ON TABLE ccr.ticket_status_history IS
	'status of a ticket from at until the ticket''s next row';

-- Compiled calendars are cached per backend; any change to the calendar
-- tables sends a relcache invalidation for that table (at commit to every
-- session, at the end of the command to this one), which drops the cache.
CREATE FUNCTION ccr.calendar_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'ccr_calendar_changed' LANGUAGE C;
COMMENT ON FUNCTION ccr.calendar_changed() IS
	'trigger: invalidates the compiled business calendars of every session';
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ccr.calendars
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.calendar_changed();
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ccr.calendar_hours
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.calendar_changed();
CREATE TRIGGER calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ccr.calendar_holidays
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.calendar_changed();

-- Business time.  STABLE: the result depends on the calendar tables.  Not
-- STRICT: a NULL start or finish gives NULL, a NULL calendar is an error.
CREATE FUNCTION ccr.business_seconds(start timestamptz, finish timestamptz, calendar text)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_business_seconds' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.business_seconds(timestamptz, timestamptz, text) IS
	'seconds of open hours of calendar in [start, finish) (negative when finish < start); hours are local wall-clock times of the calendar''s time zone';
CREATE FUNCTION ccr.business_add(start timestamptz, seconds double precision, calendar text)
	RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'ccr_business_add' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.business_add(timestamptz, double precision, text) IS
	'first instant at which seconds business seconds of calendar have passed since start (an SLA due time); business_seconds(start, business_add(start, x, c), c) = x';

-- The 'default' calendar belongs to the extension: it is created here, so
-- pg_dump leaves it out (it would otherwise be restored twice).
INSERT INTO ccr.calendars (name, timezone) VALUES ('default', 'UTC');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
SELECT 'default', d, time '00:00', time '24:00' FROM generate_series(1, 7) d;

SELECT pg_catalog.pg_extension_config_dump('ccr.calendars', 'WHERE name <> ''default''');
SELECT pg_catalog.pg_extension_config_dump('ccr.calendar_hours', 'WHERE calendar <> ''default''');
SELECT pg_catalog.pg_extension_config_dump('ccr.calendar_holidays', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.tickets', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.ticket_status_history', '');
