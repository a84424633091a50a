-- The capture's bulk path: a statement of more customers than
-- kpi_customer_log_limit logs the keys of every contact within the FCR
-- window of its period (one range scan), leaving out the rows its own
-- transaction wrote (their statements logged them).  Statements that are
-- each other's neighbours in one transaction, a key-moving update, a
-- backfill into the middle of history: after them the views equal the
-- _live views, and a refresh stores exactly what a rebuild computes.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SELECT ccr.set_timezone('Europe/Paris');
SELECT ccr.set_kpi_fcr_window('2 days');
\set ECHO none
\set n 1200
\set days 4
\set start 2026-10-20
\set tz Europe/Paris
\set seed 0.35
\set customers 150
\set source c35
\i :abs_srcdir/test/data/generate_contacts.sql
\set ECHO all
SELECT regress.model_refresh() > 0 AS refreshed;
-- every statement with a customer takes the bulk path
INSERT INTO ccr.settings (name, value) VALUES ('kpi_customer_log_limit', '1');
SELECT rebuild_due IS NULL AS no_rebuild_due FROM ccr.kpi_refresh_status LIMIT 1;

-- one transaction: contacts of existing customers, then their repeats an
-- hour later in a second statement (the first statement's rows are the
-- second's neighbours), then an update moving some of the first ones
BEGIN;
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at,
						  outcome, talk_s, resolved, fcr)
SELECT 'b1', c.contact_id::text, c.channel, c.queue, c.agent, c.customer, c.offered_at + interval '30 hours',
	   c.answered_at + interval '30 hours', c.ended_at + interval '30 hours', c.outcome, c.talk_s, c.resolved, c.fcr
FROM ccr.contacts c WHERE c.source = 'c35' AND c.contact_id % 7 = 0;
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at,
						  outcome, talk_s, resolved, fcr)
SELECT 'b2', c.source_id, c.channel, c.queue, c.agent, c.customer, c.offered_at + interval '1 hour',
	   c.answered_at + interval '1 hour', c.ended_at + interval '1 hour', c.outcome, c.talk_s, c.resolved, c.fcr
FROM ccr.contacts c WHERE c.source = 'b1' AND c.contact_id % 2 = 0;
UPDATE ccr.contacts SET offered_at = offered_at - interval '20 hours', answered_at = answered_at - interval '20 hours',
	   ended_at = ended_at - interval '20 hours', queue = coalesce(queue, 'q') || '-moved'
WHERE source = 'b1' AND contact_id % 3 = 0;
COMMIT;

-- another transaction: a backfill of one old day (its neighbours are
-- contacts of other transactions, found only by the range scan)
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at,
						  outcome, talk_s, resolved, fcr)
SELECT 'b3', c.contact_id::text, c.channel, c.queue, c.agent, c.customer, c.offered_at - interval '5 hours',
	   c.answered_at - interval '5 hours', c.ended_at - interval '5 hours', c.outcome, c.talk_s, c.resolved, c.fcr
FROM ccr.contacts c
WHERE c.source = 'c35' AND c.offered_at >= '2026-10-22 00:00+02' AND c.offered_at < '2026-10-23 00:00+02';

SELECT (SELECT count(*) FROM ccr.contacts WHERE source IN ('b1', 'b2', 'b3')) > 200 AS added;
-- real time equals live before the refresh
SELECT (SELECT count(*) FROM ((TABLE ccr.kpi_hourly EXCEPT ALL TABLE ccr.kpi_hourly_live) UNION ALL (TABLE ccr.kpi_hourly_live EXCEPT ALL TABLE ccr.kpi_hourly)) a) AS hourly_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_daily EXCEPT ALL TABLE ccr.kpi_daily_live) UNION ALL (TABLE ccr.kpi_daily_live EXCEPT ALL TABLE ccr.kpi_daily)) a) AS daily_diff,
	   (SELECT count(*) FROM ((TABLE ccr.kpi_agent_daily EXCEPT ALL TABLE ccr.kpi_agent_daily_live) UNION ALL (TABLE ccr.kpi_agent_daily_live EXCEPT ALL TABLE ccr.kpi_agent_daily)) a) AS agent_diff;

-- the refresh (per key, not a rebuild) stores what a rebuild computes
SELECT count(*) FILTER (WHERE rebuild_due IS NOT NULL) AS rebuild_due FROM ccr.kpi_refresh_status;
SELECT (SELECT count(*) FROM ccr._kpi_pending_hour_keys) BETWEEN 1 AND 1000 AS refreshed_by_key;
SELECT regress.model_refresh() > 0 AS refreshed;
CREATE TEMP TABLE stored AS
SELECT 'h' AS r, x::text AS t FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x;
SELECT count(*) > 0 AS rebuilt FROM ccr.rebuild_kpis();
SELECT count(*) AS rows_refresh_and_rebuild_differ FROM (
	(TABLE stored EXCEPT ALL (SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x))
	UNION ALL
	((SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
		UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x)
	 EXCEPT ALL TABLE stored)) z;
SELECT (SELECT sum(first_contacts) FROM ccr.kpi_hourly_rollup) > 0 AS has_first_contacts;
DELETE FROM ccr.settings WHERE name = 'kpi_customer_log_limit';
