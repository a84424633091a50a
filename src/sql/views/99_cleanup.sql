
-- ===================== after every view is re-pointed =====================
-- The 0.2.0 materialized views the continuous layer replaced.  One that a
-- user's own view still reads is kept (and no longer refreshed) with a
-- notice, instead of failing the upgrade: recreate that view on the table
-- of the same name without the _020 suffix, then drop it.
DO $$
DECLARE
	m text;
BEGIN
	-- months read days, days read hours: drop in that order
	FOR m IN SELECT c.relname
			 FROM unnest(ARRAY['kpi_monthly_rollup_020', 'kpi_daily_rollup_020', 'kpi_hourly_rollup_020',
							   'kpi_agent_daily_rollup_020', 'quality_agent_daily_rollup_020',
							   'agent_occupancy_daily_rollup_020', 'queue_presence_hourly_020',
							   'ticket_kpi_daily_rollup_020']) WITH ORDINALITY n(name, i)
				  JOIN pg_class c ON c.relname = n.name AND c.relnamespace = 'ccr'::regnamespace AND c.relkind = 'm'
			 ORDER BY n.i
	LOOP
		BEGIN
			EXECUTE format('DROP MATERIALIZED VIEW ccr.%I', m);
		EXCEPTION WHEN dependent_objects_still_exist THEN
			RAISE NOTICE 'ccr.% (the 0.2.0 rollup) is kept because other objects read it; it is no longer refreshed', m
				USING HINT = 'recreate them on the table of the same name without _020, then DROP MATERIALIZED VIEW ccr.' || m;
		END;
	END LOOP;
	IF to_regclass('ccr.channel_mix_daily_rollup') IS NOT NULL THEN
		BEGIN
			DROP MATERIALIZED VIEW ccr.channel_mix_daily_rollup;
		EXCEPTION WHEN dependent_objects_still_exist THEN
			RAISE NOTICE 'ccr.channel_mix_daily_rollup (0.2.0) is kept because other objects read it; it is still refreshed by ccr.refresh_kpis()'
				USING HINT = 'read ccr.channel_mix_daily instead, then DROP MATERIALIZED VIEW ccr.channel_mix_daily_rollup';
		END;
	END IF;
END $$;

-- the 0.3.0 upgrade's helper
DROP FUNCTION IF EXISTS ccr.kpi_copy_grants(text);
