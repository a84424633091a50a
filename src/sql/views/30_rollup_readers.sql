
-- ===================== views over the continuous rollups =====================
-- 0.2.0 views that read the rollups, re-pointed at the current rows (stored
-- rows plus the keys changed since the last refresh).

-- Erlang C next to the measured service level, per queue and local hour.
CREATE OR REPLACE VIEW ccr.staffing_hourly AS
SELECT h.bucket,
	   h.queue,
	   h.offered,
	   h.answered,
	   h.abandoned,
	   h.handled,
	   h.aht_s,
	   h.offered * h.aht_s / 3600 AS offered_erlangs,
	   CASE WHEN h.offered = 0 THEN 0
			WHEN h.aht_s IS NOT NULL
			THEN ccr.erlang_c_agents(h.offered, 3600, h.aht_s, p.target_sl, h.threshold_s, p.max_occupancy, 0) END AS agents_needed,
	   CASE WHEN h.offered = 0 THEN 0
			WHEN h.aht_s IS NOT NULL
			THEN ccr.erlang_c_agents(h.offered, 3600, h.aht_s, p.target_sl, h.threshold_s, p.max_occupancy, p.shrinkage) END AS agents_scheduled,
	   h.service_level,
	   pr.logged_in_s / pr.covered_s AS agents_logged_in,
	   CASE WHEN pr.covered_s IS NOT NULL AND h.aht_s IS NOT NULL AND h.offered > 0
			THEN ccr.erlang_c_service_level(h.offered, 3600, h.aht_s, floor(pr.logged_in_s / pr.covered_s)::integer,
											h.threshold_s) END AS erlang_service_level,
	   p.target_sl,
	   h.threshold_s,
	   h.asa_s,
	   h.abandon_rate
FROM (SELECT r.bucket,
			 r.queue,
			 coalesce(ccr.offered(ccr.rollup(r.sl)), 0) AS offered,
			 coalesce(ccr.answered(ccr.rollup(r.sl)), 0) AS answered,
			 coalesce(ccr.abandoned(ccr.rollup(r.sl)), 0) AS abandoned,
			 coalesce(ccr.handled(ccr.rollup(r.aht)), 0) AS handled,
			 ccr.aht(ccr.rollup(r.aht)) AS aht_s,
			 ccr.service_level(ccr.rollup(r.sl), (SELECT ccr.kpi_policy())) AS service_level,
			 ccr.asa(ccr.rollup(r.sl)) AS asa_s,
			 ccr.abandon_rate(ccr.rollup(r.sl)) AS abandon_rate,
			 -- the threshold the summaries were built with (every row of a refresh has the same)
			 substring(min(r.sl::text) FROM ' threshold=([^ ]+)')::double precision AS threshold_s
	  FROM ccr._kpi_hourly_current r
	  GROUP BY r.bucket, r.queue) h
	 CROSS JOIN (SELECT ccr.staffing_target_sl() AS target_sl, ccr.staffing_max_occupancy() AS max_occupancy,
						ccr.staffing_shrinkage() AS shrinkage) p
	 LEFT JOIN ccr.queue_presence_hourly pr ON pr.bucket = h.bucket AND pr.queue = h.queue;
COMMENT ON VIEW ccr.staffing_hourly IS
	'per local hour and queue (all channels): offered, AHT, offered load in Erlangs, the agents Erlang C says were needed for the staffing target (ccr.set_staffing_target(), default 80 % within the KPI threshold, default 20 s) and scheduled with shrinkage, the measured service level, the average agents logged in (NULL without presence data) and the Erlang C service level those agents predict; contacts as of now (ccr.kpi_hourly), presence as of the last ccr.refresh_kpis()';

-- Contacts per local day and channel: a sum of the daily rollup (0.2.0 kept
-- a materialized view of its own that read every contact at each refresh).
CREATE OR REPLACE VIEW ccr.channel_mix_daily AS
SELECT r.day, r.channel, r.contacts,
	   r.contacts::float8 / (sum(r.contacts) OVER (PARTITION BY r.day))::float8 AS share
FROM (SELECT d.day, d.channel, sum(d.contacts)::bigint AS contacts
	  FROM ccr._kpi_daily_current d GROUP BY d.day, d.channel) r;
COMMENT ON VIEW ccr.channel_mix_daily IS
	'contacts per local day and channel and their share of the day''s contacts; as of now (from ccr.kpi_daily)';
