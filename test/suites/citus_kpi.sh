#!/usr/bin/env bash
# The KPI layer (ccr.contacts, the capture triggers, the rollup tables,
# refresh_kpis, the real-time views) on a real Citus 13 cluster: a
# coordinator and two workers on loopback (test/citus/lib.sh), against the
# same data on the plain single-node cluster of scripts/test.
#   1. what Citus does with the extension's own tables: distributing
#      ccr.contacts, making it a reference or Citus local table,
#      distributing the rollups or the pending-key logs; each attempt's
#      exact outcome is asserted, inside a transaction that is rolled back;
#   2. the supported pattern end to end: the user's raw calls distributed by
#      caller, ccr.contacts a local table on the coordinator fed from them by
#      INSERT ... SELECT ... ON CONFLICT (test/citus/kpi_feed.sql); the
#      capture triggers log the same keys as on one node, refresh_kpis
#      empties kpi_refresh_status, and kpi_hourly, kpi_daily, kpi_monthly,
#      kpi_agent_daily equal their _live views and the same views on the
#      single-node database (every column, as text, as multisets), after
#      the load, after more calls without a refresh (real time), after
#      key-moving updates (through the feed and directly), and after each
#      refresh;
#   3. the KPI numbers against Citus's own: ccr aggregates over the
#      distributed raw calls grouped by local hour, queue and channel
#      (pushed down as worker_partial_agg) and repeat-contact FCR from a
#      window function on the shards equal kpi_hourly;
#   4. what else fails: a LANGUAGE sql feed with a parameter, an UPDATE of
#      the distributed calls with timestamptz + interval.
# The workers' own ccr tables (CREATE EXTENSION propagates) stay empty.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$CCR_ROOT/test/citus/lib.sh"

# the single-node reference: a database on the cluster scripts/test started
ref_host=$PGHOST ref_port=$PGPORT
psql -qX -v ON_ERROR_STOP=1 -h "$ref_host" -p "$ref_port" -U postgres -d postgres -c 'CREATE DATABASE citus_kpi_ref'
psql -qAtX -v ON_ERROR_STOP=1 -h "$ref_host" -p "$ref_port" -U postgres -d citus_kpi_ref \
	-c 'SET client_min_messages = warning' -c 'CREATE EXTENSION ccr_metrics' -f "$CCR_ROOT/test/citus/kpi_feed.sql" >/dev/null

dir=$CCR_WORK/citus_kpi
trap 'citus_cluster_stop "$dir"' EXIT
citus_cluster_start "$dir"

out=$dir/checks.txt
psql -qAtX -v ON_ERROR_STOP=1 -v ref="host=$ref_host port=$ref_port user=postgres dbname=citus_kpi_ref options=-ctimezone=UTC" \
	-v feed="$CCR_ROOT/test/citus/kpi_feed.sql" >"$out" <<'SQL'
SET client_min_messages = warning;
SET timezone = 'UTC';
CREATE FUNCTION check_that(what text, ok boolean) RETURNS text LANGUAGE sql AS
	$$ SELECT CASE WHEN ok THEN 'ok:   ' ELSE 'FAIL: ' END || what $$;
-- runs q; 'ok' or the error as "SQLSTATE: message (detail)"
CREATE FUNCTION try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	m text;
	s text;
	d text;
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, s = RETURNED_SQLSTATE, d = PG_EXCEPTION_DETAIL;
	RETURN s || ': ' || m || coalesce(' (' || nullif(d, '') || ')', '');
END $$;
CREATE FUNCTION expect(what text, q text, want text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	got text := try(q);
BEGIN
	RETURN check_that(format('%s: %s', what, got), got = want);
END $$;
-- the same, the error matching a LIKE pattern (a message naming a port)
CREATE FUNCTION expect_like(what text, q text, want text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	got text := try(q);
BEGIN
	RETURN check_that(format('%s: %s', what, got), got LIKE want);
END $$;
-- Citus objects of schema ccr on every node: placements in pg_dist_partition,
-- shard tables (name_<shard id>) left anywhere
CREATE FUNCTION ccr_citus_objects() RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::regclass::text LIKE 'ccr.%')
		   + (SELECT sum(result::bigint) FROM run_command_on_all_nodes(
				$c$SELECT count(*) FROM pg_class WHERE relnamespace = 'ccr'::regnamespace AND relname ~ '_1[0-9]{5,}$'$c$))
$$;

SELECT check_that(format('Citus %s, %s worker nodes, ccr_metrics %s on the coordinator and the workers', v, w,
						 (SELECT extversion FROM pg_extension WHERE extname = 'ccr_metrics')),
				  w = 2 AND (SELECT count(*) FROM run_command_on_workers(
						'SELECT extversion FROM pg_extension WHERE extname = ''ccr_metrics''')
							 WHERE success AND result = (SELECT extversion FROM pg_extension WHERE extname = 'ccr_metrics')) = 2)
FROM (SELECT citus_version() v, (SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0) w) x;

-- ---------------------------------------------------------------------------
-- 1. The extension's tables under Citus (each attempt rolled back).
BEGIN;
SELECT expect('create_distributed_table(''ccr.contacts'', ''customer'')',
			  $$SELECT create_distributed_table('ccr.contacts', 'customer')$$,
			  'XX000: cannot distribute relation "contacts" because it has triggers');
SELECT expect('create_reference_table(''ccr.contacts'')',
			  $$SELECT create_reference_table('ccr.contacts')$$,
			  'XX000: cannot distribute relation "contacts" because it has triggers');
SET LOCAL citus.enable_unsafe_triggers = on;
SELECT expect('with citus.enable_unsafe_triggers: create_distributed_table(''ccr.contacts'', ''customer'')',
			  $$SELECT create_distributed_table('ccr.contacts', 'customer')$$,
			  '0A000: cannot create constraint on "contacts" (Distributed relations cannot have UNIQUE, EXCLUDE, or PRIMARY KEY constraints that do not include the partition column (with an equality operator if EXCLUDE).)');
SELECT expect('with citus.enable_unsafe_triggers: create_distributed_table(''ccr.contacts'', ''contact_id'')',
			  $$SELECT create_distributed_table('ccr.contacts', 'contact_id')$$,
			  '0A000: cannot create constraint on "contacts" (Distributed relations cannot have UNIQUE, EXCLUDE, or PRIMARY KEY constraints that do not include the partition column (with an equality operator if EXCLUDE).)');
SELECT expect('citus_add_local_table_to_metadata(''ccr.contacts'')',
			  $$SELECT citus_add_local_table_to_metadata('ccr.contacts')$$,
			  '2BP01: cannot drop sequence ccr.contacts_contact_id_seq because extension ccr_metrics requires it');
-- an empty ccr.contacts becomes a reference table, and then takes no rows
SELECT expect('with citus.enable_unsafe_triggers: create_reference_table(''ccr.contacts''), empty',
			  $$SELECT create_reference_table('ccr.contacts')$$, 'ok');
SELECT expect('then an INSERT into the reference table ccr.contacts (the capture trigger runs on the shards)',
			  $$INSERT INTO ccr.contacts (source, source_id, queue, customer, offered_at, ended_at, outcome)
				VALUES ('t', '1', 'q', 'c', '2026-01-05 10:00+00', '2026-01-05 10:01+00', 'abandoned')$$,
			  'XX000: unrecognized RTE kind: 7');
SELECT expect('and undistribute_table(''ccr.contacts'') to go back',
			  $$SELECT undistribute_table('ccr.contacts')$$,
			  'XX000: cannot alter table because an extension depends on it');
ROLLBACK;
SELECT check_that(format('after ROLLBACK: no ccr table in the Citus metadata, no shard table left on any node (%s)', ccr_citus_objects()),
				  ccr_citus_objects() = 0);

-- ---------------------------------------------------------------------------
-- 2. The supported pattern: the raw calls distributed by caller, ccr.contacts
-- a local table on the coordinator, fed from them (test/citus/kpi_feed.sql).
\set distribute 1
\i :feed
\unset distribute
SELECT check_that(format('pbx.calls distributed by caller over %s shards on %s workers; ccr.contacts and every other ccr table local (%s in the Citus metadata)',
						 s, n, (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::regclass::text LIKE 'ccr.%')),
				  s = 8 AND n = 2 AND (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::regclass::text LIKE 'ccr.%') = 0)
FROM (SELECT count(*) s, count(DISTINCT nodeport) n FROM citus_shards WHERE table_name = 'pbx.calls'::regclass) x;

-- The single-node database: same objects (loaded before), reached by dblink.
CREATE EXTENSION dblink;
SELECT set_config('ccr_test.ref', :'ref', false) IS NOT NULL AS set_ref \gset
CREATE FUNCTION ref_do(q text) RETURNS text LANGUAGE sql AS
	$$ SELECT dblink_exec(current_setting('ccr_test.ref'), q) $$;
CREATE FUNCTION ref_value(q text) RETURNS text LANGUAGE sql AS
	$$ SELECT t FROM dblink(current_setting('ccr_test.ref'), q) AS r(t text) $$;
-- a query of one text column run on the single-node database
CREATE FUNCTION ref_rows(q text) RETURNS text LANGUAGE sql AS
	$$ SELECT format('SELECT t FROM dblink(current_setting(''ccr_test.ref''), %L) AS r(t text)', q) $$;
-- two queries of one text column compared as multisets
CREATE FUNCTION diff_rows(a text, b text, OUT rows_a bigint, OUT rows_b bigint, OUT differ bigint) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('WITH a AS MATERIALIZED (%s), b AS MATERIALIZED (%s)
		SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b),
			   (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b) x)
			   + (SELECT count(*) FROM (SELECT * FROM b EXCEPT ALL SELECT * FROM a) y)', a, b)
	INTO rows_a, rows_b, differ;
END $$;
-- a statement run on the coordinator and on the single-node database; the
-- first column of both results
CREATE FUNCTION on_both(q text, OUT here text, OUT there text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q INTO here;
	there := ref_value(q);
END $$;

-- Every KPI view = its _live view here, = the same view there (each read
-- once, as text rows).
CREATE FUNCTION compare_views(phase text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	v text;
	d record;
BEGIN
	FOREACH v IN ARRAY ARRAY['kpi_hourly', 'kpi_daily', 'kpi_monthly', 'kpi_agent_daily'] LOOP
		DROP TABLE IF EXISTS pg_temp.v_here, pg_temp.v_live, pg_temp.v_there;
		EXECUTE format('CREATE TEMP TABLE v_here AS SELECT x::text AS t FROM ccr.%I x', v);
		EXECUTE format('CREATE TEMP TABLE v_live AS SELECT x::text AS t FROM ccr.%I x', v || '_live');
		EXECUTE format('CREATE TEMP TABLE v_there AS %s', ref_rows(format('SELECT x::text FROM ccr.%I x', v)));
		SELECT * INTO d FROM diff_rows('SELECT t FROM v_here', 'SELECT t FROM v_live');
		RETURN NEXT check_that(format('%s: ccr.%s = ccr.%s_live on the coordinator (%s rows, %s differ)', phase, v, v, d.rows_a, d.differ),
							   d.rows_a > 0 AND d.rows_a = d.rows_b AND d.differ = 0);
		SELECT * INTO d FROM diff_rows('SELECT t FROM v_here', 'SELECT t FROM v_there');
		RETURN NEXT check_that(format('%s: ccr.%s = ccr.%s on the single-node database (%s rows, %s there, %s differ)', phase, v, v, d.rows_a, d.rows_b, d.differ),
							   d.rows_a > 0 AND d.rows_a = d.rows_b AND d.differ = 0);
	END LOOP;
END $$;

-- The capture triggers fired: the same keys logged as on one node (the
-- distinct hour and agent-day keys, and the contacts pending for their FCR
-- flags, by source id).
CREATE FUNCTION check_pending(phase text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	q text;
	what text;
	d record;
BEGIN
	FOR what, q IN VALUES
		('hour keys', 'SELECT DISTINCT row(bucket, queue, channel)::text FROM ccr.kpi_pending_hours'),
		('agent-day keys', 'SELECT DISTINCT row(day, agent)::text FROM ccr.kpi_pending_agent_days'),
		('contacts pending for their FCR flags', 'SELECT DISTINCT c.source_id FROM ccr.kpi_pending_fcr f JOIN ccr.contacts c USING (contact_id)')
	LOOP
		SELECT * INTO d FROM diff_rows(q, ref_rows(q));
		RETURN NEXT check_that(format('%s, not refreshed: the capture triggers logged %s %s (%s on one node, %s differ)', phase, d.rows_a, what, d.rows_b, d.differ),
							   d.rows_a > 0 AND d.rows_a = d.rows_b AND d.differ = 0);
	END LOOP;
END $$;

-- ccr.refresh_kpis() on both; nothing pending after it (read in a
-- statement of its own: a statement does not see what a function it calls
-- wrote after it started).
CREATE FUNCTION refresh_both(phase text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	b record;
	st record;
BEGIN
	SELECT * INTO b FROM on_both($q$SELECT count(*) FILTER (WHERE matview IS NOT NULL)
											|| CASE WHEN bool_or(matview = 'ccr.kpi_hourly_rollup'::regclass) THEN '' ELSE ' (no kpi_hourly_rollup)' END
									FROM ccr.refresh_kpis()$q$);
	SELECT sum(coalesce(pending_keys, 0)) AS pending, count(oldest_change_at) AS oldest, max(rebuild_due) AS due,
		   (SELECT count(*) FROM ccr.kpi_pending_hours) + (SELECT count(*) FROM ccr.kpi_pending_agent_days)
		   + (SELECT count(*) FROM ccr.kpi_pending_fcr) AS logged
	INTO st FROM ccr.kpi_refresh_status;
	RETURN check_that(format('%s: ccr.refresh_kpis() refreshed %s rollups here (%s on one node, kpi_hourly_rollup among them); kpi_refresh_status empty after it (%s keys pending, %s logged rows, %s oldest_change_at, rebuild_due %s)',
							 phase, b.here, b.there, st.pending, st.logged, st.oldest, coalesce(st.due, 'NULL')),
					  b.here = b.there AND b.here ~ '^[0-9]+$' AND st.pending = 0 AND st.logged = 0 AND st.oldest = 0 AND st.due IS NULL);
END $$;

-- 3. Citus's own numbers: the KPIs per local hour, queue and channel from
-- the distributed raw calls (ccr aggregates pushed down), and repeat-contact
-- FCR from the spec's window-function reference run on the shards (each
-- caller's calls are on one shard).
CREATE VIEW hourly_on_shards AS
SELECT date_trunc('hour', c.enqueued, 'Europe/Paris') AS bucket, c.queue_name AS queue, c.media AS channel,
	   count(*) FILTER (WHERE x.w IS NOT NULL) AS offered,
	   count(*) FILTER (WHERE c.connected IS NOT NULL) AS answered,
	   count(*) FILTER (WHERE c.connected IS NULL AND x.w IS NOT NULL) AS abandoned,
	   ccr.service_level(x.w, c.connected IS NOT NULL, 20) AS service_level,
	   ccr.abandon_rate(x.w, c.connected IS NOT NULL, 0) AS abandon_rate,
	   ccr.asa(x.w, c.connected IS NOT NULL) AS asa_s,
	   ccr.aht(c.talk_seconds, c.hold_seconds, c.wrap_seconds) AS aht_s,
	   ccr.fcr_rate(c.fcr) AS fcr_rate, ccr.resolution_rate(c.resolved) AS resolution_rate,
	   ccr.csat(c.csat, 5) AS csat, ccr.nps(c.nps) AS nps, count(*) AS contacts,
	   count(c.talk_seconds) AS handled, count(c.csat) AS csat_responses, count(c.nps) AS nps_responses
FROM pbx.calls c CROSS JOIN LATERAL (SELECT extract(epoch FROM coalesce(c.connected, c.disconnected) - c.enqueued)::float8 AS w) x
GROUP BY 1, 2, 3;
CREATE VIEW fcr_hourly_on_shards AS
SELECT date_trunc('hour', enqueued, 'Europe/Paris') AS bucket, queue_name AS queue, media AS channel,
	   count(*) FILTER (WHERE prv IS NULL OR enqueued - prv > interval '7 days') AS first_contacts,
	   count(*) FILTER (WHERE (prv IS NULL OR enqueued - prv > interval '7 days')
						AND (nxt IS NULL OR nxt - enqueued > interval '7 days')) AS resolved_first_contacts
FROM (SELECT c.*, lag(enqueued) OVER w AS prv, lead(enqueued) OVER w AS nxt
	  FROM pbx.calls c WINDOW w AS (PARTITION BY caller ORDER BY enqueued, call_uuid)) s
GROUP BY 1, 2, 3;
CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	p text := '';
	l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP p := p || l || E'\n'; END LOOP;
	RETURN p;
END $$;
SELECT check_that('KPIs per local hour, queue, channel over the distributed calls: pushed down (worker_partial_agg of ccr.service_level on the shards, grouped by date_trunc(''hour'', enqueued, ''Europe/Paris'') there)',
				  p ~ 'worker_partial_agg\(''ccr\.service_level\(' AND p ~ 'coord_combine_agg'
				  AND p ~ $re$FROM pbx\.calls_[0-9]+ c .*GROUP BY \(date_trunc\('hour'::text, enqueued, 'Europe/Paris'::text\)\), queue_name, media$re$)
FROM plan_of('SELECT * FROM hourly_on_shards') p;
SELECT check_that('repeat-contact FCR reference: the window PARTITION BY caller runs on the shards',
				  p ~ 'WindowAgg' AND p ~ 'FROM pbx\.calls_[0-9]+ c WINDOW w AS \(PARTITION BY c\.caller ORDER BY c\.enqueued, c\.call_uuid\)')
FROM plan_of('SELECT * FROM fcr_hourly_on_shards') p;

CREATE FUNCTION compare_shards(phase text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	d record;
	cols CONSTANT text := 'row(bucket, queue, channel, offered, answered, abandoned, service_level, abandon_rate, asa_s, aht_s,
						   fcr_rate, resolution_rate, csat, nps, contacts, handled, csat_responses, nps_responses)::text';
BEGIN
	SELECT * INTO d FROM diff_rows(format('SELECT %s FROM ccr.kpi_hourly', cols), format('SELECT %s FROM hourly_on_shards', cols));
	RETURN NEXT check_that(format('%s: ccr.kpi_hourly = ccr aggregates over the distributed calls computed by Citus (%s hours x queues x channels, 15 columns each, %s differ)',
								  phase, d.rows_a, d.differ),
						   d.rows_a > 0 AND d.rows_a = d.rows_b AND d.differ = 0);
	SELECT * INTO d FROM diff_rows('SELECT row(bucket, queue, channel, first_contacts, repeat_fcr_rate)::text FROM ccr.kpi_hourly',
		'SELECT row(bucket, queue, channel, first_contacts, resolved_first_contacts::float8 / nullif(first_contacts, 0))::text FROM fcr_hourly_on_shards');
	RETURN NEXT check_that(format('%s: ccr.kpi_hourly first_contacts, repeat_fcr_rate = window-function reference on the shards (%s rows, %s differ; %s first contacts)',
								  phase, d.rows_a, d.differ, (SELECT sum(first_contacts) FROM ccr.kpi_hourly)),
						   d.rows_a > 0 AND d.rows_a = d.rows_b AND d.differ = 0);
	RETURN NEXT check_that(format('%s: total repeat-contact FCR of kpi_hourly (%s first, %s resolved) = ccr.fcr_agg over the distributed calls',
								  phase, v.f, v.r),
						   v.f = a.f AND v.r = a.r AND v.f > 0)
	FROM (SELECT sum(first_contacts) f, sum(round(repeat_fcr_rate * first_contacts)) r FROM ccr.kpi_hourly) v,
		 (SELECT ccr.first_contacts(s) f, ccr.resolved_first_contacts(s) r
		  FROM (SELECT ccr.fcr_agg(caller, enqueued, interval '7 days') s FROM pbx.calls) x) a;
END $$;

-- Load: 12,000 calls into the distributed table (the same on one node),
-- fed into ccr.contacts.
INSERT INTO pbx.calls SELECT * FROM pbx.gen(1, 12001);
SELECT ref_do('INSERT INTO pbx.calls SELECT * FROM pbx.gen(1, 12001)') AS _done \gset
-- (the feed in a statement of its own: later statements see what it wrote)
SELECT here AS fed_here, there AS fed_there FROM on_both($$SELECT pbx.sync_ccr('-infinity')$$) \gset
SELECT check_that(format('load: %s calls in the distributed pbx.calls; pbx.sync_ccr() fed %s contacts into the local ccr.contacts (%s on one node), %s there now; the workers'' ccr.contacts are empty (%s rows)',
						 (SELECT count(*) FROM pbx.calls), :'fed_here', :'fed_there', (SELECT count(*) FROM ccr.contacts),
						 (SELECT sum(result::bigint) FROM run_command_on_workers('SELECT count(*) FROM ccr.contacts'))),
				  :'fed_here' = '12000' AND :'fed_there' = :'fed_here' AND (SELECT count(*) FROM ccr.contacts) = 12000
				  AND (SELECT sum(result::bigint) FROM run_command_on_workers('SELECT count(*) FROM ccr.contacts')) = 0);
SELECT check_pending('load');
SELECT compare_views('load, not refreshed');
SELECT refresh_both('load');
SELECT compare_views('load, refreshed');
SELECT compare_shards('load, refreshed');

-- Real time: 600 more calls, fed, not refreshed.
INSERT INTO pbx.calls SELECT * FROM pbx.gen(12001, 12601);
SELECT ref_do('INSERT INTO pbx.calls SELECT * FROM pbx.gen(12001, 12601)') AS _done \gset
SELECT check_that(format('600 more calls: pbx.sync_ccr() fed %s contacts (%s on one node)', s.here, s.there),
				  s.here = '600' AND s.there = s.here)
FROM on_both($$SELECT pbx.sync_ccr((SELECT min(enqueued) FROM pbx.gen(12001, 12601)))$$) s;
SELECT check_pending('600 more calls');
SELECT compare_views('600 more calls, not refreshed (real time)');
SELECT compare_shards('600 more calls, not refreshed (real time)');
SELECT refresh_both('600 more calls');
SELECT compare_views('600 more calls, refreshed');

-- Key-moving updates through the feed: 160 calls of the last 1,600 move
-- 90 minutes later, to another agent and to the other channel.  Citus
-- refuses the plain UPDATE of a distributed table (timestamptz + interval is
-- STABLE); the new values are computed first.
SELECT expect('UPDATE pbx.calls SET enqueued = enqueued + interval ''90 minutes'' (the distributed calls)',
			  $$UPDATE pbx.calls SET enqueued = enqueued + interval '90 minutes' WHERE call_uuid = 11003$$,
			  '0A000: STABLE functions used in UPDATE queries cannot be called with column references');
SELECT here AS moved_here, there AS moved_there FROM on_both($q$WITH v AS MATERIALIZED (
	SELECT caller, call_uuid, enqueued + interval '90 minutes' AS enqueued, connected + interval '90 minutes' AS connected,
		   disconnected + interval '90 minutes' AS disconnected,
		   CASE WHEN agent_login IS NOT NULL THEN 'agent-' || (1 + (call_uuid % 7)) END AS agent_login,
		   CASE media WHEN 'voice' THEN 'chat' ELSE 'voice' END AS media
	FROM pbx.calls WHERE call_uuid > 11000 AND call_uuid % 10 = 3),
m AS (UPDATE pbx.calls c SET enqueued = v.enqueued, connected = v.connected, disconnected = v.disconnected,
			 agent_login = v.agent_login, media = v.media
	  FROM v WHERE c.caller = v.caller AND c.call_uuid = v.call_uuid RETURNING 1)
	SELECT count(*) FROM m$q$) \gset
SELECT here AS fed_here, there AS fed_there FROM on_both($$SELECT pbx.sync_ccr((SELECT min(enqueued) FROM pbx.gen(11001, 11002)))$$) \gset
SELECT check_that(format('key-moving UPDATE of the distributed calls (hour, agent, channel): %s calls moved (the same on one node); pbx.sync_ccr() re-fed the %s contacts of the last 1,600 calls (%s on one node), still %s contacts',
						 :'moved_here', :'fed_here', :'fed_there', (SELECT count(*) FROM ccr.contacts)),
				  :'moved_here' = '160' AND :'moved_there' = :'moved_here' AND :'fed_here' = '1600' AND :'fed_there' = :'fed_here' AND (SELECT count(*) FROM ccr.contacts) = 12600);
SELECT check_pending('key-moving UPDATE through the feed');
SELECT compare_views('key-moving UPDATE through the feed, not refreshed (real time)');
SELECT compare_shards('key-moving UPDATE through the feed, not refreshed (real time)');
SELECT refresh_both('key-moving UPDATE through the feed');
SELECT compare_views('key-moving UPDATE through the feed, refreshed');
SELECT compare_shards('key-moving UPDATE through the feed, refreshed');

-- Key-moving UPDATE and DELETE on ccr.contacts itself (queue moves; the
-- raw calls no longer say the same, so only the views are compared).
SELECT check_that(format('UPDATE ccr.contacts SET queue: %s contacts moved to queue retention (%s on one node)', s.here, s.there),
				  s.here::int > 100 AND s.there = s.here)
FROM on_both($q$WITH m AS (UPDATE ccr.contacts SET queue = 'retention' WHERE source_id::bigint % 97 = 0 RETURNING 1)
				SELECT count(*) FROM m$q$) s;
SELECT check_that(format('DELETE FROM ccr.contacts: %s contacts (%s on one node)', s.here, s.there),
				  s.here::int > 100 AND s.there = s.here)
FROM on_both($q$WITH m AS (DELETE FROM ccr.contacts WHERE source_id::bigint % 89 = 0 RETURNING 1)
				SELECT count(*) FROM m$q$) s;
SELECT check_pending('queue move and delete on ccr.contacts');
SELECT compare_views('queue move and delete on ccr.contacts, not refreshed (real time)');
SELECT refresh_both('queue move and delete on ccr.contacts');
SELECT compare_views('queue move and delete on ccr.contacts, refreshed');

-- ---------------------------------------------------------------------------
-- 4. What else a user would try, with rows loaded (each rolled back).
BEGIN;
SET LOCAL citus.enable_unsafe_triggers = on;
SELECT expect_like('with rows and citus.enable_unsafe_triggers: create_reference_table(''ccr.contacts'') (copying the rows fires the capture trigger on the shards)',
				   $$SELECT create_reference_table('ccr.contacts')$$,
				   '08006: connection to the remote node postgres@127.0.0.1:% failed with the following error: another command is already in progress');
ROLLBACK;
BEGIN;
SELECT expect('create_distributed_table(''ccr.kpi_hourly_rollup'', ''queue'')',
			  $$SELECT create_distributed_table('ccr.kpi_hourly_rollup', 'queue')$$, 'ok');
SELECT expect('then the feed (the capture writes only local logs)', $$SELECT pbx.sync_ccr((SELECT min(enqueued) FROM pbx.gen(12501, 12502)))$$, 'ok');
SELECT expect('then ccr.refresh_kpis()', $$SELECT ccr.refresh_kpis()$$,
			  '0A000: relation kpi_hour_keys is not distributed');
SELECT expect('and ccr.rebuild_kpis()', $$SELECT ccr.rebuild_kpis()$$,
			  '0A000: cannot perform distributed planning on this query because parameterized queries for SQL functions referencing distributed tables are not supported');
ROLLBACK;
BEGIN;
SELECT expect('create_reference_table(''ccr.kpi_hourly_rollup'')',
			  $$SELECT create_reference_table('ccr.kpi_hourly_rollup')$$, 'ok');
SELECT expect('then the feed', $$SELECT pbx.sync_ccr((SELECT min(enqueued) FROM pbx.gen(12501, 12502)))$$, 'ok');
SELECT expect('then ccr.refresh_kpis()', $$SELECT ccr.refresh_kpis()$$,
			  'XX000: relation kpi_hour_keys is not distributed');
SELECT expect('and ccr.rebuild_kpis()', $$SELECT ccr.rebuild_kpis()$$,
			  '0A000: cannot perform distributed planning on this query because parameterized queries for SQL functions referencing distributed tables are not supported');
ROLLBACK;
BEGIN;
SELECT expect('create_reference_table(''ccr.kpi_pending_hours'') (a pending-key log)',
			  $$SELECT create_reference_table('ccr.kpi_pending_hours')$$, 'ok');
SELECT expect('then any INSERT into ccr.contacts (the capture trigger writes the log)',
			  $$INSERT INTO ccr.contacts (source, source_id, queue, customer, offered_at, ended_at, outcome)
				VALUES ('t', '1', 'q', 'c', '2026-01-05 10:00+00', '2026-01-05 10:01+00', 'abandoned')$$,
			  'XX000: unrecognized RTE kind: 7');
ROLLBACK;
BEGIN;
SELECT expect('create_distributed_table(''ccr.kpi_pending_hours'', ''queue'')',
			  $$SELECT create_distributed_table('ccr.kpi_pending_hours', 'queue')$$, 'ok');
SELECT expect('then any INSERT into ccr.contacts',
			  $$INSERT INTO ccr.contacts (source, source_id, queue, customer, offered_at, ended_at, outcome)
				VALUES ('t', '1', 'q', 'c', '2026-01-05 10:00+00', '2026-01-05 10:01+00', 'abandoned')$$,
			  'XX000: unrecognized RTE kind: 7');
ROLLBACK;
SELECT check_that(format('after the ROLLBACKs: no ccr table in the Citus metadata, no shard table left on any node (%s)', ccr_citus_objects()),
				  ccr_citus_objects() = 0);

-- The feed as a LANGUAGE sql function: without parameters it works, with
-- one Citus cannot plan its INSERT ... SELECT from the distributed table.
CREATE FUNCTION pbx.sync_ccr_sql(since timestamptz) RETURNS void LANGUAGE sql AS $$
	INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome)
	SELECT source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome
	FROM pbx.contacts_for_ccr WHERE offered_at >= since
	ON CONFLICT (source, source_id, queue, stint) DO UPDATE SET agent = EXCLUDED.agent $$;
CREATE FUNCTION pbx.sync_ccr_sql_recent() RETURNS void LANGUAGE sql AS $$
	INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome)
	SELECT source, source_id, channel, queue, agent, customer, offered_at, answered_at, ended_at, outcome
	FROM pbx.contacts_for_ccr WHERE offered_at > timestamptz '2026-01-13 12:00+00' - interval '2 days'
	ON CONFLICT (source, source_id, queue, stint) DO UPDATE SET agent = EXCLUDED.agent $$;
BEGIN;
SELECT expect('LANGUAGE sql feed with a parameter, reading the distributed calls',
			  $$SELECT pbx.sync_ccr_sql('2026-01-12 00:00+00')$$,
			  '0A000: could not create distributed plan (Possibly this is caused by the use of parameters in SQL functions, which is not supported in Citus.)');
SELECT expect('LANGUAGE sql feed without parameters (docs/model.md)', $$SELECT pbx.sync_ccr_sql_recent()$$, 'ok');
ROLLBACK;
SQL

echo "citus_kpi: suite ran ${SECONDS} s"
citus_report citus_kpi "$out" 100
