-- Row-level security on ccr.contacts applies through the live (security
-- invoker) views: a team lead who may only see her queues sees only them.
-- The materialized layer shows every row to whoever may read it; it is
-- readable only when granted.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\set n 3000
\set days 7
\set seed 0.77
\set source sec
\i :abs_srcdir/test/data/generate_contacts.sql
\set ECHO all
SELECT regress.model_refresh() AS refreshed;

CREATE ROLE ccr_team_lead NOLOGIN;
CREATE ROLE ccr_bi NOLOGIN;
GRANT USAGE ON SCHEMA ccr, regress TO ccr_team_lead, ccr_bi;
GRANT SELECT ON ccr.contacts, ccr.kpi_daily_live, ccr.kpi_hourly_live, ccr.kpi_agent_daily_live TO ccr_team_lead;
GRANT SELECT ON ccr.kpi_daily, ccr.kpi_hourly TO ccr_bi;
ALTER TABLE ccr.contacts ENABLE ROW LEVEL SECURITY;
CREATE POLICY team_lead_queues ON ccr.contacts FOR SELECT TO ccr_team_lead USING (queue IN ('sales', 'billing'));

-- The live views use the caller's rights.
SELECT c.relname, c.reloptions FROM pg_class c
WHERE c.oid IN ('ccr.kpi_hourly'::regclass, 'ccr.kpi_daily'::regclass, 'ccr.kpi_monthly'::regclass, 'ccr.kpi_agent_daily'::regclass,
				'ccr.kpi_hourly_live'::regclass, 'ccr.kpi_daily_live'::regclass, 'ccr.kpi_agent_daily_live'::regclass)
ORDER BY 1;

SET ROLE ccr_team_lead;
SELECT queue, sum(offered) AS offered FROM ccr.kpi_daily_live GROUP BY 1 ORDER BY 1;
SELECT DISTINCT queue FROM ccr.kpi_hourly_live ORDER BY 1;
-- what she sees equals plain SQL restricted to her queues
SELECT sum(offered) = (SELECT count(wait_s) FROM ccr.contacts) AS live_matches_visible_rows,
	   (SELECT count(*) FROM ccr.contacts) AS visible_contacts
FROM ccr.kpi_daily_live;
SELECT sum(contacts) AS agent_contacts FROM ccr.kpi_agent_daily_live;
-- no grant on the materialized layer, the rollups or the refresh
SELECT regress.err($$SELECT * FROM ccr.kpi_daily$$);
SELECT regress.err($$SELECT * FROM ccr.kpi_daily_rollup$$);
SELECT regress.err($$SELECT ccr.refresh_kpis()$$);
RESET ROLE;
SELECT sum(contacts) FILTER (WHERE queue IN ('sales', 'billing')) AS her_queues_agent_ref,
	   sum(offered) FILTER (WHERE queue IN ('sales', 'billing')) AS her_queues_offered_ref
FROM ccr.kpi_daily;
SELECT count(*) AS her_agent_contacts_ref FROM ccr.contacts WHERE queue IN ('sales', 'billing') AND agent IS NOT NULL;

-- The BI role granted the materialized views sees every queue (documented).
SET ROLE ccr_bi;
SELECT count(DISTINCT queue) AS queues, count(*) > 0 AS readable FROM ccr.kpi_daily;
SELECT regress.err($$SELECT count(*) FROM ccr.kpi_daily_live$$);
RESET ROLE;

DROP POLICY team_lead_queues ON ccr.contacts;
ALTER TABLE ccr.contacts DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON ccr.contacts, ccr.kpi_daily_live, ccr.kpi_hourly_live, ccr.kpi_agent_daily_live, ccr.kpi_daily, ccr.kpi_hourly FROM ccr_team_lead, ccr_bi;
REVOKE USAGE ON SCHEMA ccr, regress FROM ccr_team_lead, ccr_bi;
DROP ROLE ccr_team_lead;
DROP ROLE ccr_bi;
DELETE FROM ccr.contacts;
SELECT regress.model_refresh() AS refreshed;
