-- Occupancy in ccr.kpi_agent_daily (and its live twin) after ccr.refresh_kpis().
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
SELECT ccr.set_timezone('UTC');
-- test 52's day (regress.ql52, regress.ql52_expected): Alice 900 s handled /
-- 28800 s available, Bob 1395 / 27900, Carol 0 on day 1 and 720 / 7200 on
-- day 2, Dave has calls but no presence
\i :abs_srcdir/test/regress/asterisk_presence_day.sql
INSERT INTO ccr.asterisk_agent_alias VALUES ('SIP/300', 'Carol');
SELECT lines_read, contacts_added FROM ccr.import_queue_log('regress.ql52');
SELECT count(*) AS contacts FROM ccr.contacts WHERE source = 'asterisk';
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
SELECT k.day, k.agent, k.answered, k.handled,
	   regress.close(k.occupancy, e.occupancy) AS occupancy_ok,
	   regress.close(l.occupancy, e.occupancy) AS live_ok
FROM regress.ql52_expected e
JOIN ccr.kpi_agent_daily k ON k.day = e.day AND k.agent = e.agent
JOIN ccr.kpi_agent_daily_live l ON l.day = e.day AND l.agent = e.agent
ORDER BY 1, 2;
-- the live view reads one agent-day at a time: filtered on a day, every
-- agent's occupancy equals the occupancy view's
SELECT count(*) AS agent_days, count(l.occupancy) AS with_occupancy,
	   count(*) FILTER (WHERE o.occupancy IS NULL AND l.occupancy IS NULL
					   OR regress.close(l.occupancy, o.occupancy)) AS same_as_view
FROM ccr.kpi_agent_daily_live l LEFT JOIN ccr.agent_occupancy_daily o USING (day, agent)
WHERE l.day = (SELECT min(day) FROM regress.ql52_expected);
-- Carol's day 1 has presence but no contact, so no kpi_agent_daily row (the
-- view has a row per day and agent with contacts); the occupancy view has it
SELECT day, agent, occupancy FROM ccr.agent_occupancy_daily_rollup WHERE agent = 'Carol' ORDER BY day;
-- the rollup is as of the last refresh: new presence shows after the next one
INSERT INTO regress.ql52 (line) VALUES
	(extract(epoch FROM timestamptz '2026-02-02 18:00+00')::bigint || '|MANAGER|sales|Alice|ADDMEMBER|'),
	(extract(epoch FROM timestamptz '2026-02-02 19:00+00')::bigint || '|MANAGER|sales|Alice|REMOVEMEMBER|');
SELECT lines_read, contacts_added, contacts_updated FROM ccr.import_queue_log('regress.ql52');
SELECT regress.close(occupancy, 900 / 28800.0) AS before_refresh FROM ccr.kpi_agent_daily WHERE agent = 'Alice';
SELECT regress.close(occupancy, 900 / 32400.0) AS live_now FROM ccr.kpi_agent_daily_live WHERE agent = 'Alice';
SELECT count(*) > 0 AS refreshed FROM ccr.refresh_kpis();
SELECT regress.close(occupancy, 900 / 32400.0) AS after_refresh FROM ccr.kpi_agent_daily WHERE agent = 'Alice';

