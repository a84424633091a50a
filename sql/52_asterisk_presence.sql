-- Agent presence and occupancy from queue_log, hand-worked.
-- Day 1 = 2026-02-02 (UTC), times below are UTC.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
SELECT ccr.set_timezone('UTC');
-- the lines (regress.ql52) and the occupancy worked out by hand
-- (regress.ql52_expected), shared with 53
\i :abs_srcdir/test/regress/asterisk_presence_day.sql
INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/300', 'Carol');
SELECT * FROM ccr.import_queue_log('regress.ql52');

SELECT agent, state_from, state_until, logged_in, paused, queues FROM ccr.agent_states ORDER BY agent, state_from;

SELECT e.day, e.agent,
	   regress.close(o.logged_in_s, e.logged_in_s) AND regress.close(o.paused_s, e.paused_s)
	   AND regress.close(o.available_s, e.available_s) AND o.handled = e.handled
	   AND regress.close(o.handle_s, e.handle_s) AND regress.close(o.occupancy, e.occupancy) AS matches
FROM regress.ql52_expected e LEFT JOIN ccr.agent_occupancy_daily o USING (day, agent)
ORDER BY 1, 2;
SELECT count(*) AS daily_rows FROM ccr.agent_occupancy_daily;

-- hourly buckets add up to the days; a bucket inside a pause
SELECT d.agent, regress.close(sum(h.logged_in_s), d.logged_in_s) AND regress.close(sum(h.handle_s), d.handle_s) AS hours_add_up
FROM ccr.agent_occupancy_daily d
JOIN ccr.agent_occupancy('2026-02-02 00:00+00', '2026-02-04 00:00+00', '1 hour') h
  ON h.agent = d.agent AND h.bucket >= d.day::timestamptz AND h.bucket < (d.day + 1)::timestamptz
WHERE d.logged_in_s IS NOT NULL
GROUP BY d.agent, d.day, d.logged_in_s, d.handle_s ORDER BY 1;
SELECT bucket, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
FROM ccr.agent_occupancy('2026-02-02 12:00+00', '2026-02-02 13:00+00', '30 minutes') WHERE agent = 'Alice';

-- days are local days of ccr.timezone(): Carol's 22:00-02:00 UTC is 23:00-03:00 in Paris
SELECT ccr.set_timezone('Europe/Paris');
SELECT day, logged_in_s FROM ccr.agent_occupancy_daily WHERE agent = 'Carol' ORDER BY day;
SELECT ccr.set_timezone('UTC');

SELECT regress.err($$SELECT * FROM ccr.agent_occupancy(NULL, '2026-02-02', '1 hour')$$);
SELECT regress.err($$SELECT * FROM ccr.agent_occupancy('2026-02-02', '2026-02-03', '-1 hour')$$);
SELECT regress.err($$SELECT * FROM ccr.agent_occupancy('2026-02-02', '2026-02-01', '1 hour')$$);

