-- The continuous KPI layer on :rows contacts over a year (America/New_York),
-- all figures measured in this one run: a full ccr.rebuild_kpis(); a
-- ccr.refresh_kpis() after 500 new contacts in the last hour (repeat callers
-- taken from the last week, so their FCR neighbours are recomputed too);
-- reading the last day of ccr.kpi_hourly with those 500 unrefreshed, against
-- the stored rows only and the _live view; and the cost of the capture on a
-- bulk load of 1M contacts in one statement, against the same table with the
-- capture triggers dropped.  :years copies that year into earlier ones
-- (CCR_BENCH_VARS='-v years=10' test/bench/run 3000000 ...).  Backend CPU
-- time (schedstat) next to wall time; quote the load average printed with
-- them.
\set ECHO none
\if :{?rows} \else \set rows 3000000 \endif
SELECT count(*) = 0 AS empty FROM ccr.contacts \gset
\if :empty
SELECT ccr.set_timezone('America/New_York');
\set n :rows
\set days 365
\set start 2025-12-01
\set tz America/New_York
\set seed 0.8
\set agents 120
-- a load this size is what a rebuild is for: capture off, then one rebuild
ALTER TABLE ccr.contacts DISABLE TRIGGER ccr_kpi_capture_insert;
\ir ../data/generate_contacts.sql
-- :years > 1: the same year copied into the years before it (52 weeks
-- apart, so weekdays keep their load; same customers), for a longer history
-- at the same rate of change
\if :{?years} \else \set years 1 \endif
INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, reason, offered_at, answered_at,
						  ended_at, outcome, talk_s, hold_s, acw_s, transferred, resolved, fcr, csat_score,
						  csat_scale, nps_score)
SELECT c.source || '-' || y, c.source_id, c.channel, c.queue, c.agent, c.customer, c.reason,
	   c.offered_at - y * interval '364 days', c.answered_at - y * interval '364 days',
	   c.ended_at - y * interval '364 days', c.outcome, c.talk_s, c.hold_s, c.acw_s, c.transferred, c.resolved,
	   c.fcr, c.csat_score, c.csat_scale, c.nps_score
FROM generate_series(1, :years - 1) y, ccr.contacts c;
ALTER TABLE ccr.contacts ENABLE TRIGGER ccr_kpi_capture_insert;
VACUUM ANALYZE ccr.contacts;
\endif
SELECT count(*) AS contacts, count(DISTINCT customer) AS customers, min(offered_at)::date AS first_day, max(offered_at)::date AS last_day
FROM ccr.contacts;

CREATE OR REPLACE FUNCTION bench.load() RETURNS text LANGUAGE sql AS $$
	SELECT 'load ' || split_part(pg_read_file('/proc/loadavg'), ' ', 1) $$;

-- n contacts in the hour after the last one: copies of contacts of the last
-- week (same customers, queues, agents, waits and outcomes)
CREATE OR REPLACE FUNCTION bench.add_recent(n int) RETURNS void LANGUAGE sql AS $$
INSERT INTO ccr.contacts (source, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome,
						  talk_s, hold_s, acw_s, resolved, fcr, csat_score, csat_scale, nps_score)
SELECT 'bench', c.channel, c.queue, c.agent, c.customer, t, t + (c.answered_at - c.offered_at), t + (c.ended_at - c.offered_at),
	   c.outcome, c.talk_s, c.hold_s, c.acw_s, c.resolved, c.fcr, c.csat_score, c.csat_scale, c.nps_score
FROM (SELECT * FROM ccr.contacts WHERE offered_at > (SELECT max(offered_at) FROM ccr.contacts) - interval '7 days'
	  ORDER BY random() LIMIT n) c,
	 LATERAL (SELECT (SELECT max(offered_at) FROM ccr.contacts) + random() * interval '1 hour' AS t) x $$;

-- one timed statement: wall and CPU milliseconds
CREATE OR REPLACE FUNCTION bench.time(q text, OUT wall_ms numeric, OUT cpu_ms numeric) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; c0 float8;
BEGIN
	c0 := bench.cpu_ns(); t0 := clock_timestamp();
	EXECUTE q;
	wall_ms := round((extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric, 1);
	cpu_ms := round(((bench.cpu_ns() - c0) / 1e6)::numeric, 1);
END $$;

\echo
\echo == full rebuild
-- (bench.time in FROM: written as (bench.time(...)).* it would run once per
-- output column)
SELECT bench.load() AS load_before \gset
SELECT :'load_before' AS load_before, t.*, bench.load() AS load_after FROM bench.time('SELECT count(*) FROM ccr.rebuild_kpis()') t;
CREATE TEMP TABLE rebuild AS SELECT last_refresh_ms FROM ccr.kpi_refresh_status WHERE false;
INSERT INTO rebuild SELECT sum(last_refresh_ms) FROM ccr.kpi_refresh_status;

\echo
\echo == refresh after 500 new contacts (5 rounds; pending keys include the FCR neighbours)
CREATE TEMP TABLE refreshes (round int, pending_hour_keys bigint, pending_agent_keys bigint, wall_ms numeric, cpu_ms numeric, load text);
DO $$
DECLARE r record;
BEGIN
	FOR i IN 1..5 LOOP
		PERFORM bench.add_recent(500);
		SELECT * INTO r FROM bench.time('SELECT count(*) FROM ccr.refresh_kpis()');
		INSERT INTO refreshes
		SELECT i, (SELECT count(*) FROM (SELECT DISTINCT bucket, queue, channel FROM ccr.kpi_pending_hours) k), NULL, r.wall_ms, r.cpu_ms, bench.load();
	END LOOP;
END $$;
-- (pending keys are counted after the refresh consumed them: record them from a dry round)
SELECT bench.add_recent(500);
SELECT (SELECT count(*) FROM ccr._kpi_pending_hour_keys) AS pending_hour_keys_for_500,
	   (SELECT count(*) FROM ccr._kpi_pending_agent_day_keys) AS pending_agent_day_keys_for_500,
	   (SELECT count(DISTINCT contact_id) FROM ccr.kpi_pending_fcr) AS pending_fcr_contacts_for_500;
SELECT round, wall_ms, cpu_ms, load FROM refreshes ORDER BY round;

\echo
\echo == reading the last day of ccr.kpi_hourly with those 500 contacts not refreshed
-- the period as a literal, as dashboards send it (a filter written as a
-- subquery is not pushed into the views: see docs/continuous.md)
SELECT max(offered_at) - interval '1 day' AS since FROM ccr.contacts \gset
SELECT * FROM bench.compare('last day of kpi_hourly, 500 unrefreshed contacts',
	ARRAY['real time (stored + pending keys live)', 'stored rows only (set_kpi_realtime(false))', 'ccr.kpi_hourly_live'],
	ARRAY[format($q$SELECT * FROM ccr.kpi_hourly WHERE bucket >= %L$q$, :'since'),
		  format($q$SELECT * FROM ccr.kpi_hourly_rollup WHERE bucket >= %L$q$, :'since'),
		  format($q$SELECT * FROM ccr.kpi_hourly_live WHERE bucket >= %L$q$, :'since')], 5);
-- JIT compiles the _live view's plan (its cost estimate is high) for more
-- than the query takes: the same with jit off
SET jit = off;
SELECT * FROM bench.compare('the same, jit = off',
	ARRAY['real time (stored + pending keys live)', 'ccr.kpi_hourly_live'],
	ARRAY[format($q$SELECT * FROM ccr.kpi_hourly WHERE bucket >= %L$q$, :'since'),
		  format($q$SELECT * FROM ccr.kpi_hourly_live WHERE bucket >= %L$q$, :'since')], 5);
RESET jit;
-- the other _live views, one local day, with the session's JIT settings
-- (their per-bucket reads are planned with jit off: ccr.kpi_live_summaries)
SELECT (max(offered_at) AT TIME ZONE ccr.timezone())::date AS last_day FROM ccr.contacts \gset
SELECT * FROM bench.compare('last local day, the other _live views',
	ARRAY['ccr.kpi_daily_live', 'ccr.kpi_agent_daily_live', 'ccr.kpi_agent_daily (real time)'],
	ARRAY[format($q$SELECT * FROM ccr.kpi_daily_live WHERE day = %L$q$, :'last_day'),
		  format($q$SELECT * FROM ccr.kpi_agent_daily_live WHERE day = %L$q$, :'last_day'),
		  format($q$SELECT * FROM ccr.kpi_agent_daily WHERE day = %L$q$, :'last_day')], 5);
SELECT (SELECT count(*) FROM ((SELECT * FROM ccr.kpi_daily WHERE day = :'last_day'
							   EXCEPT ALL SELECT * FROM ccr.kpi_daily_live WHERE day = :'last_day')
							  UNION ALL
							  (SELECT * FROM ccr.kpi_daily_live WHERE day = :'last_day'
							   EXCEPT ALL SELECT * FROM ccr.kpi_daily WHERE day = :'last_day')) z)
	   AS last_day_daily_rows_real_time_vs_live_differing;
SELECT bench.load() AS load;
SELECT (SELECT count(*) FROM ((SELECT * FROM ccr.kpi_hourly WHERE bucket >= :'since'
							   EXCEPT ALL SELECT * FROM ccr.kpi_hourly_live WHERE bucket >= :'since')
							  UNION ALL
							  (SELECT * FROM ccr.kpi_hourly_live WHERE bucket >= :'since'
							   EXCEPT ALL SELECT * FROM ccr.kpi_hourly WHERE bucket >= :'since')) z)
	   AS last_day_rows_real_time_vs_live_differing;

\echo
\echo == occupancy of the agent-days of the last day: one call per key against one statement for all
-- (a refresh recomputes its pending agent-days the second way; the first is
-- what it did before, and what ccr.kpi_agent_daily_live does per agent-day)
CREATE TEMP TABLE occ_keys AS
SELECT DISTINCT (answered_at AT TIME ZONE ccr.timezone())::date AS day, agent FROM ccr.contacts
WHERE answered_at > (SELECT max(answered_at) FROM ccr.contacts) - interval '1 day' AND agent IS NOT NULL;
SELECT count(*) AS agent_day_keys,
	   (SELECT string_agg(s::text, ',' ORDER BY s::text) FROM occ_keys k CROSS JOIN LATERAL ccr.agent_occupancy_key(k.day, k.agent) s)
	   = (SELECT string_agg(row(s.logged_in_s, s.paused_s, s.available_s, s.handled, s.handle_s, s.occupancy)::text, ','
							ORDER BY row(s.logged_in_s, s.paused_s, s.available_s, s.handled, s.handle_s, s.occupancy)::text)
		  FROM (SELECT array_agg(day) AS days, array_agg(agent) AS agents FROM occ_keys) a,
			   ccr.agent_occupancy_keys(a.days, a.agents) s) AS same_answer
FROM occ_keys;
SELECT * FROM bench.compare('occupancy of the last day''s agent-days',
	ARRAY['ccr.agent_occupancy_key, one call per key', 'ccr.agent_occupancy_keys, one statement'],
	ARRAY[$q$SELECT count(*) FROM occ_keys k CROSS JOIN LATERAL ccr.agent_occupancy_key(k.day, k.agent) s$q$,
		  $q$SELECT count(*) FROM (SELECT array_agg(day) AS days, array_agg(agent) AS agents FROM occ_keys) a,
				 ccr.agent_occupancy_keys(a.days, a.agents) s$q$], 5);
SELECT bench.load() AS load;
DROP TABLE occ_keys;

\echo
\echo == refresh against rebuild
SELECT (SELECT min(cpu_ms) FROM refreshes) AS refresh_cpu_ms_best, (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms) FROM refreshes) AS refresh_wall_ms_median,
	   (SELECT round(last_refresh_ms) FROM rebuild) AS rebuild_ms,
	   round((SELECT last_refresh_ms FROM rebuild) / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY wall_ms) FROM refreshes)) AS rebuild_over_refresh;
SELECT count(*) FROM ccr.refresh_kpis();

\echo
\echo == capture cost of a bulk load: 1M contacts in one INSERT (rolled back), with the capture and without it
-- Without = the same table with its insert capture triggers dropped inside
-- the round's transaction (as if never created).  8 rounds in the order on off off on on off off
-- on, so a drift through the run (the rolled-back rows left in the table and
-- its indexes) weighs on both alike; a CHECKPOINT before each round, so none
-- pays for the previous one's dirty pages, and max_wal_size raised so that
-- no checkpoint starts inside a round.  Also the capture triggers' own
-- time inside the INSERT (pg_stat_xact_user_functions).
CREATE TABLE bench.staged AS
SELECT 'staged' AS source, channel, queue, agent, customer, offered_at + interval '400 days' AS offered_at,
	   answered_at + interval '400 days' AS answered_at, ended_at + interval '400 days' AS ended_at, outcome,
	   talk_s, hold_s, acw_s, resolved, fcr, csat_score, csat_scale, nps_score
FROM ccr.contacts ORDER BY contact_id LIMIT 1000000;
VACUUM ANALYZE bench.staged;
CREATE TEMP TABLE loads (round int, capture boolean, wall_ms numeric, cpu_ms numeric, trigger_ms numeric, load text);
SELECT 'SELECT * FROM bench.time($x$INSERT INTO ccr.contacts (source, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s, resolved, fcr, csat_score, csat_scale, nps_score) SELECT * FROM bench.staged$x$)' AS load_sql \gset
ALTER SYSTEM SET max_wal_size = '16GB';
SELECT pg_reload_conf() AS reloaded;
SET track_functions = 'pl';
\set round 1
\set capture true
\ir capture_round.sql
\set capture false
\ir capture_round.sql
\ir capture_round.sql
\set capture true
\ir capture_round.sql
\ir capture_round.sql
\set capture false
\ir capture_round.sql
\ir capture_round.sql
\set capture true
\ir capture_round.sql
RESET track_functions;
ALTER SYSTEM RESET max_wal_size;
SELECT pg_reload_conf() AS reloaded;
SELECT round, capture, wall_ms, cpu_ms, trigger_ms, load FROM loads ORDER BY round;
SELECT round(100 * ((SELECT avg(cpu_ms) FROM loads WHERE capture) / (SELECT avg(cpu_ms) FROM loads WHERE NOT capture) - 1), 1) AS capture_overhead_cpu_pct,
	   round(100 * ((SELECT avg(wall_ms) FROM loads WHERE capture) / (SELECT avg(wall_ms) FROM loads WHERE NOT capture) - 1), 1) AS capture_overhead_wall_pct,
	   round(100 * (SELECT avg(trigger_ms) FROM loads WHERE capture) / (SELECT avg(wall_ms) FROM loads WHERE NOT capture), 1) AS trigger_time_pct_of_insert_without,
	   (SELECT round(avg(trigger_ms)) FROM loads WHERE capture) AS trigger_ms_mean;
DROP TABLE bench.staged;
