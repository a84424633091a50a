
-- ===================== continuous KPI layer: storage and change capture =====================
-- The 0.2.0 rollups were materialized views, recomputed from every contact
-- at each refresh.  From 0.3.0 they are tables refreshed by key: statement
-- triggers on the tables the rollups read log the keys a statement touched
-- (local hour x queue x channel, local day x agent) and, for repeat-contact
-- FCR, the same customers' contacts within the FCR window of them;
-- ccr.refresh_kpis() recomputes exactly those keys and the days and months
-- above them, adds the FCR flag changes of those contacts to the counts of
-- their keys, and the KPI views add both computed live.  The definitions (what a key's summaries are,
-- what a statement invalidates) are in src/sql/views/20_kpi_layer.sql, so
-- every upgrade re-creates them; this fragment holds what is created once.

-- Indexes the per-key recompute reads through: one key is a few dozen rows
-- of one queue and channel in one hour, or of one agent in one day.
CREATE INDEX contacts_queue_channel_offered_at_idx ON ccr.contacts (queue, channel, offered_at);
CREATE INDEX contacts_agent_offered_at_idx ON ccr.contacts (agent, offered_at) WHERE agent IS NOT NULL;

-- Pending keys, one row per key per statement that touched it (duplicates
-- are folded when read: a unique key would make concurrent writers wait on
-- each other).  A refresh deletes the rows it consumed with DELETE ...
-- RETURNING, so rows of transactions still open when it started stay.
-- Kept by pg_dump, like the rollups.
CREATE TABLE ccr.kpi_pending_hours (
	bucket timestamptz NOT NULL,
	queue text,
	channel text NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_pending_hours_bucket_idx ON ccr.kpi_pending_hours (bucket);
COMMENT ON TABLE ccr.kpi_pending_hours IS 'continuous KPI layer: (local hour, queue, channel) keys of ccr.kpi_hourly_rollup changed since the last ccr.refresh_kpis()';

CREATE TABLE ccr.kpi_pending_agent_days (
	day date NOT NULL,
	agent text NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kpi_pending_agent_days_day_idx ON ccr.kpi_pending_agent_days (day);
COMMENT ON TABLE ccr.kpi_pending_agent_days IS 'continuous KPI layer: (local day, agent) keys of ccr.kpi_agent_daily_rollup and ccr.quality_agent_daily_rollup changed since the last ccr.refresh_kpis()';

-- Contacts whose repeat-contact FCR flags may have changed without their
-- keys changing: the same customer's contacts within the FCR window of a
-- changed contact.  A refresh updates the FCR counts of their keys by the
-- difference of their flags instead of recomputing those keys.
CREATE TABLE ccr.kpi_pending_fcr (
	contact_id bigint NOT NULL,
	changed_at timestamptz NOT NULL DEFAULT now()
);

-- The first contacts the stored rollups count, with the keys they are
-- counted in and whether each is a resolved first contact: what a flag
-- difference is taken against.  Written with the rollups, in the same
-- transactions; kept by pg_dump with them.
CREATE TABLE ccr.kpi_first_contacts (
	contact_id bigint PRIMARY KEY,
	bucket timestamptz NOT NULL,
	queue text,
	channel text NOT NULL,
	day date NOT NULL,
	agent text,
	resolved boolean NOT NULL
);
CREATE INDEX kpi_first_contacts_bucket_idx ON ccr.kpi_first_contacts (bucket);
COMMENT ON TABLE ccr.kpi_pending_fcr IS 'continuous KPI layer: contacts whose repeat-contact FCR flags a change since the last ccr.refresh_kpis() may have changed (same customer, within the FCR window)';
COMMENT ON TABLE ccr.kpi_first_contacts IS 'continuous KPI layer: the first contacts the stored rollups count (repeat-contact FCR), with their hour and agent-day keys and whether each is resolved';

SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_hours', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_fcr', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_first_contacts', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_pending_agent_days', '');

-- One row per rollup: when it was last refreshed and how long that took.
-- Not dumped (the install creates the rows); a restored database shows
-- NULL until its first refresh.
CREATE TABLE ccr.kpi_rollups (
	rollup text PRIMARY KEY,
	refresh_order integer NOT NULL UNIQUE,
	last_refresh_at timestamptz,
	last_refresh_ms double precision
);
COMMENT ON TABLE ccr.kpi_rollups IS 'continuous KPI layer: one row per rollup table, with its last refresh (read ccr.kpi_refresh_status)';
INSERT INTO ccr.kpi_rollups (rollup, refresh_order) VALUES
	('kpi_hourly_rollup', 10), ('kpi_daily_rollup', 20), ('kpi_monthly_rollup', 30),
	('kpi_agent_daily_rollup', 40), ('quality_agent_daily_rollup', 50);

-- The grants users gave on a 0.2.0 materialized view old_name (renamed
-- <name>_020), given again on the table <name> that replaces it; used by
-- the 0.3.0 fragments, dropped by src/sql/views/99_cleanup.sql.
CREATE FUNCTION ccr.kpi_copy_grants(old_name text) RETURNS void
	LANGUAGE plpgsql
	AS $$
DECLARE
	g record;
BEGIN
	FOR g IN SELECT a.grantee, a.privilege_type, a.is_grantable
			 FROM pg_class c, aclexplode(c.relacl) a
			 WHERE c.oid = format('ccr.%I', old_name)::regclass AND a.grantee <> c.relowner
	LOOP
		EXECUTE format('GRANT %s ON ccr.%I TO %s%s', g.privilege_type, left(old_name, -4),
					   CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(g.grantee::regrole::text) END,
					   CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
	END LOOP;
END $$;

-- The 0.2.0 materialized views become tables of the same name and columns
-- (repeat-contact FCR counts appended), keeping their rows and grants; the
-- views reading them are re-pointed by src/sql/views, and the old
-- materialized views are dropped at the end (src/sql/views/99_cleanup.sql).
-- The copied rows are as fresh as the last 0.2.0 refresh and have no FCR
-- counts: the first ccr.refresh_kpis() after the upgrade rebuilds.
DO $$
DECLARE
	m record;
BEGIN
	FOR m IN SELECT * FROM (VALUES
			('kpi_hourly_rollup', 'bucket timestamptz NOT NULL, queue text, channel text NOT NULL',
			 'bucket, queue, channel', 'bucket, queue, channel'),
			('kpi_daily_rollup', 'bucket timestamptz NOT NULL, day date NOT NULL, queue text, channel text NOT NULL',
			 'bucket, day, queue, channel', 'day, queue, channel'),
			('kpi_monthly_rollup', 'month date NOT NULL, bucket timestamptz NOT NULL, queue text, channel text NOT NULL',
			 'month, bucket, queue, channel', 'month, queue, channel'),
			('kpi_agent_daily_rollup', 'bucket timestamptz NOT NULL, day date NOT NULL, agent text NOT NULL',
			 'bucket, day, agent', 'day, agent')) x(name, keys, key_cols, unique_cols)
	LOOP
		EXECUTE format('ALTER MATERIALIZED VIEW ccr.%I RENAME TO %I', m.name, m.name || '_020');
		EXECUTE format('ALTER INDEX ccr.%I RENAME TO %I', m.name || '_key', m.name || '_020_key');
		EXECUTE format($t$CREATE TABLE ccr.%I (%s,
				contacts bigint NOT NULL,
				sl ccr.sl_summary, aht ccr.aht_summary, fcr ccr.rate_summary, resolution ccr.rate_summary,
				csat ccr.csat_summary, nps ccr.nps_summary,
				first_contacts bigint, resolved_first_contacts bigint,
				CONSTRAINT %I UNIQUE NULLS NOT DISTINCT (%s))$t$,
			m.name, m.keys, m.name || '_key', m.unique_cols);
		EXECUTE format('INSERT INTO ccr.%I (%s, contacts, sl, aht, fcr, resolution, csat, nps) SELECT %s, contacts, sl, aht, fcr, resolution, csat, nps FROM ccr.%I',
			m.name, m.key_cols, m.key_cols, m.name || '_020');
	END LOOP;

	ALTER MATERIALIZED VIEW ccr.quality_agent_daily_rollup RENAME TO quality_agent_daily_rollup_020;
	ALTER INDEX ccr.quality_agent_daily_rollup_key RENAME TO quality_agent_daily_rollup_020_key;
	CREATE TABLE ccr.quality_agent_daily_rollup (
		bucket timestamptz NOT NULL, day date NOT NULL, agent text NOT NULL,
		ces ccr.ces_summary, qa ccr.qa_summary, answered bigint NOT NULL, surveyed bigint NOT NULL,
		CONSTRAINT quality_agent_daily_rollup_key UNIQUE (day, agent));
	INSERT INTO ccr.quality_agent_daily_rollup SELECT bucket, day, agent, ces, qa, answered, surveyed
	FROM ccr.quality_agent_daily_rollup_020;

	-- the grants users gave on the materialized views
	PERFORM ccr.kpi_copy_grants(c.relname)
	FROM pg_class c
	WHERE c.relnamespace = 'ccr'::regnamespace AND c.relname LIKE '%\_020' AND c.relkind = 'm';
END $$;

COMMENT ON TABLE ccr.kpi_hourly_rollup IS 'KPI summaries per local hour (ccr.timezone()), queue and channel, kept up to date by key by ccr.refresh_kpis(); merge rows with ccr.rollup() for any coarser grain';
COMMENT ON TABLE ccr.kpi_daily_rollup IS 'KPI summaries per local day, queue and channel, rolled up from ccr.kpi_hourly_rollup by ccr.refresh_kpis()';
COMMENT ON TABLE ccr.kpi_monthly_rollup IS 'KPI summaries per local month, queue and channel, rolled up from ccr.kpi_hourly_rollup by ccr.refresh_kpis()';
COMMENT ON TABLE ccr.kpi_agent_daily_rollup IS 'KPI summaries per local day and agent (contacts with an agent), kept up to date by key by ccr.refresh_kpis()';
COMMENT ON TABLE ccr.quality_agent_daily_rollup IS 'CES and QA summaries, answered and surveyed contacts per local day and agent, kept up to date by key by ccr.refresh_kpis(); merge days with ccr.rollup()';
COMMENT ON COLUMN ccr.kpi_hourly_rollup.first_contacts IS 'repeat-contact FCR: contacts with no contact of the same customer within the FCR window before (ccr.set_kpi_fcr_window())';
COMMENT ON COLUMN ccr.kpi_hourly_rollup.resolved_first_contacts IS 'repeat-contact FCR: first contacts with no contact of the same customer within the FCR window after';

SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_hourly_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_daily_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_monthly_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.kpi_agent_daily_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.quality_agent_daily_rollup', '');

-- Copied rows lack the FCR counts and anything written since the last
-- 0.2.0 refresh: the next ccr.refresh_kpis() rebuilds (a fresh install has
-- nothing to rebuild, and the flag costs it one empty rebuild).
INSERT INTO ccr.settings (name, value)
SELECT 'kpi_rebuild_due', 'upgraded from 0.2.0'
WHERE EXISTS (SELECT 1 FROM ccr.kpi_hourly_rollup) OR EXISTS (SELECT 1 FROM ccr.contacts)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;

-- The logs start empty: plans reading them should know it.
ANALYZE ccr.kpi_pending_hours, ccr.kpi_pending_agent_days, ccr.kpi_pending_fcr, ccr.kpi_first_contacts;
