#!/usr/bin/env bash
# A generated multi-day Asterisk queue_log (test/data/gen_queue_log.py) is
# imported; every contact, the daily KPIs per queue, agent occupancy and CDR
# customers are compared with the generator's own record of what happened.
# Then the same log imported in pieces (cut in the middle of calls), as a
# growing file, and again, must give exactly the same contacts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${CCR_WORK:-$(mktemp -d)}/asterisk_generated
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
db=asterisk_generated
python3 "$root/test/data/gen_queue_log.py" --days 6 --calls-per-day 500 --seed 11 --out "$work"
chmod 644 "$work"/*
lines=$(wc -l < "$work/queue_log")
echo "generated: $lines queue_log lines, $(wc -l < "$work/truth.csv") calls, 6 days"

psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
trap 'psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT

psql -qX -d $db -v ON_ERROR_STOP=1 -v work="$work" -v lines="$lines" -P pager=off <<'SQL'
\set QUIET on
\o /dev/null
CREATE EXTENSION ccr_metrics;
SELECT ccr.set_timezone('UTC') \g /dev/null
CREATE TABLE log (n serial, line text);
\set cmd 'cat ' :work '/queue_log'
COPY log (line) FROM PROGRAM :'cmd' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02');
CREATE TABLE truth (callid text, queue text, customer text, offered bigint, answered bigint, ended bigint,
	outcome text, agent text, talk int, transferred boolean);
\set cmd 'cat ' :work '/truth.csv'
COPY truth FROM PROGRAM :'cmd' WITH (FORMAT csv);
UPDATE truth SET customer = NULLIF(customer, ''), agent = NULLIF(agent, '');
CREATE TABLE presence_truth (day date, agent text, logged_in_s float8, paused_s float8);
\set cmd 'cat ' :work '/presence.csv'
COPY presence_truth FROM PROGRAM :'cmd' WITH (FORMAT csv);
CREATE TABLE cdr (calldate timestamp, clid text, src text, dst text, duration int, billsec int,
	disposition text, uniqueid text, linkedid text);
\set cmd 'cat ' :work '/cdr.csv'
COPY cdr FROM PROGRAM :'cmd' WITH (FORMAT csv);
CREATE VIEW log_lines AS SELECT n AS id, line FROM log;

CREATE TABLE checks (name text, ok boolean, detail text);
CREATE FUNCTION chk(name text, ok boolean, detail text DEFAULT '') RETURNS void LANGUAGE sql AS
$$ INSERT INTO checks VALUES (name, coalesce(ok, false), detail) $$;
CREATE FUNCTION close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * greatest(1, abs(a), abs(b)) $$;

-- 1. one import of the whole log
CREATE TABLE r1 AS SELECT * FROM ccr.import_queue_log('log_lines');
SELECT chk('lines_read = lines in the file', lines_read = :lines, lines_read::text) FROM r1;
SELECT chk('contacts_added = calls in the truth', contacts_added = (SELECT count(*) FROM truth), contacts_added::text) FROM r1;
SELECT chk('nothing rejected, nothing pending', rejected = 0 AND NOT EXISTS (SELECT FROM ccr.queue_log_pending), rejected::text) FROM r1;

-- 2. every contact equals its truth row, field by field
CREATE VIEW got AS
SELECT source_id AS callid, queue, customer, extract(epoch FROM offered_at)::bigint AS offered,
	   extract(epoch FROM answered_at)::bigint AS answered, extract(epoch FROM ended_at)::bigint AS ended,
	   outcome, agent, talk_s::int AS talk, transferred
FROM ccr.contacts WHERE source = 'asterisk';
SELECT chk('contacts equal the truth field by field',
		   NOT EXISTS (SELECT * FROM truth EXCEPT SELECT * FROM got) AND NOT EXISTS (SELECT * FROM got EXCEPT SELECT * FROM truth),
		   (SELECT count(*) FROM (SELECT * FROM truth EXCEPT SELECT * FROM got) x)::text || ' differ');
SELECT chk('wait_s is the logged holdtime/waittime',
		   bool_and(c.wait_s = coalesce(t.answered, t.ended) - t.offered), '')
FROM ccr.contacts c JOIN truth t ON t.callid = c.source_id AND t.queue = c.queue;

-- 3. daily KPIs per queue: ccr aggregates over contacts vs plain SQL over the truth
CREATE TABLE kpi_got AS
SELECT (offered_at AT TIME ZONE 'UTC')::date AS day, queue, count(*) AS offered,
	   count(*) FILTER (WHERE answered) AS answered, count(*) FILTER (WHERE NOT answered) AS abandoned,
	   ccr.service_level(wait_s, answered, 20::float8) AS sl, ccr.abandon_rate(NOT answered) AS abandon_rate,
	   ccr.asa(wait_s, answered) AS asa, ccr.aht(talk_s, hold_s, acw_s) AS aht
FROM ccr.contacts WHERE source = 'asterisk' GROUP BY 1, 2;
CREATE TABLE kpi_truth AS
SELECT (to_timestamp(offered) AT TIME ZONE 'UTC')::date AS day, queue, count(*) AS offered,
	   count(answered) AS answered, count(*) - count(answered) AS abandoned,
	   count(*) FILTER (WHERE answered - offered <= 20)::float8 / count(*) AS sl,
	   (count(*) - count(answered))::float8 / count(*) AS abandon_rate,
	   avg(answered - offered)::float8 AS asa, avg(talk)::float8 AS aht
FROM truth GROUP BY 1, 2;
SELECT chk('daily KPIs per queue match the truth (offered, answered, abandoned, SL 20 s, abandon rate, ASA, AHT)',
		   count(*) = (SELECT count(*) FROM kpi_truth) AND bool_and(g.offered = t.offered AND g.answered = t.answered
			 AND g.abandoned = t.abandoned AND close(g.sl, t.sl) AND close(g.abandon_rate, t.abandon_rate)
			 AND close(g.asa, t.asa) AND close(g.aht, t.aht)),
		   count(*) || ' day/queue rows')
FROM kpi_got g JOIN kpi_truth t USING (day, queue);

-- the KPI views, when the contact model's views are there
DO $$
BEGIN
	IF to_regclass('ccr.kpi_daily') IS NOT NULL AND to_regprocedure('ccr.refresh_kpis()') IS NOT NULL THEN
		PERFORM ccr.refresh_kpis();
		PERFORM chk('ccr.kpi_daily matches the truth (offered, answered, SL, ASA, AHT)',
			count(*) = (SELECT count(*) FROM kpi_truth)
			AND bool_and(k.offered = t.offered AND k.answered = t.answered AND close(k.service_level, t.sl)
						 AND close(k.asa_s, t.asa) AND close(k.aht_s, t.aht)), count(*) || ' rows')
		FROM ccr.kpi_daily k JOIN kpi_truth t ON t.day = k.day AND t.queue = k.queue;
	ELSE
		RAISE NOTICE 'ccr.kpi_daily not present: view check skipped';
	END IF;
END $$;

-- 4. occupancy per agent and day
CREATE TABLE occ_truth AS
SELECT p.day, p.agent, p.logged_in_s, p.paused_s,
	   coalesce(h.handle, 0) / (p.logged_in_s - p.paused_s) AS occupancy
FROM presence_truth p
LEFT JOIN (SELECT (to_timestamp(answered) AT TIME ZONE 'UTC')::date AS day, agent, sum(talk)::float8 AS handle
		   FROM truth WHERE answered IS NOT NULL GROUP BY 1, 2) h USING (day, agent);
SELECT chk('agent_occupancy_daily matches the truth (logged-in, paused, occupancy)',
		   count(*) = (SELECT count(*) FROM occ_truth)
		   AND bool_and(close(o.logged_in_s, t.logged_in_s) AND close(o.paused_s, t.paused_s) AND close(o.occupancy, t.occupancy)),
		   count(*) || ' agent-days')
FROM ccr.agent_occupancy_daily o JOIN occ_truth t USING (day, agent);
DO $$
BEGIN
	IF to_regclass('ccr.kpi_agent_daily') IS NOT NULL THEN
		PERFORM chk('ccr.kpi_agent_daily.occupancy matches the truth',
			count(*) > 0 AND bool_and(close(k.occupancy, t.occupancy)), count(*) || ' agent-days')
		FROM ccr.kpi_agent_daily k JOIN occ_truth t USING (day, agent);
	END IF;
END $$;
SELECT chk('agent_occupancy(hourly buckets) adds up to the daily view',
		   bool_and(close(x.logged_in_s, o.logged_in_s) AND close(x.handle_s, o.handle_s)), count(*) || ' agent-days')
FROM (SELECT (bucket AT TIME ZONE 'UTC')::date AS day, agent, sum(logged_in_s) AS logged_in_s, sum(handle_s) AS handle_s
	  FROM ccr.agent_occupancy('2026-03-01 00:00+00', '2026-03-10 00:00+00', '1 hour') GROUP BY 1, 2) x
JOIN ccr.agent_occupancy_daily o USING (day, agent);

-- 5. CDR customers: with the caller ids erased, import_cdr restores them
CREATE TABLE contacts_ref AS SELECT * FROM ccr.contacts WHERE source = 'asterisk';
UPDATE ccr.contacts SET customer = NULL WHERE source = 'asterisk';
CREATE TABLE cdr_r AS SELECT * FROM ccr.import_cdr('cdr');
SELECT chk('import_cdr restores every customer number',
		   (SELECT contacts_updated FROM cdr_r) = (SELECT count(customer) FROM contacts_ref)
		   AND NOT EXISTS (SELECT source_id, queue, customer FROM contacts_ref
						   EXCEPT SELECT source_id, queue, customer FROM ccr.contacts WHERE source = 'asterisk'),
		   (SELECT contacts_updated FROM cdr_r)::text);

-- 6. re-import: nothing changes
CREATE TABLE r2 AS SELECT * FROM ccr.import_queue_log('log_lines');
SELECT chk('re-import adds and updates nothing', contacts_added = 0 AND contacts_updated = 0 AND rejected = 0,
		   format('%s/%s/%s', contacts_added, contacts_updated, rejected)) FROM r2;

-- 7. the same log in pieces cut in the middle of calls, and as a growing file
CREATE FUNCTION reset() RETURNS void LANGUAGE sql AS $$
	DELETE FROM ccr.contacts WHERE source = 'asterisk';
	TRUNCATE ccr.queue_log_pending, ccr.queue_log_rejects, ccr.agent_presence_events, ccr.asterisk_cdr_customers;
$$;
CREATE FUNCTION snapshot() RETURNS TABLE (source_id text, queue text, agent text, customer text,
	offered_at timestamptz, answered_at timestamptz, ended_at timestamptz, outcome text, talk_s float8, transferred boolean)
LANGUAGE sql AS $$
	SELECT source_id, queue, agent, customer, offered_at, answered_at, ended_at, outcome, talk_s, transferred
	FROM ccr.contacts WHERE source = 'asterisk'
$$;
CREATE TABLE ref AS SELECT * FROM snapshot();
SELECT reset();
CREATE TABLE part (id int, line text);
CREATE TABLE counts (step text, added bigint, updated bigint, rejected bigint, pending bigint);
DO $$
DECLARE
	cuts int[] := ARRAY[0, 1234, 1235, 4000, 7777, (SELECT count(*) FROM log)::int];
	r record;
BEGIN
	FOR i IN 1 .. array_length(cuts, 1) - 1 LOOP
		TRUNCATE part;
		INSERT INTO part SELECT n, line FROM log WHERE n > cuts[i] AND n <= cuts[i + 1];
		SELECT * INTO r FROM ccr.import_queue_log('part');
		INSERT INTO counts VALUES ('piece ' || i, r.contacts_added, r.contacts_updated, r.rejected,
								   (SELECT count(*) FROM ccr.queue_log_pending));
	END LOOP;
END $$;
SELECT chk('pieces: same contacts as one import',
		   NOT EXISTS (SELECT * FROM ref EXCEPT SELECT * FROM snapshot()) AND NOT EXISTS (SELECT * FROM snapshot() EXCEPT SELECT * FROM ref),
		   (SELECT string_agg(format('%s +%s ~%s !%s pending %s', step, added, updated, rejected, pending), '; ') FROM counts));
SELECT chk('pieces: no updates, no rejects, every call added once',
		   sum(updated) = 0 AND sum(rejected) = 0 AND sum(added) = (SELECT count(*) FROM ref), '') FROM counts;
SELECT reset();
TRUNCATE counts;
DO $$
DECLARE
	r record;
	i int;
BEGIN
	FOREACH i IN ARRAY ARRAY[2000, 2001, 5000, (SELECT count(*) FROM log)::int] LOOP
		TRUNCATE part;
		INSERT INTO part SELECT n, line FROM log WHERE n <= i;
		SELECT * INTO r FROM ccr.import_queue_log('part');
		INSERT INTO counts VALUES ('first ' || i, r.contacts_added, r.contacts_updated, r.rejected,
								   (SELECT count(*) FROM ccr.queue_log_pending));
	END LOOP;
END $$;
SELECT chk('growing file: same contacts as one import',
		   NOT EXISTS (SELECT * FROM ref EXCEPT SELECT * FROM snapshot()) AND NOT EXISTS (SELECT * FROM snapshot() EXCEPT SELECT * FROM ref),
		   (SELECT string_agg(format('%s +%s ~%s !%s pending %s', step, added, updated, rejected, pending), '; ') FROM counts));
SELECT chk('growing file: no updates, no rejects, every call added once',
		   sum(updated) = 0 AND sum(rejected) = 0 AND sum(added) = (SELECT count(*) FROM ref), '') FROM counts;

\o
\pset format unaligned
\pset tuples_only on
SELECT format('%s  %s  %s', CASE WHEN ok THEN 'ok  ' ELSE 'FAIL' END, name, detail) FROM checks;
SELECT CASE WHEN bool_and(ok) THEN 'all checks passed' ELSE 'SOME CHECKS FAILED' END FROM checks;
DO $$ BEGIN IF NOT (SELECT bool_and(ok) FROM checks) THEN RAISE EXCEPTION 'asterisk_generated failed'; END IF; END $$;
SQL
