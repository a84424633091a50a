#!/usr/bin/env bash
# Property test of the continuous KPI layer.  A seeded random sequence of
# steps on a small model (few customers, so repeat-contact FCR neighbours
# matter; a DST change inside the period): inserts (new hours and backfills
# into old days), updates that move contacts between hours, queues, agents
# and customers, deletes, QA evaluations, refreshes, a refresh run while
# another session holds an uncommitted insert (dblink), and a refresh
# cancelled by statement_timeout.  After every step the real-time views
# equal the _live views; after every refresh the rollups hold exactly what
# ccr.rebuild_kpis() computes on the same data (bit for bit, as text).  At
# the end the repeat-contact FCR counts of every hour equal the spec's
# window-function reference in plain SQL.
#   CCR_PROPERTY_STEPS (default 40), CCR_PROPERTY_SEED (default 0.17)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=ccr_kpi_property
steps=${CCR_PROPERTY_STEPS:-40}
seed=${CCR_PROPERTY_SEED:-0.17}
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null || true' EXIT
rc=0
out=$(psql -qX -v ON_ERROR_STOP=1 -d "$db" -v steps="$steps" -v seed="$seed" -v port="$PGPORT" -v host="$PGHOST" 2>&1 <<'SQL'
\set QUIET on
\o /dev/null
SET client_min_messages = warning;
CREATE EXTENSION ccr_metrics;
CREATE EXTENSION dblink;
SELECT ccr.set_timezone('Europe/Paris');
SELECT ccr.set_kpi_fcr_window('1 day');
SELECT setseed(:seed);
SELECT set_config('my.steps', :'steps', false), set_config('my.host', :'host', false), set_config('my.port', :'port', false);
CREATE TABLE log (step int, op text, detail text, ok boolean);

-- real-time views minus live views, both ways, over the four pairs (each
-- view read once)
CREATE FUNCTION rt_live_diff() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v text;
	n bigint := 0;
	d bigint;
BEGIN
	FOREACH v IN ARRAY ARRAY['kpi_hourly', 'kpi_daily', 'kpi_monthly', 'kpi_agent_daily'] LOOP
		EXECUTE format('CREATE TEMP TABLE rt AS SELECT * FROM ccr.%I', v);
		EXECUTE format('CREATE TEMP TABLE live AS SELECT * FROM ccr.%I', v || '_live');
		SELECT count(*) INTO d FROM ((TABLE rt EXCEPT ALL TABLE live) UNION ALL (TABLE live EXCEPT ALL TABLE rt)) z;
		n := n + d;
		DROP TABLE rt, live;
	END LOOP;
	RETURN n;
END $$;
-- every stored rollup row as text, and the first contacts they count
CREATE FUNCTION stored_rows() RETURNS TABLE (r text, t text) LANGUAGE sql AS $$
SELECT 'h', x::text FROM ccr.kpi_hourly_rollup x UNION ALL SELECT 'd', x::text FROM ccr.kpi_daily_rollup x
UNION ALL SELECT 'm', x::text FROM ccr.kpi_monthly_rollup x UNION ALL SELECT 'a', x::text FROM ccr.kpi_agent_daily_rollup x
UNION ALL SELECT 'q', x::text FROM ccr.quality_agent_daily_rollup x
UNION ALL SELECT 'f', x::text FROM ccr.kpi_first_contacts x $$;
-- the stored rollups minus a rebuild's, both ways (the rebuild is rolled back)
CREATE FUNCTION refresh_rebuild_diff() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
	CREATE TEMP TABLE before_rebuild AS SELECT * FROM stored_rows();
	BEGIN
		PERFORM ccr.rebuild_kpis();
		SELECT count(*) INTO n FROM ((TABLE before_rebuild EXCEPT ALL SELECT * FROM stored_rows())
									 UNION ALL (SELECT * FROM stored_rows() EXCEPT ALL TABLE before_rebuild)) z;
		RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = n::text;
	EXCEPTION WHEN raise_exception THEN
		n := SQLERRM::bigint;
	END;
	DROP TABLE before_rebuild;
	RETURN n;
END $$;

CREATE FUNCTION rnd(lo int, hi int) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT lo + floor(random() * (hi - lo + 1))::int $$;
-- k contacts at random instants of [day0, day0 + days)
CREATE FUNCTION add_contacts(k int, day0 timestamptz, days int, src text) RETURNS void LANGUAGE sql AS $$
INSERT INTO ccr.contacts (source, queue, channel, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s, fcr, resolved,
						  csat_score, csat_scale, nps_score, ces_score)
SELECT src, (ARRAY['support', 'sales', NULL])[1 + (r * 1000)::int % 3], (ARRAY['voice', 'chat'])[1 + (r * 7000)::int % 2],
	   CASE WHEN ans THEN 'agent' || (r * 100000)::int % 4 END, CASE WHEN (r * 9000)::int % 7 > 0 THEN 'cust' || (r * 300000)::int % 25 END,
	   t, CASE WHEN ans THEN t + (r * 90) * interval '1 s' END, t + interval '4 min', CASE WHEN ans THEN 'answered' ELSE 'abandoned' END,
	   CASE WHEN ans THEN 60 + r * 400 END, CASE WHEN ans THEN r > 0.4 END, CASE WHEN ans THEN r > 0.3 END,
	   CASE WHEN ans AND r > 0.6 THEN 1 + (r * 40)::int % 5 END, 5, CASE WHEN r < 0.2 THEN (r * 50)::int END,
	   CASE WHEN ans AND r > 0.8 THEN 1 + (r * 20)::int % 5 END
FROM (SELECT random() AS r, day0 + random() * days * interval '1 day' AS t, random() < 0.8 AS ans FROM generate_series(1, k)) s $$;

-- the model: ten days around the end of daylight saving time in Paris
SELECT add_contacts(900, '2026-10-20 00:00+02', 10, 'base');
SELECT count(*) FROM ccr.refresh_kpis();
INSERT INTO log VALUES (0, 'start', (SELECT count(*) FROM ccr.contacts)::text, rt_live_diff() = 0 AND refresh_rebuild_diff() = 0);

-- one step, its own transaction (\gexec below), so refreshes commit and
-- release their lock as in production
CREATE FUNCTION step(i int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	op int;
	k int;
	pending_before bigint;
	rows_before text;
	detail text;
	ok boolean;
BEGIN
		op := rnd(1, 10);
		k := rnd(1, 30);
		ok := true;
		CASE
		WHEN op <= 3 THEN		-- insert: recent hours or a backfill of an old day
			IF random() < 0.3 THEN
				PERFORM add_contacts(k, '2026-10-20 00:00+02'::timestamptz + rnd(0, 5) * interval '1 day', 1, 'backfill');
				detail := k || ' backfilled';
			ELSE
				PERFORM add_contacts(k, '2026-10-29 00:00+01', 2, 'new');
				detail := k || ' new';
			END IF;
		WHEN op = 4 THEN		-- move between hours (across the DST change too), queues and agents
			UPDATE ccr.contacts SET offered_at = offered_at + s.h * interval '1 hour', answered_at = answered_at + s.h * interval '1 hour',
				   ended_at = ended_at + s.h * interval '1 hour', queue = CASE WHEN s.h % 2 = 0 THEN 'billing' ELSE queue END,
				   agent = CASE WHEN agent IS NOT NULL AND s.h % 3 = 0 THEN 'agent9' ELSE agent END
			FROM (SELECT contact_id, rnd(-50, 50) AS h FROM ccr.contacts ORDER BY random() LIMIT k) s
			WHERE contacts.contact_id = s.contact_id;
			detail := k || ' moved';
		WHEN op = 5 THEN		-- change customers (repeat-contact FCR of two customers' neighbours)
			UPDATE ccr.contacts SET customer = CASE WHEN random() < 0.2 THEN NULL ELSE 'cust' || rnd(0, 30) END
			WHERE contact_id IN (SELECT contact_id FROM ccr.contacts ORDER BY random() LIMIT k);
			detail := k || ' customers changed';
		WHEN op = 6 THEN
			DELETE FROM ccr.contacts WHERE contact_id IN (SELECT contact_id FROM ccr.contacts ORDER BY random() LIMIT k);
			detail := k || ' deleted';
		WHEN op = 7 THEN		-- QA evaluations, of contacts and of none
			INSERT INTO ccr.qa_evaluations (contact_id, agent, evaluated_at, earned, possible, auto_fail)
			SELECT CASE WHEN random() < 0.8 THEN contact_id END, agent, offered_at + interval '2 days', rnd(0, 10), 10, random() < 0.1
			FROM ccr.contacts WHERE agent IS NOT NULL ORDER BY random() LIMIT k;
			detail := k || ' evaluations';
		WHEN op = 8 THEN		-- refresh, then the stored rows must be a rebuild's
			PERFORM ccr.refresh_kpis();
			detail := 'refresh';
			ok := refresh_rebuild_diff() = 0;
		WHEN op = 9 THEN		-- a refresh while another session's insert is not committed
			PERFORM dblink_connect('other', format('host=%s port=%s dbname=%s', current_setting('my.host'), current_setting('my.port'), current_database()));
			PERFORM dblink_exec('other', 'BEGIN');
			PERFORM dblink_exec('other', format($q$INSERT INTO ccr.contacts (source, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s)
				VALUES ('other', 'support', 'agent1', 'cust3', '2026-10-23 %1$s:17+02', '2026-10-23 %1$s:17:30+02', '2026-10-23 %1$s:21+02', 'answered', 200)$q$,
				lpad(rnd(8, 17)::text, 2, '0')));
			PERFORM ccr.refresh_kpis();
			PERFORM dblink_exec('other', 'COMMIT');
			PERFORM dblink_disconnect('other');
			-- its keys stay pending: the views see it, and the next refresh stores it
			ok := (SELECT count(*) FROM ccr.kpi_pending_hours) > 0;
			detail := 'refresh during an open insert (pending after commit: ' || ok || ')';
		ELSE					-- a cancelled refresh leaves the rollups and the logs as they were
			SELECT string_agg(t, ',' ORDER BY t) INTO rows_before FROM stored_rows();
			SELECT (SELECT count(*) FROM ccr.kpi_pending_hours) + (SELECT count(*) FROM ccr.kpi_pending_agent_days) INTO pending_before;
			-- in another session, where statement_timeout cancels the refresh
			PERFORM dblink_connect('other', format('host=%s port=%s dbname=%s', current_setting('my.host'), current_setting('my.port'), current_database()));
			PERFORM dblink_exec('other', format('SET statement_timeout = %L', rnd(1, 40) || 'ms'));
			BEGIN
				PERFORM * FROM dblink('other', 'SELECT count(*) FROM ccr.refresh_kpis()') AS t(n bigint);
				detail := 'refresh finished before the timeout';
			EXCEPTION WHEN query_canceled THEN
				detail := 'refresh cancelled';
				ok := rows_before IS NOT DISTINCT FROM (SELECT string_agg(t, ',' ORDER BY t) FROM stored_rows())
					  AND pending_before = (SELECT count(*) FROM ccr.kpi_pending_hours) + (SELECT count(*) FROM ccr.kpi_pending_agent_days);
			END;
			PERFORM dblink_disconnect('other');
		END CASE;
		INSERT INTO log VALUES (i, CASE WHEN op <= 7 THEN 'write' ELSE 'refresh' END, detail, ok AND rt_live_diff() = 0);
END $$;
SELECT format('SELECT step(%s)', g) FROM generate_series(1, :steps) g \gexec

-- the end: one more refresh, a rebuild's rows, and FCR against the spec's reference
SELECT count(*) FROM ccr.refresh_kpis();
INSERT INTO log VALUES (10000, 'final', 'refresh = rebuild, real time = live', refresh_rebuild_diff() = 0 AND rt_live_diff() = 0);
INSERT INTO log
SELECT 10001, 'final', 'repeat FCR per hour, queue, channel = window-function reference (' || count(*) || ' hours)', count(*) > 0 AND bool_and(ok)
FROM (SELECT coalesce(h.first_contacts, 0) = coalesce(ref.first_contacts, 0)
			 AND coalesce(h.resolved, 0) = coalesce(ref.resolved, 0) AS ok
	  FROM (SELECT bucket, queue, channel, first_contacts, round(repeat_fcr_rate * first_contacts)::bigint AS resolved FROM ccr.kpi_hourly) h
		   FULL JOIN (
			   SELECT date_trunc('hour', offered_at, 'Europe/Paris') AS bucket, queue, channel,
					  count(*) FILTER (WHERE prv IS NULL OR offered_at - prv > interval '1 day') AS first_contacts,
					  count(*) FILTER (WHERE (prv IS NULL OR offered_at - prv > interval '1 day')
										 AND (nxt IS NULL OR nxt - offered_at > interval '1 day')) AS resolved
			   FROM (SELECT offered_at, queue, channel, customer,
							lag(offered_at) OVER w AS prv, lead(offered_at) OVER w AS nxt
					 FROM ccr.contacts WINDOW w AS (PARTITION BY customer ORDER BY offered_at, contact_id)) s
			   WHERE customer IS NOT NULL
			   GROUP BY 1, 2, 3) ref
		   ON ref.bucket = h.bucket AND ref.queue IS NOT DISTINCT FROM h.queue AND ref.channel = h.channel) z;

\o
\pset format unaligned
\pset tuples_only on
SELECT format('kpi_property: %s steps (%s writes, %s refreshes, %s cancelled, %s during an open insert), %s contacts at the end: %s',
			  count(*) FILTER (WHERE step BETWEEN 1 AND 9999), count(*) FILTER (WHERE op = 'write'),
			  count(*) FILTER (WHERE op = 'refresh'), count(*) FILTER (WHERE detail = 'refresh cancelled'),
			  count(*) FILTER (WHERE detail LIKE 'refresh during%'), (SELECT count(*) FROM ccr.contacts),
			  CASE WHEN bool_and(ok) THEN 'ok' ELSE 'FAILED' END) FROM log;
SELECT format('kpi_property: FAILED at step %s (%s): %s', step, op, detail) FROM log WHERE NOT ok ORDER BY step;
SELECT format('kpi_property: %s', detail) FROM log WHERE step >= 10000 ORDER BY step;
SQL
) || rc=$?
echo "$out"
[[ $rc = 0 && $out == *"kpi_property: "*": ok"* && $out != *FAILED* ]]
