
-- ---------------------------------------------------------------------------
-- KPI layer: materialized rollups of summaries, BI views, live views,
-- ccr.refresh_kpis().
--
-- The rollups store summaries (never rates), so any coarser grain is an exact
-- ccr.rollup() of finer rows: days are rolled up from local hours, months from
-- days.  The kpi_* views only apply accessors to rollup rows: plain bigint,
-- double precision, date, timestamptz and text columns for BI tools.
--
-- Other fragments may append columns to the kpi_* views with CREATE OR
-- REPLACE VIEW (same columns first, new ones at the end); for data the
-- rollups here do not hold, add an own materialized view in schema ccr keyed
-- like the one joined (ccr.refresh_kpis() finds and refreshes it) and LEFT
-- JOIN it.  docs/model.md shows the pattern.
-- ---------------------------------------------------------------------------

-- KPI parameters (ccr.settings rows; absent = default).
CREATE FUNCTION ccr.kpi_threshold_s() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'kpi_threshold_s')::double precision, 20) $$;
COMMENT ON FUNCTION ccr.kpi_threshold_s() IS 'service-level threshold (seconds) of the KPI rollups, default 20; set with ccr.set_kpi_service_level()';

CREATE FUNCTION ccr.kpi_short_abandon_s() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'kpi_short_abandon_s')::double precision, 0) $$;
COMMENT ON FUNCTION ccr.kpi_short_abandon_s() IS 'short-abandon bound (seconds) of the KPI rollups, default 0 = none; set with ccr.set_kpi_service_level()';

CREATE FUNCTION ccr.kpi_policy() RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'kpi_policy'), 'negative') $$;
COMMENT ON FUNCTION ccr.kpi_policy() IS 'service-level policy of the KPI views, default negative; set with ccr.set_kpi_service_level()';

CREATE FUNCTION ccr.set_kpi_service_level(threshold_s double precision,
										  policy text DEFAULT 'negative',
										  short_abandon_s double precision DEFAULT 0)
	RETURNS void LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	IF threshold_s IS NULL OR threshold_s < 0 OR threshold_s = 'Infinity' OR threshold_s = 'NaN' THEN
		RAISE EXCEPTION 'threshold_s must be a finite number of seconds >= 0, not %', coalesce(threshold_s::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF short_abandon_s IS NULL OR short_abandon_s < 0 OR short_abandon_s = 'Infinity' OR short_abandon_s = 'NaN' THEN
		RAISE EXCEPTION 'short_abandon_s must be a finite number of seconds >= 0, not %', coalesce(short_abandon_s::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF policy IS NULL OR policy NOT IN ('negative', 'ignore', 'positive', 'answered') THEN
		RAISE EXCEPTION 'unknown service level policy "%"', coalesce(policy, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'policy is one of negative, ignore, positive, answered';
	END IF;
	INSERT INTO ccr.settings (name, value)
	VALUES ('kpi_threshold_s', threshold_s::text), ('kpi_policy', policy),
		   ('kpi_short_abandon_s', short_abandon_s::text)
	ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
END $$;
COMMENT ON FUNCTION ccr.set_kpi_service_level(double precision, text, double precision) IS 'sets the KPI views'' service-level threshold and short-abandon bound (used at the next ccr.refresh_kpis()) and policy (used at once); defaults 20, negative, 0';

-- The settings are read once per query: OFFSET 0 keeps the planner from
-- pulling the one-row subquery up and calling the readers on every row.

-- Per local hour, queue and channel: the base rollup, built from contacts.
CREATE MATERIALIZED VIEW ccr.kpi_hourly_rollup AS
SELECT date_trunc('hour', c.offered_at, p.tz) AS bucket,
	   c.queue,
	   c.channel,
	   count(*) AS contacts,
	   ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s) AS sl,
	   ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s) AS aht,
	   ccr.rate_agg(c.fcr) AS fcr,
	   ccr.rate_agg(c.resolved) AS resolution,
	   ccr.csat_agg(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps_agg(c.nps_score) AS nps
FROM ccr.contacts c
	 CROSS JOIN (SELECT ccr.timezone() AS tz, ccr.kpi_threshold_s() AS threshold_s,
						ccr.kpi_short_abandon_s() AS short_abandon_s OFFSET 0) p
GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX kpi_hourly_rollup_key ON ccr.kpi_hourly_rollup (bucket, queue, channel);
COMMENT ON MATERIALIZED VIEW ccr.kpi_hourly_rollup IS 'KPI summaries per local hour (ccr.timezone()), queue and channel; refreshed by ccr.refresh_kpis(); merge rows with ccr.rollup() for any coarser grain';

-- Days from hours, months from days: ccr.rollup of summaries, never averages.
CREATE MATERIALIZED VIEW ccr.kpi_daily_rollup AS
SELECT date_trunc('day', h.bucket, p.tz) AS bucket,
	   (h.bucket AT TIME ZONE p.tz)::date AS day,
	   h.queue,
	   h.channel,
	   sum(h.contacts)::bigint AS contacts,
	   ccr.rollup(h.sl) AS sl,
	   ccr.rollup(h.aht) AS aht,
	   ccr.rollup(h.fcr) AS fcr,
	   ccr.rollup(h.resolution) AS resolution,
	   ccr.rollup(h.csat) AS csat,
	   ccr.rollup(h.nps) AS nps
FROM ccr.kpi_hourly_rollup h
	 CROSS JOIN (SELECT ccr.timezone() AS tz OFFSET 0) p
GROUP BY 1, 2, 3, 4;
CREATE UNIQUE INDEX kpi_daily_rollup_key ON ccr.kpi_daily_rollup (day, queue, channel);
COMMENT ON MATERIALIZED VIEW ccr.kpi_daily_rollup IS 'KPI summaries per local day, queue and channel, rolled up from ccr.kpi_hourly_rollup';

CREATE MATERIALIZED VIEW ccr.kpi_monthly_rollup AS
SELECT date_trunc('month', d.day::timestamp)::date AS month,
	   date_trunc('month', d.day::timestamp) AT TIME ZONE p.tz AS bucket,
	   d.queue,
	   d.channel,
	   sum(d.contacts)::bigint AS contacts,
	   ccr.rollup(d.sl) AS sl,
	   ccr.rollup(d.aht) AS aht,
	   ccr.rollup(d.fcr) AS fcr,
	   ccr.rollup(d.resolution) AS resolution,
	   ccr.rollup(d.csat) AS csat,
	   ccr.rollup(d.nps) AS nps
FROM ccr.kpi_daily_rollup d
	 CROSS JOIN (SELECT ccr.timezone() AS tz OFFSET 0) p
GROUP BY 1, 2, 3, 4;
CREATE UNIQUE INDEX kpi_monthly_rollup_key ON ccr.kpi_monthly_rollup (month, queue, channel);
COMMENT ON MATERIALIZED VIEW ccr.kpi_monthly_rollup IS 'KPI summaries per local month, queue and channel, rolled up from ccr.kpi_daily_rollup';

-- Per local day and agent (contacts with an agent).
CREATE MATERIALIZED VIEW ccr.kpi_agent_daily_rollup AS
SELECT date_trunc('day', c.offered_at, p.tz) AS bucket,
	   (c.offered_at AT TIME ZONE p.tz)::date AS day,
	   c.agent,
	   count(*) AS contacts,
	   ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s) AS sl,
	   ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s) AS aht,
	   ccr.rate_agg(c.fcr) AS fcr,
	   ccr.rate_agg(c.resolved) AS resolution,
	   ccr.csat_agg(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps_agg(c.nps_score) AS nps
FROM ccr.contacts c
	 CROSS JOIN (SELECT ccr.timezone() AS tz, ccr.kpi_threshold_s() AS threshold_s,
						ccr.kpi_short_abandon_s() AS short_abandon_s OFFSET 0) p
WHERE c.agent IS NOT NULL
GROUP BY 1, 2, 3;
CREATE UNIQUE INDEX kpi_agent_daily_rollup_key ON ccr.kpi_agent_daily_rollup (day, agent);
COMMENT ON MATERIALIZED VIEW ccr.kpi_agent_daily_rollup IS 'KPI summaries per local day and agent (contacts with an agent); refreshed by ccr.refresh_kpis()';

-- The BI views.  Owner's rights (not security_invoker): GRANT SELECT on a
-- view is all a reader needs; the rollups themselves need no grant.  They
-- expose every queue: see docs/model.md for row-level restrictions.
CREATE VIEW ccr.kpi_hourly AS
SELECT r.bucket,
	   r.queue,
	   r.channel,
	   coalesce(ccr.offered(r.sl), 0) AS offered,
	   coalesce(ccr.answered(r.sl), 0) AS answered,
	   coalesce(ccr.abandoned(r.sl), 0) AS abandoned,
	   ccr.service_level(r.sl, (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(r.sl) AS abandon_rate,
	   ccr.asa(r.sl) AS asa_s,
	   ccr.aht(r.aht) AS aht_s,
	   ccr.rate(r.fcr) AS fcr_rate,
	   ccr.rate(r.resolution) AS resolution_rate,
	   ccr.csat(r.csat) AS csat,
	   ccr.nps(r.nps) AS nps,
	   r.contacts,
	   coalesce(ccr.short_abandons(r.sl), 0) AS short_abandons,
	   coalesce(ccr.handled(r.aht), 0) AS handled,
	   coalesce(ccr.responses(r.csat), 0) AS csat_responses,
	   coalesce(ccr.responses(r.nps), 0) AS nps_responses
FROM ccr.kpi_hourly_rollup r;

CREATE VIEW ccr.kpi_daily AS
SELECT r.bucket,
	   r.day,
	   r.queue,
	   r.channel,
	   coalesce(ccr.offered(r.sl), 0) AS offered,
	   coalesce(ccr.answered(r.sl), 0) AS answered,
	   coalesce(ccr.abandoned(r.sl), 0) AS abandoned,
	   ccr.service_level(r.sl, (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(r.sl) AS abandon_rate,
	   ccr.asa(r.sl) AS asa_s,
	   ccr.aht(r.aht) AS aht_s,
	   ccr.rate(r.fcr) AS fcr_rate,
	   ccr.rate(r.resolution) AS resolution_rate,
	   ccr.csat(r.csat) AS csat,
	   ccr.nps(r.nps) AS nps,
	   r.contacts,
	   coalesce(ccr.short_abandons(r.sl), 0) AS short_abandons,
	   coalesce(ccr.handled(r.aht), 0) AS handled,
	   coalesce(ccr.responses(r.csat), 0) AS csat_responses,
	   coalesce(ccr.responses(r.nps), 0) AS nps_responses
FROM ccr.kpi_daily_rollup r;

CREATE VIEW ccr.kpi_monthly AS
SELECT r.bucket,
	   r.month,
	   r.queue,
	   r.channel,
	   coalesce(ccr.offered(r.sl), 0) AS offered,
	   coalesce(ccr.answered(r.sl), 0) AS answered,
	   coalesce(ccr.abandoned(r.sl), 0) AS abandoned,
	   ccr.service_level(r.sl, (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(r.sl) AS abandon_rate,
	   ccr.asa(r.sl) AS asa_s,
	   ccr.aht(r.aht) AS aht_s,
	   ccr.rate(r.fcr) AS fcr_rate,
	   ccr.rate(r.resolution) AS resolution_rate,
	   ccr.csat(r.csat) AS csat,
	   ccr.nps(r.nps) AS nps,
	   r.contacts,
	   coalesce(ccr.short_abandons(r.sl), 0) AS short_abandons,
	   coalesce(ccr.handled(r.aht), 0) AS handled,
	   coalesce(ccr.responses(r.csat), 0) AS csat_responses,
	   coalesce(ccr.responses(r.nps), 0) AS nps_responses
FROM ccr.kpi_monthly_rollup r;

CREATE VIEW ccr.kpi_agent_daily AS
SELECT r.bucket,
	   r.day,
	   r.agent,
	   coalesce(ccr.offered(r.sl), 0) AS offered,
	   coalesce(ccr.answered(r.sl), 0) AS answered,
	   coalesce(ccr.abandoned(r.sl), 0) AS abandoned,
	   ccr.service_level(r.sl, (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(r.sl) AS abandon_rate,
	   ccr.asa(r.sl) AS asa_s,
	   ccr.aht(r.aht) AS aht_s,
	   ccr.rate(r.fcr) AS fcr_rate,
	   ccr.rate(r.resolution) AS resolution_rate,
	   ccr.csat(r.csat) AS csat,
	   ccr.nps(r.nps) AS nps,
	   r.contacts,
	   coalesce(ccr.short_abandons(r.sl), 0) AS short_abandons,
	   coalesce(ccr.handled(r.aht), 0) AS handled,
	   coalesce(ccr.responses(r.csat), 0) AS csat_responses,
	   coalesce(ccr.responses(r.nps), 0) AS nps_responses
FROM ccr.kpi_agent_daily_rollup r;

COMMENT ON VIEW ccr.kpi_hourly IS 'KPIs per local hour, queue and channel, as of the last ccr.refresh_kpis(); plain numeric columns for BI tools';
COMMENT ON VIEW ccr.kpi_daily IS 'KPIs per local day, queue and channel, as of the last ccr.refresh_kpis(); plain numeric columns for BI tools';
COMMENT ON VIEW ccr.kpi_monthly IS 'KPIs per local month, queue and channel, as of the last ccr.refresh_kpis()';
COMMENT ON VIEW ccr.kpi_agent_daily IS 'KPIs per local day and agent, as of the last ccr.refresh_kpis()';

-- Live views: the same columns straight from ccr.contacts, with the caller's
-- rights, so row-level security on ccr.contacts applies.  Slower (they read
-- the raw rows); meant for restricted roles and small ranges.
CREATE VIEW ccr.kpi_hourly_live WITH (security_invoker = true) AS
SELECT date_trunc('hour', c.offered_at, p.tz) AS bucket,
	   c.queue,
	   c.channel,
	   coalesce(ccr.offered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS offered,
	   coalesce(ccr.answered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS answered,
	   coalesce(ccr.abandoned(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS abandoned,
	   ccr.service_level(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s), (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS abandon_rate,
	   ccr.asa(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS asa_s,
	   ccr.aht(c.talk_s, c.hold_s, c.acw_s) AS aht_s,
	   ccr.fcr_rate(c.fcr) AS fcr_rate,
	   ccr.resolution_rate(c.resolved) AS resolution_rate,
	   ccr.csat(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps(c.nps_score) AS nps,
	   count(*) AS contacts,
	   coalesce(ccr.short_abandons(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS short_abandons,
	   coalesce(ccr.handled(ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s)), 0) AS handled,
	   coalesce(ccr.responses(ccr.csat_agg(c.csat_score, c.csat_scale)), 0) AS csat_responses,
	   coalesce(ccr.responses(ccr.nps_agg(c.nps_score)), 0) AS nps_responses
FROM ccr.contacts c
	 CROSS JOIN (SELECT ccr.timezone() AS tz, ccr.kpi_threshold_s() AS threshold_s,
						ccr.kpi_short_abandon_s() AS short_abandon_s OFFSET 0) p
GROUP BY 1, 2, 3;

CREATE VIEW ccr.kpi_daily_live WITH (security_invoker = true) AS
SELECT date_trunc('day', c.offered_at, p.tz) AS bucket,
	   (c.offered_at AT TIME ZONE p.tz)::date AS day,
	   c.queue,
	   c.channel,
	   coalesce(ccr.offered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS offered,
	   coalesce(ccr.answered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS answered,
	   coalesce(ccr.abandoned(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS abandoned,
	   ccr.service_level(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s), (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS abandon_rate,
	   ccr.asa(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS asa_s,
	   ccr.aht(c.talk_s, c.hold_s, c.acw_s) AS aht_s,
	   ccr.fcr_rate(c.fcr) AS fcr_rate,
	   ccr.resolution_rate(c.resolved) AS resolution_rate,
	   ccr.csat(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps(c.nps_score) AS nps,
	   count(*) AS contacts,
	   coalesce(ccr.short_abandons(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS short_abandons,
	   coalesce(ccr.handled(ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s)), 0) AS handled,
	   coalesce(ccr.responses(ccr.csat_agg(c.csat_score, c.csat_scale)), 0) AS csat_responses,
	   coalesce(ccr.responses(ccr.nps_agg(c.nps_score)), 0) AS nps_responses
FROM ccr.contacts c
	 CROSS JOIN (SELECT ccr.timezone() AS tz, ccr.kpi_threshold_s() AS threshold_s,
						ccr.kpi_short_abandon_s() AS short_abandon_s OFFSET 0) p
GROUP BY 1, 2, 3, 4;

CREATE VIEW ccr.kpi_agent_daily_live WITH (security_invoker = true) AS
SELECT date_trunc('day', c.offered_at, p.tz) AS bucket,
	   (c.offered_at AT TIME ZONE p.tz)::date AS day,
	   c.agent,
	   coalesce(ccr.offered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS offered,
	   coalesce(ccr.answered(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS answered,
	   coalesce(ccr.abandoned(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS abandoned,
	   ccr.service_level(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s), (SELECT ccr.kpi_policy())) AS service_level,
	   ccr.abandon_rate(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS abandon_rate,
	   ccr.asa(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)) AS asa_s,
	   ccr.aht(c.talk_s, c.hold_s, c.acw_s) AS aht_s,
	   ccr.fcr_rate(c.fcr) AS fcr_rate,
	   ccr.resolution_rate(c.resolved) AS resolution_rate,
	   ccr.csat(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps(c.nps_score) AS nps,
	   count(*) AS contacts,
	   coalesce(ccr.short_abandons(ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s)), 0) AS short_abandons,
	   coalesce(ccr.handled(ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s)), 0) AS handled,
	   coalesce(ccr.responses(ccr.csat_agg(c.csat_score, c.csat_scale)), 0) AS csat_responses,
	   coalesce(ccr.responses(ccr.nps_agg(c.nps_score)), 0) AS nps_responses
FROM ccr.contacts c
	 CROSS JOIN (SELECT ccr.timezone() AS tz, ccr.kpi_threshold_s() AS threshold_s,
						ccr.kpi_short_abandon_s() AS short_abandon_s OFFSET 0) p
WHERE c.agent IS NOT NULL
GROUP BY 1, 2, 3;

COMMENT ON VIEW ccr.kpi_hourly_live IS 'ccr.kpi_hourly computed from ccr.contacts now, with the caller''s rights (row-level security applies)';
COMMENT ON VIEW ccr.kpi_daily_live IS 'ccr.kpi_daily computed from ccr.contacts now, with the caller''s rights (row-level security applies)';
COMMENT ON VIEW ccr.kpi_agent_daily_live IS 'ccr.kpi_agent_daily computed from ccr.contacts now, with the caller''s rights (row-level security applies)';

-- Refreshes every materialized view in schema ccr, each after the
-- materialized views it reads (directly or through plain views), so rollups
-- added by other parts of the extension are refreshed without editing this.
-- CONCURRENTLY (readers never blocked) when the view is populated and has a
-- unique index REFRESH ... CONCURRENTLY can use, plainly otherwise.  One
-- transaction: the rollups are consistent with each other when it returns.
CREATE FUNCTION ccr.refresh_kpis()
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	done oid[] := '{}';
	todo oid[];
	m oid;
	progress boolean;
	t0 timestamptz;
BEGIN
	-- The settings (time zone, threshold) must not change between the
	-- refresh of the hours and that of the days built from them.
	LOCK TABLE ccr.settings IN SHARE MODE;

	SELECT coalesce(array_agg(c.oid ORDER BY c.relname), '{}') INTO todo
	FROM pg_class c
	WHERE c.relnamespace = 'ccr'::regnamespace AND c.relkind = 'm';

	WHILE cardinality(todo) > 0 LOOP
		progress := false;
		FOREACH m IN ARRAY todo LOOP
			-- ready when every materialized view it reads is done
			CONTINUE WHEN EXISTS (
				WITH RECURSIVE reads(rel) AS (
					SELECT d.refobjid
					FROM pg_rewrite r
						 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
											AND d.refclassid = 'pg_class'::regclass
					WHERE r.ev_class = m AND d.refobjid <> m
					UNION
					-- through plain views, not through other matviews (they
					-- are ordered by their own turn)
					SELECT d.refobjid
					FROM reads
						 JOIN pg_class v ON v.oid = reads.rel AND v.relkind = 'v'
						 JOIN pg_rewrite r ON r.ev_class = v.oid
						 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
											 AND d.refclassid = 'pg_class'::regclass
					WHERE d.refobjid <> v.oid)
				SELECT 1 FROM reads JOIN pg_class c ON c.oid = reads.rel
				WHERE c.relkind = 'm' AND c.oid <> m
					  AND c.oid = ANY (todo) AND NOT c.oid = ANY (done));

			matview := m;
			SELECT c.relispopulated AND EXISTS (
					   SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
					   WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid
							 AND ic.relam = (SELECT a.oid FROM pg_am a WHERE a.amname = 'btree')
							 AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnatts > 0
							 AND NOT 0 = ANY (i.indkey::int2[]))
			INTO concurrent
			FROM pg_class c WHERE c.oid = m;
			t0 := clock_timestamp();
			IF concurrent THEN
				EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', m::regclass);
			ELSE
				EXECUTE format('REFRESH MATERIALIZED VIEW %s', m::regclass);
			END IF;
			seconds := extract(epoch FROM clock_timestamp() - t0);
			RETURN NEXT;
			done := done || m;
			todo := array_remove(todo, m);
			progress := true;
		END LOOP;
		IF NOT progress THEN
			RAISE EXCEPTION 'materialized views in schema ccr depend on each other in a cycle: %', todo::regclass[]
				USING ERRCODE = 'invalid_object_definition';
		END IF;
	END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.refresh_kpis() FROM PUBLIC;
COMMENT ON FUNCTION ccr.refresh_kpis() IS 'refreshes every materialized view in schema ccr in dependency order, concurrently where possible, in one transaction; returns one row per view refreshed';

-- The KPI views call the setting readers with the reader's rights; the
-- settings are not secret.
GRANT SELECT ON ccr.settings TO PUBLIC;
