
-- ===================== presence rollups: storage =====================
-- ccr.agent_occupancy_daily_rollup was a materialized view recomputed from
-- every presence event and contact at each refresh.  From 0.3.0 it is a
-- table refreshed by (local day, agent) key like the KPI rollups
-- (src/sql/0.3.0/10_kpi_layer.sql); its definitions are in
-- src/sql/views/42_presence_rollups.sql.

-- What one key's recompute reads: the agent's contacts of one day, and the
-- end of the loaded data (an open presence state runs to it).
CREATE INDEX contacts_agent_answered_at_idx ON ccr.contacts (agent, answered_at)
	WHERE agent IS NOT NULL AND answered_at IS NOT NULL;
CREATE INDEX contacts_asterisk_ended_at_idx ON ccr.contacts (ended_at) WHERE source = 'asterisk';
CREATE INDEX agent_presence_at_idx ON ccr.agent_presence_events (at);

-- Pending (local day, agent) keys of the occupancy rollup, as day ranges
-- of one agent (a presence event changes the agent's state until its next
-- event of the same kind, which may be days later).  to_day NULL: through
-- the end of the loaded data (the event has no later one).  Duplicates are
-- folded when read; a refresh deletes the rows it consumed.
CREATE TABLE ccr.kpi_pending_occupancy (
	agent text NOT NULL,
	from_day date NOT NULL,
	to_day date,
	changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_pending_occupancy_agent_idx ON ccr.kpi_pending_occupancy (agent);
COMMENT ON TABLE ccr.kpi_pending_occupancy IS 'continuous KPI layer: (local day, agent) keys of ccr.agent_occupancy_daily_rollup changed since the last ccr.refresh_kpis(), as ranges from_day .. to_day of one agent (to_day NULL: through the end of the data)';
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_occupancy', '');

-- The end of the loaded data the stored occupancy rows were computed with
-- (open presence states run to it): the next refresh recomputes the days
-- between it and the new end for the agents still logged in.  NULL: not
-- known (a fresh install, a restore, an alias change): the next refresh
-- recomputes the rollup whole.  '-infinity': there was no data.
ALTER TABLE ccr.kpi_rollups ADD COLUMN data_end timestamptz;
COMMENT ON COLUMN ccr.kpi_rollups.data_end IS 'presence rollups: the end of the loaded data (latest presence event or Asterisk contact end) the stored rows were computed with; NULL: unknown, the next refresh recomputes the rollup whole';
INSERT INTO ccr.kpi_rollups (rollup, refresh_order) VALUES ('agent_occupancy_daily_rollup', 60);

-- The 0.2.0 materialized view becomes a table of the same name and columns,
-- with its rows and grants; ccr.kpi_agent_daily is re-pointed by
-- src/sql/views, and the old one is dropped by src/sql/views/99_cleanup.sql.
DO $$
BEGIN
	ALTER MATERIALIZED VIEW ccr.agent_occupancy_daily_rollup RENAME TO agent_occupancy_daily_rollup_020;
	ALTER INDEX ccr.agent_occupancy_daily_rollup_key RENAME TO agent_occupancy_daily_rollup_020_key;
	CREATE TABLE ccr.agent_occupancy_daily_rollup (
		day date NOT NULL, agent text NOT NULL,
		logged_in_s double precision, paused_s double precision, available_s double precision,
		handled bigint NOT NULL, handle_s double precision NOT NULL, occupancy double precision,
		CONSTRAINT agent_occupancy_daily_rollup_key UNIQUE (day, agent));
	INSERT INTO ccr.agent_occupancy_daily_rollup
	SELECT day, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
	FROM ccr.agent_occupancy_daily_rollup_020;

	PERFORM ccr.kpi_copy_grants('agent_occupancy_daily_rollup_020');
END $$;
COMMENT ON TABLE ccr.agent_occupancy_daily_rollup IS 'ccr.agent_occupancy_daily (logged-in, paused, available and handle seconds, occupancy per local day and agent) as of the last ccr.refresh_kpis(), kept up to date by key; read by ccr.kpi_agent_daily.occupancy';
SELECT pg_catalog.pg_extension_config_dump('ccr.agent_occupancy_daily_rollup', '');

-- The copied rows are as fresh as the last 0.2.0 refresh: the data end
-- they were computed with is not known (NULL), so the first refresh after
-- the upgrade recomputes the rollup whole.

-- ccr.queue_presence_hourly, the same way by (local hour, queue) key.  One
-- key reads the queue's membership events per agent (the agents of a queue
-- by a skip scan of this index), and the end of the data, which reads every
-- contact's latest instant: since ended_at >= answered_at >= offered_at,
-- that is the greatest of three column maxima (answered_at only of contacts
-- still going on needs an index of its own).
CREATE INDEX agent_presence_queue_member_idx ON ccr.agent_presence_events (queue, agent, at, event)
	WHERE event IN ('ADDMEMBER', 'REMOVEMEMBER');
CREATE INDEX contacts_answered_at_open_idx ON ccr.contacts (answered_at) WHERE ended_at IS NULL AND answered_at IS NOT NULL;

CREATE TABLE ccr.kpi_pending_queue_presence (
	queue text NOT NULL,
	from_hour timestamptz NOT NULL,
	to_hour timestamptz,
	changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_pending_queue_presence_queue_idx ON ccr.kpi_pending_queue_presence (queue);
COMMENT ON TABLE ccr.kpi_pending_queue_presence IS 'continuous KPI layer: (local hour, queue) keys of ccr.queue_presence_hourly changed since the last ccr.refresh_kpis(), as ranges from_hour .. to_hour of one queue (to_hour NULL: through the end of the data)';
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_queue_presence', '');
INSERT INTO ccr.kpi_rollups (rollup, refresh_order) VALUES ('queue_presence_hourly', 70);

DO $$
BEGIN
	ALTER MATERIALIZED VIEW ccr.queue_presence_hourly RENAME TO queue_presence_hourly_020;
	ALTER INDEX ccr.queue_presence_hourly_key RENAME TO queue_presence_hourly_020_key;
	CREATE TABLE ccr.queue_presence_hourly (
		bucket timestamptz NOT NULL, queue text NOT NULL,
		logged_in_s double precision, covered_s double precision,
		CONSTRAINT queue_presence_hourly_key UNIQUE (bucket, queue));
	INSERT INTO ccr.queue_presence_hourly SELECT bucket, queue, logged_in_s, covered_s FROM ccr.queue_presence_hourly_020;

	PERFORM ccr.kpi_copy_grants('queue_presence_hourly_020');
END $$;
COMMENT ON TABLE ccr.queue_presence_hourly IS
	'per local hour and queue with presence data: logged-in agent-seconds of queue members (ADDMEMBER..REMOVEMEMBER, paused included) and the seconds of the hour the data covers; kept up to date by key by ccr.refresh_kpis()';
SELECT pg_catalog.pg_extension_config_dump('ccr.queue_presence_hourly', '');
