#!/usr/bin/env bash
# Sharding without Citus: the mechanism Citus uses for custom aggregates
# (worker_partial_agg on each shard, coord_combine_agg on the coordinator),
# rebuilt with postgres_fdw.  Two databases of the running cluster are the
# shards, a third is the coordinator.  Contacts are split by customer (hash
# partitions that are foreign tables).  Checks:
#   - the summary-building aggregates and ccr.rollup over stored summaries are
#     shipped to the shards (EXPLAIN VERBOSE: the call is in the Remote SQL);
#   - per-shard summaries, which postgres_fdw brings back in their text form
#     (the Citus 13 path), combined with ccr.rollup on the coordinator equal
#     the single-node summary as text, overall and per queue;
#   - with enable_partitionwise_aggregate, GROUP BY customer (the distribution
#     key) is pushed down whole to each shard;
#   - every summary type round-trips through text and through COPY binary,
#     also from a shard database to the coordinator (the Citus 14 path).
set -euo pipefail
coord=ccr_scale_coord; shard1=ccr_scale_shard1; shard2=ccr_scale_shard2
dir=$CCR_WORK/fdw_shards; mkdir -p "$dir"
cleanup() { for d in "$coord" "$shard1" "$shard2"; do dropdb --if-exists "$d" 2>/dev/null || true; done; }
cleanup
[ -n "${SCALE_KEEP_DBS:-}" ] || trap cleanup EXIT  # SCALE_KEEP_DBS=1 keeps them to look at

# The shards: the extension and an empty contacts table (the columns of
# ccr.contacts that the aggregates read).
for d in "$shard1" "$shard2"; do
	createdb "$d"
	psql -qX -v ON_ERROR_STOP=1 -d "$d" <<'SQL'
CREATE EXTENSION ccr_metrics;
CREATE TABLE public.contacts (
	contact_id bigint PRIMARY KEY, customer text NOT NULL, queue text NOT NULL,
	offered_at timestamptz NOT NULL, ended_at timestamptz, answered boolean, wait_s double precision,
	talk_s double precision, hold_s double precision, acw_s double precision,
	fcr boolean, resolved boolean, reopens integer,
	csat_score integer, csat_scale integer, nps_score integer, ces_score integer);
SQL
done

createdb "$coord"
out=$dir/checks.txt
psql -qAtX -v ON_ERROR_STOP=1 -d "$coord" -v host="$PGHOST" -v port="$PGPORT" \
	-v shard1="$shard1" -v shard2="$shard2" -v dir="$dir" >"$out" <<'SQL'
CREATE EXTENSION ccr_metrics;
CREATE EXTENSION postgres_fdw;
-- extensions 'ccr_metrics': calls of its functions may be shipped (the
-- remote side has the same extension version).
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host :'host', port :'port', dbname :'shard1', extensions 'ccr_metrics',
			 async_capable 'true', batch_size '1000', fetch_size '10000');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host :'host', port :'port', dbname :'shard2', extensions 'ccr_metrics',
			 async_capable 'true', batch_size '1000', fetch_size '10000');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user 'postgres');

-- Single-node truth: generated contacts with NULLs, on the coordinator.
SELECT setseed(0.0707);
CREATE TABLE contacts AS
SELECT g AS contact_id,
	   'cust-' || (1 + floor(random() * 1500))::int AS customer,
	   'q' || (g % 4) AS queue,
	   timestamptz '2026-01-01 00:00+00' + g * interval '4 minutes' + random() * interval '3 minutes' AS offered_at,
	   NULL::timestamptz AS ended_at,
	   CASE WHEN g % 31 = 0 THEN NULL ELSE random() < 0.8 END AS answered,
	   CASE WHEN g % 37 = 0 THEN NULL WHEN g % 13 = 0 THEN 20.0
			ELSE round((random() * random() * 90)::numeric, 3)::float8 END AS wait_s,
	   CASE WHEN g % 29 = 0 THEN NULL ELSE round((30 + random() * 600)::numeric, 3)::float8 END AS talk_s,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((random() * 60)::numeric, 3)::float8 END AS hold_s,
	   CASE WHEN g % 5 = 0 THEN NULL ELSE round((random() * 120)::numeric, 3)::float8 END AS acw_s,
	   CASE WHEN g % 7 = 0 THEN NULL ELSE random() < 0.7 END AS fcr,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE random() < 0.6 END AS resolved,
	   CASE WHEN g % 23 = 0 THEN NULL ELSE (random() * 3)::int END AS reopens,
	   CASE WHEN g % 3 = 1 THEN NULL ELSE 1 + (random() * 4)::int END AS csat_score,
	   5 AS csat_scale,
	   CASE WHEN g % 4 = 1 THEN NULL ELSE (random() * 10)::int END AS nps_score,
	   CASE WHEN g % 3 = 2 THEN NULL ELSE 1 + (random() * 6)::int END AS ces_score
FROM generate_series(1, 20000) g;
UPDATE contacts SET ended_at = offered_at + (coalesce(wait_s, 0) + coalesce(talk_s, 0)) * interval '1 second';

-- The distributed table: hash partitions by customer, each a foreign table
-- on one shard.  Inserting routes every row to its customer's shard.
CREATE TABLE dist_contacts (LIKE contacts) PARTITION BY HASH (customer);
CREATE FOREIGN TABLE dist_contacts_1 PARTITION OF dist_contacts
	FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER shard1 OPTIONS (schema_name 'public', table_name 'contacts');
CREATE FOREIGN TABLE dist_contacts_2 PARTITION OF dist_contacts
	FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER shard2 OPTIONS (schema_name 'public', table_name 'contacts');
INSERT INTO dist_contacts SELECT * FROM contacts;
ANALYZE contacts;
ANALYZE dist_contacts_1;
ANALYZE dist_contacts_2;

CREATE FUNCTION check_that(what text, ok boolean) RETURNS text LANGUAGE sql AS
	$$ SELECT CASE WHEN ok THEN 'ok:   ' ELSE 'FAIL: ' END || what $$;

SELECT check_that(format('shards hold %s + %s = %s contacts', a, b, a + b), a > 0 AND b > 0 AND a + b = 20000)
FROM (SELECT (SELECT count(*) FROM dist_contacts_1) a, (SELECT count(*) FROM dist_contacts_2) b) x;
SELECT check_that(format('no customer on both shards (%s customers in common)', n), n = 0)
FROM (SELECT count(*) n FROM (SELECT customer FROM dist_contacts_1 INTERSECT SELECT customer FROM dist_contacts_2) i) x;

-- Summary-building aggregates under test: label, call, summary type.
CREATE TABLE aggs (ord serial, label text, expr text, typ regtype, canon text DEFAULT '(%s)::text');
-- fcr_summary is a multiset of (customer, contact_at) pairs: compared in a
-- canonical form (header and sorted pairs), since the order in which shards'
-- pairs are concatenated is not part of the value.
CREATE FUNCTION fcr_canonical(s ccr.fcr_summary) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
	t text := s::text;
	b bytea := decode(split_part(t, ' pairs=', 2), 'base64');
	sorted text;
BEGIN
	SELECT string_agg(encode(p, 'hex'), ',' ORDER BY p) INTO sorted
	FROM (SELECT substring(b FROM 1 + 16 * i FOR 16) AS p FROM generate_series(0, length(b) / 16 - 1) i) q;
	RETURN split_part(t, ' pairs=', 1) || ' sorted_pairs=' || coalesce(sorted, '');
END $f$;
INSERT INTO aggs (label, expr, typ) VALUES
	('sl_agg', 'ccr.sl_agg(wait_s, answered, 20)', 'ccr.sl_summary'),
	('sl_agg short abandons', 'ccr.sl_agg(wait_s, answered, 20, 5)', 'ccr.sl_summary'),
	('sl_agg interval', 'ccr.sl_agg(wait_s * interval ''1 second'', answered, interval ''30 seconds'')', 'ccr.sl_summary'),
	('rate_agg fcr flag', 'ccr.rate_agg(fcr)', 'ccr.rate_summary'),
	('rate_agg resolved', 'ccr.rate_agg(resolved)', 'ccr.rate_summary'),
	('aht_agg', 'ccr.aht_agg(talk_s, hold_s, acw_s)', 'ccr.aht_summary'),
	('csat_agg', 'ccr.csat_agg(csat_score, csat_scale)', 'ccr.csat_summary'),
	('nps_agg', 'ccr.nps_agg(nps_score)', 'ccr.nps_summary'),
	('duration_agg', 'ccr.duration_agg(talk_s)', 'ccr.duration_summary'),
	('backlog_agg', 'ccr.backlog_agg(offered_at, ended_at, ''2026-01-01 00:00+00'', ''2026-02-01 00:00+00'', interval ''1 day'')', 'ccr.backlog_summary'),
	('ces_agg', 'ccr.ces_agg(ces_score, 7)', 'ccr.ces_summary'),
	('qa_agg', 'ccr.qa_agg(hold_s, 60, fcr)', 'ccr.qa_summary');
INSERT INTO aggs (label, expr, typ, canon) VALUES
	('fcr_agg repeat-contact', 'ccr.fcr_agg(customer, offered_at, interval ''3 days'')', 'ccr.fcr_summary', 'fcr_canonical(%s)');

-- For one aggregate: is the call shipped to the shards, and does the
-- coordinator's rollup of the shard summaries equal the single-node summary
-- (overall and per queue)?
CREATE FUNCTION shard_check(p_label text, p_expr text, p_canon text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
	plan text := '';
	line text;
	fname text := substring(p_expr FROM '^([a-z_.]+)\(');
	single text;
	combined text;
	bad bigint;
BEGIN
	FOR line IN EXECUTE format('EXPLAIN (VERBOSE, COSTS OFF) SELECT r FROM (SELECT %1$s AS r FROM dist_contacts_1
								UNION ALL SELECT %1$s FROM dist_contacts_2) u', p_expr) LOOP
		plan := plan || line || E'\n';
	END LOOP;
	RETURN NEXT check_that(format('%s: both shards compute %s remotely', p_label, fname),
						   (SELECT count(*) FROM regexp_matches(plan, 'Remote SQL: SELECT ' || replace(fname, '.', '\.') || '\(', 'g')) = 2);
	EXECUTE format('SELECT %s FROM contacts', format(p_canon, p_expr)) INTO single;
	EXECUTE format('SELECT %2$s FROM (SELECT %1$s AS s FROM dist_contacts_1
					UNION ALL SELECT %1$s FROM dist_contacts_2) u', p_expr, format(p_canon, 'ccr.rollup(s)')) INTO combined;
	RETURN NEXT check_that(format('%s: rollup of shard summaries = single node (%s)', p_label, left(single, 60) || '...'),
						   single = combined);

	plan := '';
	FOR line IN EXECUTE format('EXPLAIN (VERBOSE, COSTS OFF) SELECT queue, %1$s FROM dist_contacts_1 GROUP BY queue', p_expr) LOOP
		plan := plan || line || E'\n';
	END LOOP;
	EXECUTE format('SELECT count(*) FROM (SELECT queue, %2$s AS s FROM contacts GROUP BY queue) a
					FULL JOIN (SELECT queue, %3$s AS s
							   FROM (SELECT queue, %1$s AS s FROM dist_contacts_1 GROUP BY queue
									 UNION ALL SELECT queue, %1$s FROM dist_contacts_2 GROUP BY queue) u
							   GROUP BY queue) b USING (queue)
					WHERE a.s IS DISTINCT FROM b.s', p_expr, format(p_canon, p_expr), format(p_canon, 'ccr.rollup(s)')) INTO bad;
	RETURN NEXT check_that(format('%s: per queue, GROUP BY shipped (%s) and %s mismatching queues', p_label,
								  plan ~ 'Remote SQL: SELECT queue, .* GROUP BY 1', bad),
						   plan ~ 'Remote SQL: SELECT queue, .* GROUP BY 1' AND bad = 0);
END $$;
SELECT shard_check(label, expr, canon) FROM aggs ORDER BY ord;

-- One plan in full, for the log.
EXPLAIN (VERBOSE, COSTS OFF)
SELECT ccr.service_level(ccr.rollup(s)) FROM (SELECT ccr.sl_agg(wait_s, answered, 20) AS s FROM dist_contacts_1
											  UNION ALL SELECT ccr.sl_agg(wait_s, answered, 20) FROM dist_contacts_2) u;

-- Accessors of the combined summary equal the one-step aggregates on one node.
SELECT check_that('service_level, abandon_rate, asa, aht, fcr_rate, csat, nps, percentile, mean, ces, qa_score of combined summaries = one-step aggregates on one node',
		ccr.service_level(sl) = (SELECT ccr.service_level(wait_s, answered, 20) FROM contacts)
		AND ccr.service_level(sl, 'ignore') = (SELECT ccr.service_level(wait_s, answered, 20, 'ignore', 0) FROM contacts)
		AND ccr.abandon_rate(sl) = (SELECT ccr.abandon_rate(wait_s, answered, 0) FROM contacts)
		AND ccr.asa(sl) = (SELECT ccr.asa(wait_s, answered) FROM contacts)
		AND ccr.aht(aht) = (SELECT ccr.aht(talk_s, hold_s, acw_s) FROM contacts)
		AND ccr.rate(fcr) = (SELECT ccr.fcr_rate(fcr) FROM contacts)
		AND ccr.csat(csat) = (SELECT ccr.csat(csat_score, csat_scale) FROM contacts)
		AND ccr.nps(nps) = (SELECT ccr.nps(nps_score) FROM contacts)
		AND ccr.percentile(dur, 0.9) = (SELECT ccr.percentile(ccr.duration_agg(talk_s), 0.9) FROM contacts)
		AND ccr.mean(dur) = (SELECT ccr.mean(ccr.duration_agg(talk_s)) FROM contacts)
		AND ccr.ces(ces) = (SELECT ccr.ces(ces_score, 7) FROM contacts)
		AND ccr.qa_score(qa) = (SELECT ccr.qa_score(hold_s, 60, fcr) FROM contacts))
FROM (SELECT ccr.rollup(sl) sl, ccr.rollup(aht) aht, ccr.rollup(fcr) fcr, ccr.rollup(csat) csat, ccr.rollup(nps) nps,
			 ccr.rollup(dur) dur, ccr.rollup(ces) ces, ccr.rollup(qa) qa
	  FROM (SELECT ccr.sl_agg(wait_s, answered, 20) sl, ccr.aht_agg(talk_s, hold_s, acw_s) aht, ccr.rate_agg(fcr) fcr,
				   ccr.csat_agg(csat_score, csat_scale) csat, ccr.nps_agg(nps_score) nps,
				   ccr.duration_agg(talk_s) dur, ccr.ces_agg(ces_score, 7) ces, ccr.qa_agg(hold_s, 60, fcr) qa FROM dist_contacts_1
			UNION ALL
			SELECT ccr.sl_agg(wait_s, answered, 20), ccr.aht_agg(talk_s, hold_s, acw_s), ccr.rate_agg(fcr),
				   ccr.csat_agg(csat_score, csat_scale), ccr.nps_agg(nps_score),
				   ccr.duration_agg(talk_s), ccr.ces_agg(ces_score, 7), ccr.qa_agg(hold_s, 60, fcr) FROM dist_contacts_2) u) x;

SQL

psql -qAtX -v ON_ERROR_STOP=1 -d "$coord" -v host="$PGHOST" -v port="$PGPORT" -v shard1="$shard1" >>"$out" <<'SQL'
CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE p text := ''; l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP p := p || l || E'\n'; END LOOP;
	RETURN p;
END $$;
SELECT check_that('one-step ccr.service_level(...) and ccr.aht(...) are shipped whole to a shard',
				  plan_of('SELECT ccr.service_level(wait_s, answered, 20), ccr.aht(talk_s, hold_s, acw_s) FROM dist_contacts_1')
				  ~ 'Remote SQL: SELECT ccr\.service_level\(.*ccr\.aht\(');

-- Repeat-contact FCR: contacts are distributed by customer, so each shard
-- holds complete customer histories and the one-step fcr_rate runs whole on
-- a shard; per-shard counts simply add up.  Distributed any other way the
-- per-shard classifications would be wrong, yet ccr.rollup of the shards'
-- fcr_agg summaries would still be exact (it keeps every contact).
SELECT check_that('one-step ccr.fcr_rate(customer, offered_at, window) is shipped whole to a shard',
				  plan_of('SELECT ccr.fcr_rate(customer, offered_at, interval ''3 days'') FROM dist_contacts_1')
				  ~ 'Remote SQL: SELECT ccr\.fcr_rate\(customer, offered_at, ''3 days''::interval\) FROM public\.contacts');
SELECT check_that(format('repeat-contact FCR: %s first contacts, %s resolved; shards combined = single node = plain SQL (window functions)',
						 r.first_contacts, r.resolved),
		ccr.first_contacts(c) = r.first_contacts AND ccr.resolved_first_contacts(c) = r.resolved
		AND ccr.fcr_rate(c) = (SELECT ccr.fcr_rate(customer, offered_at, interval '3 days') FROM contacts)
		AND r.first_contacts < 20000 AND r.resolved < r.first_contacts)
FROM (SELECT ccr.rollup(s) c FROM (SELECT ccr.fcr_agg(customer, offered_at, interval '3 days') s FROM dist_contacts_1
								  UNION ALL SELECT ccr.fcr_agg(customer, offered_at, interval '3 days') FROM dist_contacts_2) u) x,
	 (SELECT count(*) FILTER (WHERE prv IS NULL OR offered_at - prv > interval '3 days') AS first_contacts,
			 count(*) FILTER (WHERE (prv IS NULL OR offered_at - prv > interval '3 days')
								AND (nxt IS NULL OR nxt - offered_at > interval '3 days')) AS resolved
	  FROM (SELECT offered_at, lag(offered_at) OVER c AS prv, lead(offered_at) OVER c AS nxt
			FROM contacts WINDOW c AS (PARTITION BY customer ORDER BY offered_at)) w) r;
SELECT check_that(format('sharded by customer, per-shard first contacts add up (%s + %s = %s)', a, b, t), a + b = t)
FROM (SELECT (SELECT ccr.first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) FROM dist_contacts_1) a,
			 (SELECT ccr.first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) FROM dist_contacts_2) b,
			 (SELECT ccr.first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) FROM contacts) t) x;
SELECT check_that(format('split by contact_id instead: per-part first contacts would be %s, not %s; rollup of the parts'' summaries is still exact', a + b, t),
				  a + b <> t AND r = t)
FROM (SELECT sum(ccr.first_contacts(s)) FILTER (WHERE part = 0) a, sum(ccr.first_contacts(s)) FILTER (WHERE part = 1) b,
			 ccr.first_contacts(ccr.rollup(s)) r,
			 (SELECT ccr.first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) FROM contacts) t
	  FROM (SELECT contact_id % 2 part, ccr.fcr_agg(customer, offered_at, interval '3 days') s FROM contacts GROUP BY 1) p) x;

-- Control: without the extensions option postgres_fdw must not ship our
-- calls (it fetches the rows and aggregates locally), same answer.
CREATE SERVER shard1_noext FOREIGN DATA WRAPPER postgres_fdw
	OPTIONS (host :'host', port :'port', dbname :'shard1');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1_noext OPTIONS (user 'postgres');
CREATE FOREIGN TABLE contacts_1_noext (customer text, wait_s double precision, answered boolean)
	SERVER shard1_noext OPTIONS (schema_name 'public', table_name 'contacts');
SELECT check_that('control: without OPTIONS (extensions ''ccr_metrics'') the call is not shipped, the answer is the same',
				  plan_of('SELECT ccr.sl_agg(wait_s, answered, 20) FROM contacts_1_noext') !~ 'Remote SQL: SELECT ccr\.'
				  AND plan_of('SELECT ccr.sl_agg(wait_s, answered, 20) FROM contacts_1_noext') ~ 'Remote SQL: SELECT wait_s, answered FROM'
				  AND (SELECT ccr.sl_agg(wait_s, answered, 20)::text FROM contacts_1_noext)
					  = (SELECT ccr.sl_agg(wait_s, answered, 20)::text FROM dist_contacts_1));

-- GROUP BY the distribution key: with partition-wise aggregation each shard
-- aggregates its own customers completely (no combine needed).
SET enable_partitionwise_aggregate = on;
SELECT check_that('GROUP BY customer on the distributed table: one Foreign Scan per shard with the aggregate and GROUP BY in its Remote SQL',
				  (SELECT count(*) FROM regexp_matches(
					plan_of('SELECT customer, ccr.rate_agg(fcr), ccr.sl_agg(wait_s, answered, 20) FROM dist_contacts GROUP BY customer'),
					'Remote SQL: SELECT customer, ccr\.rate_agg\([^\n]*GROUP BY 1', 'g')) = 2);
SELECT check_that(format('GROUP BY customer, partition-wise on the shards: %s customers, %s mismatching', n, bad), n > 1000 AND bad = 0)
FROM (SELECT count(*) n, count(*) FILTER (WHERE a.r IS DISTINCT FROM b.r OR a.s IS DISTINCT FROM b.s) bad
	  FROM (SELECT customer, ccr.rate_agg(fcr)::text r, ccr.sl_agg(wait_s, answered, 20)::text s FROM dist_contacts GROUP BY customer) a
	  FULL JOIN (SELECT customer, ccr.rate_agg(fcr)::text r, ccr.sl_agg(wait_s, answered, 20)::text s FROM contacts GROUP BY customer) b
	  USING (customer)) x;
RESET enable_partitionwise_aggregate;
SQL

# Stored summaries on each shard (a per-day KPI table), rolled up remotely:
# ccr.rollup itself is shipped, and the coordinator rolls up the shard
# rollups.
for d in "$shard1" "$shard2"; do
	psql -qX -v ON_ERROR_STOP=1 -d "$d" <<'SQL'
CREATE TABLE kpi_daily AS
SELECT date_trunc('day', offered_at, 'UTC') AS day, queue,
	   ccr.sl_agg(wait_s, answered, 20, 5) AS sl, ccr.rate_agg(fcr) AS fcr, ccr.aht_agg(talk_s, hold_s, acw_s) AS aht,
	   ccr.csat_agg(csat_score, csat_scale) AS csat, ccr.nps_agg(nps_score) AS nps,
	   ccr.duration_agg(talk_s) AS dur,
	   ccr.backlog_agg(offered_at, ended_at, '2026-01-01 00:00+00', '2026-02-01 00:00+00', interval '1 day') AS backlog,
	   ccr.ces_agg(ces_score, 7) AS ces, ccr.qa_agg(hold_s, 60, fcr) AS qa,
	   ccr.fcr_agg(customer, offered_at, interval '3 days') AS rfcr
FROM contacts GROUP BY 1, 2;
SQL
done
psql -qAtX -v ON_ERROR_STOP=1 -d "$coord" >>"$out" <<'SQL'
CREATE FOREIGN TABLE kpi_daily_1 (day timestamptz, queue text, sl ccr.sl_summary, fcr ccr.rate_summary,
	aht ccr.aht_summary, csat ccr.csat_summary, nps ccr.nps_summary, dur ccr.duration_summary,
	backlog ccr.backlog_summary, ces ccr.ces_summary, qa ccr.qa_summary, rfcr ccr.fcr_summary)
	SERVER shard1 OPTIONS (table_name 'kpi_daily');
CREATE FOREIGN TABLE kpi_daily_2 (day timestamptz, queue text, sl ccr.sl_summary, fcr ccr.rate_summary,
	aht ccr.aht_summary, csat ccr.csat_summary, nps ccr.nps_summary, dur ccr.duration_summary,
	backlog ccr.backlog_summary, ces ccr.ces_summary, qa ccr.qa_summary, rfcr ccr.fcr_summary)
	SERVER shard2 OPTIONS (table_name 'kpi_daily');
SELECT check_that('ccr.rollup over a shard''s stored summaries is shipped (WHERE on day too)',
				  plan_of('SELECT ccr.rollup(sl), ccr.rollup(fcr), ccr.rollup(aht), ccr.rollup(csat), ccr.rollup(nps), ccr.rollup(dur), ccr.rollup(backlog), ccr.rollup(ces), ccr.rollup(qa) FROM kpi_daily_1 WHERE day >= ''2026-01-10''')
				  ~ 'Remote SQL: SELECT ccr\.rollup\(sl\), ccr\.rollup\(fcr\), ccr\.rollup\(aht\), ccr\.rollup\(csat\), ccr\.rollup\(nps\), ccr\.rollup\(dur\), ccr\.rollup\(backlog\), ccr\.rollup\(ces\), ccr\.rollup\(qa\) FROM public\.kpi_daily WHERE');
SELECT check_that('repeat-contact FCR from the shards'' stored daily fcr_agg summaries (rollup shipped, then combined) = single node',
		(SELECT fcr_canonical(ccr.rollup(s)) FROM (SELECT ccr.rollup(rfcr) s FROM kpi_daily_1 UNION ALL SELECT ccr.rollup(rfcr) FROM kpi_daily_2) u)
		= (SELECT fcr_canonical(ccr.fcr_agg(customer, offered_at, interval '3 days')) FROM contacts)
		AND plan_of('SELECT ccr.rollup(rfcr) FROM kpi_daily_1') ~ 'Remote SQL: SELECT ccr\.rollup\(rfcr\)');
SELECT check_that('rollup of the shards'' rollups of stored daily summaries = single-node summaries built from contacts',
		r.sl::text = c.sl::text AND r.fcr::text = c.fcr::text AND r.aht::text = c.aht::text
		AND r.csat::text = c.csat::text AND r.nps::text = c.nps::text AND r.dur::text = c.dur::text
		AND r.backlog::text = c.backlog::text AND r.ces::text = c.ces::text AND r.qa::text = c.qa::text)
FROM (SELECT ccr.rollup(sl) sl, ccr.rollup(fcr) fcr, ccr.rollup(aht) aht, ccr.rollup(csat) csat, ccr.rollup(nps) nps,
			 ccr.rollup(dur) dur, ccr.rollup(backlog) backlog, ccr.rollup(ces) ces, ccr.rollup(qa) qa
	  FROM (SELECT ccr.rollup(sl) sl, ccr.rollup(fcr) fcr, ccr.rollup(aht) aht, ccr.rollup(csat) csat, ccr.rollup(nps) nps,
				   ccr.rollup(dur) dur, ccr.rollup(backlog) backlog, ccr.rollup(ces) ces, ccr.rollup(qa) qa FROM kpi_daily_1
			UNION ALL
			SELECT ccr.rollup(sl), ccr.rollup(fcr), ccr.rollup(aht), ccr.rollup(csat), ccr.rollup(nps),
				   ccr.rollup(dur), ccr.rollup(backlog), ccr.rollup(ces), ccr.rollup(qa) FROM kpi_daily_2) u) r,
	 (SELECT ccr.sl_agg(wait_s, answered, 20, 5) sl, ccr.rate_agg(fcr) fcr, ccr.aht_agg(talk_s, hold_s, acw_s) aht,
			 ccr.csat_agg(csat_score, csat_scale) csat, ccr.nps_agg(nps_score) nps, ccr.duration_agg(talk_s) dur,
			 ccr.backlog_agg(offered_at, ended_at, '2026-01-01 00:00+00', '2026-02-01 00:00+00', interval '1 day') backlog,
			 ccr.ces_agg(ces_score, 7) ces, ccr.qa_agg(hold_s, 60, fcr) qa FROM contacts) c;

-- Text round trip of every summary type: what postgres_fdw and Citus 13 ship.
SELECT check_that(format('text round trip of %s summaries fetched from the shards (%s types)', n, t), n > 0 AND bad = 0)
FROM (SELECT count(*) * 10 n, 10 t,
			 count(*) FILTER (WHERE sl::text::ccr.sl_summary::text <> sl::text
							  OR fcr::text::ccr.rate_summary::text <> fcr::text
							  OR aht::text::ccr.aht_summary::text <> aht::text
							  OR csat::text::ccr.csat_summary::text <> csat::text
							  OR nps::text::ccr.nps_summary::text <> nps::text
							  OR dur::text::ccr.duration_summary::text <> dur::text
							  OR backlog::text::ccr.backlog_summary::text <> backlog::text
							  OR ces::text::ccr.ces_summary::text <> ces::text
							  OR qa::text::ccr.qa_summary::text <> qa::text
							  OR rfcr::text::ccr.fcr_summary::text <> rfcr::text) bad
	  FROM (SELECT * FROM kpi_daily_1 UNION ALL SELECT * FROM kpi_daily_2) u) x;
SQL

# Binary round trip (Citus 14 ships states in binary): COPY ... (FORMAT
# binary) out of a shard database and into the coordinator, then compare the
# text forms with the shard's.
psql -qX -v ON_ERROR_STOP=1 -d "$shard1" -c "\\copy (SELECT day, queue, sl, fcr, aht, csat, nps, dur, backlog, ces, qa, rfcr FROM kpi_daily ORDER BY day, queue) TO '$dir/kpi.bin' WITH (FORMAT binary)"
psql -qX -v ON_ERROR_STOP=1 -d "$shard1" -c "\\copy (SELECT day, queue, sl::text, fcr::text, aht::text, csat::text, nps::text, dur::text, backlog::text, ces::text, qa::text, rfcr::text FROM kpi_daily ORDER BY day, queue) TO '$dir/kpi.txt'"
psql -qAtX -v ON_ERROR_STOP=1 -d "$coord" >>"$out" <<SQL
CREATE TABLE kpi_bin (day timestamptz, queue text, sl ccr.sl_summary, fcr ccr.rate_summary,
	aht ccr.aht_summary, csat ccr.csat_summary, nps ccr.nps_summary, dur ccr.duration_summary,
	backlog ccr.backlog_summary, ces ccr.ces_summary, qa ccr.qa_summary, rfcr ccr.fcr_summary);
CREATE TABLE kpi_txt (day timestamptz, queue text, sl text, fcr text, aht text, csat text, nps text,
	dur text, backlog text, ces text, qa text, rfcr text);
\\copy kpi_bin FROM '$dir/kpi.bin' WITH (FORMAT binary)
\\copy kpi_txt FROM '$dir/kpi.txt'
SELECT check_that(format('binary COPY of %s shard summary rows (10 types) into the coordinator: %s differ from the shard''s text', n, bad),
				  n > 0 AND bad = 0)
FROM (SELECT count(*) n, count(*) FILTER (WHERE (b.sl::text, b.fcr::text, b.aht::text, b.csat::text, b.nps::text,
												 b.dur::text, b.backlog::text, b.ces::text, b.qa::text, b.rfcr::text)
										  IS DISTINCT FROM (t.sl, t.fcr, t.aht, t.csat, t.nps, t.dur, t.backlog, t.ces, t.qa, t.rfcr)) bad
	  FROM kpi_bin b FULL JOIN kpi_txt t USING (day, queue)) x;
-- and back out in binary: byte-identical file
\\copy kpi_bin TO '$dir/kpi2.bin' WITH (FORMAT binary)
SQL
if cmp -s "$dir/kpi.bin" "$dir/kpi2.bin"; then
	echo "ok:   binary COPY out of the coordinator is byte-identical to the shard's" >>"$out"
else
	echo "FAIL: binary COPY out of the coordinator differs from the shard's" >>"$out"
fi

grep -v '^\s*$' "$out"
total=$(grep -cE '^(ok|FAIL):' "$out")
failed=$(grep -c '^FAIL:' "$out" || true)
echo "fdw_shards: $total checks, $failed failed"
[ "$failed" = 0 ] && [ "$total" -gt 20 ]
