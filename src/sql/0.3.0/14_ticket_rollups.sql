
-- ===================== ticket rollup: storage =====================
-- ccr.ticket_kpi_daily_rollup was a materialized view recomputed from every
-- ticket at each refresh.  From 0.3.0 it is a table refreshed by (local
-- day, queue, channel) key like the KPI rollups (src/sql/0.3.0/10_kpi_layer.sql);
-- its definitions are in src/sql/views/44_ticket_rollups.sql.

-- What one key's recompute reads: the tickets created on a day
-- (tickets_created_at_idx), those solved on it (this index: the solve
-- instant of ccr.ticket_metrics' full resolution, NULL while not solved),
-- and their contacts (contacts_ticket_id_idx).
CREATE INDEX tickets_solved_idx ON ccr.tickets ((
	CASE WHEN closed_at IS NOT NULL OR status IS NULL OR status IN ('solved', 'closed')
		 THEN coalesce(solved_at, first_solved_at, closed_at) END));

-- Pending (local day, queue, channel) keys, one row per key per statement
-- that touched it; duplicates are folded when read, and a refresh deletes
-- the rows it consumed.
CREATE TABLE ccr.kpi_pending_ticket_days (
	day date NOT NULL,
	queue text,
	channel text,
	changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_pending_ticket_days_day_idx ON ccr.kpi_pending_ticket_days (day);
COMMENT ON TABLE ccr.kpi_pending_ticket_days IS 'continuous KPI layer: (local day, queue, channel) keys of ccr.ticket_kpi_daily_rollup changed since the last ccr.refresh_kpis() (a ticket''s created day and solve day)';
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_ticket_days', '');
INSERT INTO ccr.kpi_rollups (rollup, refresh_order) VALUES ('ticket_kpi_daily_rollup', 80)
ON CONFLICT (rollup) DO UPDATE SET refresh_order = EXCLUDED.refresh_order;

-- The 0.2.0 materialized view becomes a table of the same name and columns,
-- with its rows and grants; ccr.ticket_kpi_daily is re-pointed by
-- src/sql/views, and the old one is dropped by src/sql/views/99_cleanup.sql.
DO $$
BEGIN
	ALTER MATERIALIZED VIEW ccr.ticket_kpi_daily_rollup RENAME TO ticket_kpi_daily_rollup_020;
	ALTER INDEX ccr.ticket_kpi_daily_rollup_key RENAME TO ticket_kpi_daily_rollup_020_key;
	CREATE TABLE ccr.ticket_kpi_daily_rollup (
		day date NOT NULL, queue text, channel text,
		created bigint NOT NULL, solved bigint NOT NULL, solved_that_day bigint NOT NULL,
		first_reply ccr.duration_summary, first_reply_business ccr.duration_summary,
		full_resolution ccr.duration_summary, full_resolution_business ccr.duration_summary,
		one_touch bigint NOT NULL, one_touch_of bigint NOT NULL, reopened bigint NOT NULL,
		agent_replies bigint NOT NULL, agent_replies_of bigint NOT NULL,
		contacts bigint NOT NULL, csat_hits bigint NOT NULL, csat_responses bigint NOT NULL,
		CONSTRAINT ticket_kpi_daily_rollup_key UNIQUE NULLS NOT DISTINCT (day, queue, channel));
	INSERT INTO ccr.ticket_kpi_daily_rollup
	SELECT day, queue, channel, created, solved, solved_that_day, first_reply, first_reply_business,
		   full_resolution, full_resolution_business, one_touch, one_touch_of, reopened, agent_replies,
		   agent_replies_of, contacts, csat_hits, csat_responses
	FROM ccr.ticket_kpi_daily_rollup_020;

	PERFORM ccr.kpi_copy_grants('ticket_kpi_daily_rollup_020');
END $$;
COMMENT ON TABLE ccr.ticket_kpi_daily_rollup IS
	'ticket KPI summaries per local day (ccr.timezone()) of creation, queue and channel: counts and duration summaries (ccr.rollup them for any period); solved_that_day counts solves by solve day, for the backlog; kept up to date by key by ccr.refresh_kpis()';
SELECT pg_catalog.pg_extension_config_dump('ccr.ticket_kpi_daily_rollup', '');

-- The copied rows are as fresh as the last 0.2.0 refresh, and changes since
-- were not logged: the next refresh rebuilds (10_kpi_layer.sql sets this
-- already when there are contacts; tickets alone need it too).
INSERT INTO ccr.settings (name, value)
SELECT 'kpi_rebuild_due', 'upgraded from 0.2.0'
WHERE EXISTS (SELECT 1 FROM ccr.ticket_kpi_daily_rollup) OR EXISTS (SELECT 1 FROM ccr.tickets)
ON CONFLICT (name) DO NOTHING;

ANALYZE ccr.kpi_pending_ticket_days;
