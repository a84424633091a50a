-- ccr.business_add: the inverse of business_seconds, the first instant
-- reached, bad parameters; compiled calendars never stale; parallel plans.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
-- the calendars and spans of 41_business_time
\i :abs_srcdir/test/regress/business_calendars.sql
-- and three of 42_business_dst: New York office hours plus Sunday 01:00-04:00,
-- a Sunday opening inside the repeated hour, 24/7
INSERT INTO ccr.calendars VALUES
	('h_ny', 'America/New_York'), ('h_ny_fold', 'America/New_York'), ('h_ny_247', 'America/New_York');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
VALUES ('h_ny', 7, time '01:00', time '04:00'), ('h_ny_fold', 7, '01:30', '05:00')
UNION ALL SELECT 'h_ny', d, time '09:00', time '17:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'h_ny_247', d, '00:00', '24:00' FROM generate_series(1, 7) d;

CREATE TABLE regress.adds AS
SELECT calendar, s, x
FROM (SELECT calendar, s, ccr.business_seconds(s, f, calendar) AS x FROM regress.spans
	  UNION ALL
	  SELECT calendar, s, round((regress.rand(4301, calendar || extract(epoch FROM s) || f) * 30 * 86400)::numeric, 6)::float8 FROM regress.spans
	  UNION ALL
	  SELECT calendar, s, -round((regress.rand(4302, calendar || extract(epoch FROM s) || f) * 30 * 86400)::numeric, 6)::float8 FROM regress.spans
	  UNION ALL
	  SELECT calendar, f, -ccr.business_seconds(s, f, calendar) FROM regress.spans) a
WHERE x <> 0;
CREATE TABLE regress.add_results AS
SELECT *, ccr.business_add(s, x, calendar) AS t FROM regress.adds;
SELECT calendar, count(*) AS adds,
	   count(*) FILTER (WHERE ccr.business_seconds(s, t, calendar) <> x) AS not_inverse,
	   -- the first instant: a microsecond earlier (later, going back) is not enough yet
	   count(*) FILTER (WHERE x > 0 AND ccr.business_seconds(s, t - interval '1 microsecond', calendar) >= x) AS not_first_fwd,
	   count(*) FILTER (WHERE x < 0 AND ccr.business_seconds(s, t + interval '1 microsecond', calendar) <= x) AS not_first_back
FROM regress.add_results GROUP BY calendar ORDER BY calendar;
-- the due time of a span's own business time is never after the span's end
SELECT count(*) FILTER (WHERE ccr.business_add(s, ccr.business_seconds(s, f, calendar), calendar) > f) AS after_end
FROM regress.spans;

-- far from today (outside the precompiled 1800..2400 table) and across its edges
SELECT c, count(*) AS adds, count(*) FILTER (WHERE ccr.business_seconds(s, ccr.business_add(s, x, c), c) <> x) AS not_inverse
FROM unnest(ARRAY['r_ny_office', 'r_hel_night', 'h_ny_247']) c,
	 unnest(ARRAY[timestamptz '1750-06-01 12:00+00', '1799-12-20 00:00+00', '2399-12-20 00:00+00',
				  '2500-03-01 00:00+00']) s,
	 unnest(ARRAY[3600.5, 86400 * 90.0, -86400 * 90.0, 86400 * 400.0, -86400 * 400.0]) x
GROUP BY c ORDER BY c;

-- never open: the due time is never reached
SELECT ccr.business_add('2026-01-01', 1, 'r_never') AS never_fwd,
	   ccr.business_add('2026-01-01', -1, 'r_never') AS never_back,
	   ccr.business_add('2026-01-01', 0, 'r_never') AS zero;
-- NULLs and bad parameters
SELECT ccr.business_add(NULL, 1, 'default') IS NULL AS null_start,
	   ccr.business_add(now(), NULL, 'default') IS NULL AS null_seconds;
SELECT regress.err($$SELECT ccr.business_add(now(), 60, 'no such calendar')$$);
SELECT regress.err($$SELECT ccr.business_add(now(), 60, NULL)$$);
SELECT regress.err($$SELECT ccr.business_add(now(), 'NaN', 'default')$$);
SELECT regress.err($$SELECT ccr.business_add(now(), 'infinity', 'default')$$);
SELECT regress.err($$SELECT ccr.business_add(now(), 1e300, 'default')$$);
SELECT regress.err($$SELECT ccr.business_add(now(), 1e13, 'default')$$);
SELECT regress.err($$SELECT ccr.business_add(now(), -1e13, 'r_ny_office')$$);
SELECT regress.err($$SELECT ccr.business_add('infinity', 60, 'default')$$);

-- Never stale.  This session: the next statement sees a change.
CREATE TABLE regress.probe AS SELECT timestamptz '2026-06-01 09:00-04' AS s, timestamptz '2026-06-01 12:00-04' AS f;
SELECT ccr.business_seconds(s, f, 'h_ny') AS before FROM regress.probe;
UPDATE ccr.calendar_hours SET opens = '10:00' WHERE calendar = 'h_ny' AND isodow = 1;
SELECT ccr.business_seconds(s, f, 'h_ny') AS after_update FROM regress.probe;
INSERT INTO ccr.calendar_holidays VALUES ('h_ny', '2026-06-01');
SELECT ccr.business_seconds(s, f, 'h_ny') AS after_holiday FROM regress.probe;
-- a transaction sees its own change; a rollback takes it back
BEGIN;
DELETE FROM ccr.calendar_holidays WHERE calendar = 'h_ny';
SELECT ccr.business_seconds(s, f, 'h_ny') AS in_transaction FROM regress.probe;
ROLLBACK;
SELECT ccr.business_seconds(s, f, 'h_ny') AS after_rollback FROM regress.probe;
TRUNCATE ccr.calendar_holidays;
SELECT ccr.business_seconds(s, f, 'h_ny') AS after_truncate FROM regress.probe;
UPDATE ccr.calendars SET timezone = 'Europe/Helsinki' WHERE name = 'h_ny';
SELECT ccr.business_seconds(s, f, 'h_ny') AS after_timezone FROM regress.probe;
UPDATE ccr.calendars SET timezone = 'America/New_York' WHERE name = 'h_ny';
UPDATE ccr.calendar_hours SET opens = '09:00' WHERE calendar = 'h_ny' AND isodow = 1;
SELECT ccr.business_seconds(s, f, 'h_ny') AS restored FROM regress.probe;

-- Another session (dblink to this database): a committed change here is seen
-- by its next statement, and its change by ours.
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=%s',
	split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
	current_database(), current_user));
SELECT * FROM dblink('other', $$SELECT ccr.business_seconds('2026-06-01 09:00-04', '2026-06-01 12:00-04', 'h_ny')$$) AS r(x float8);
UPDATE ccr.calendar_hours SET opens = '11:00' WHERE calendar = 'h_ny' AND isodow = 1;
SELECT * FROM dblink('other', $$SELECT ccr.business_seconds('2026-06-01 09:00-04', '2026-06-01 12:00-04', 'h_ny')$$) AS r(x float8);
SELECT ccr.business_seconds(s, f, 'h_ny') AS here_cached FROM regress.probe;
SELECT dblink_exec('other', $$UPDATE ccr.calendar_hours SET opens = '09:30' WHERE calendar = 'h_ny' AND isodow = 1$$);
SELECT ccr.business_seconds(s, f, 'h_ny') AS here_after_other FROM regress.probe;
-- the other session, inside a transaction, sees our commit at its next statement
SELECT dblink_exec('other', 'BEGIN');
SELECT * FROM dblink('other', $$SELECT ccr.business_seconds('2026-06-01 09:00-04', '2026-06-01 12:00-04', 'h_ny')$$) AS r(x float8);
UPDATE ccr.calendar_hours SET opens = '09:00' WHERE calendar = 'h_ny' AND isodow = 1;
SELECT * FROM dblink('other', $$SELECT ccr.business_seconds('2026-06-01 09:00-04', '2026-06-01 12:00-04', 'h_ny')$$) AS r(x float8);
SELECT dblink_exec('other', 'COMMIT');
DELETE FROM ccr.calendars WHERE name = 'h_ny_fold';
SELECT * FROM dblink('other', $$SELECT regress.err('SELECT ccr.business_seconds(now(), now(), ''h_ny_fold'')')$$) AS r(x text);
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;

-- Parallel plans give the same answers as serial ones.
CREATE TABLE regress.par_spans AS SELECT * FROM regress.spans, generate_series(1, 20) g;
-- (sums of whole microseconds: a float8 sum would depend on the order)
SELECT sum(round(ccr.business_seconds(s, f, calendar) * 1e6)::bigint) AS serial_sum,
	   sum((extract(epoch FROM ccr.business_add(s, 3600, calendar)) * 1e6)::bigint) AS serial_adds
FROM regress.par_spans \gset
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT sum(ccr.business_seconds(s, f, calendar)) FROM regress.par_spans;
SELECT sum(round(ccr.business_seconds(s, f, calendar) * 1e6)::bigint) = :serial_sum AS parallel_same,
	   sum((extract(epoch FROM ccr.business_add(s, 3600, calendar)) * 1e6)::bigint) = :serial_adds AS parallel_adds
FROM regress.par_spans;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
