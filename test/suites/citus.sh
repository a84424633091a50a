#!/usr/bin/env bash
# A real Citus 13 cluster: a coordinator and two workers on loopback, Citus
# built from ../shared/vendor/citus once per machine (test/citus/lib.sh).
# Contacts are distributed by customer; for every aggregate family, one-step
# and summary-building, and for ccr.rollup of stored summaries:
#   - EXPLAIN (VERBOSE) shows worker_partial_agg on the workers (pushed-down
#     partial aggregation) for GROUP BY queue and without GROUP BY;
#   - the answer equals the single-node answer as text, overall and per
#     queue (fcr_summary too: its text lists the contacts in one canonical
#     order, however the shards split them);
#   - repeat-contact FCR on the customer-distributed table equals the
#     single-node answer and the window-function reference, total and per
#     queue; GROUP BY customer runs whole on the shards;
#   - the known Citus limits (EXPLAIN ANALYZE of pushed-down custom
#     aggregates, citus#4043) are recorded, not hidden.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$CCR_ROOT/test/citus/lib.sh"

dir=$CCR_WORK/citus
trap 'citus_cluster_stop "$dir"' EXIT
# coordinator + 2 workers, ccr_metrics created (Citus propagates it to the workers)
citus_cluster_start "$dir"

out=$dir/checks.txt
psql -qAtX -v ON_ERROR_STOP=1 >"$out" <<'SQL'
SET client_min_messages = warning;
SET citus.shard_count = 8;

CREATE FUNCTION check_that(what text, ok boolean) RETURNS text LANGUAGE sql AS
	$$ SELECT CASE WHEN ok THEN 'ok:   ' ELSE 'FAIL: ' END || what $$;
CREATE FUNCTION plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE p text := ''; l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP p := p || l || E'\n'; END LOOP;
	RETURN p;
END $$;

SELECT check_that(format('Citus %s, %s worker nodes, ccr_metrics %s on every node', v, w,
						 (SELECT extversion FROM pg_extension WHERE extname = 'ccr_metrics')),
				  w = 2 AND (SELECT count(*) FROM run_command_on_workers(
						'SELECT extversion FROM pg_extension WHERE extname = ''ccr_metrics''')
							 WHERE success AND result = (SELECT extversion FROM pg_extension WHERE extname = 'ccr_metrics')) = 2)
FROM (SELECT citus_version() v, (SELECT count(*) FROM pg_dist_node WHERE noderole = 'primary' AND groupid > 0) w) x;

-- Deterministic generated contacts (hash-based, no random()), with NULLs,
-- ties and repeats: the single-node truth is a plain local table.
CREATE FUNCTION u(g bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$ SELECT (hashint8(g * 7919 + salt) & 2147483647)::float8 / 2147483648.0 $$;
CREATE TABLE contacts_local AS
SELECT g AS contact_id,
	   'cust-' || (1 + floor(u(g, 1) * 1500))::int AS customer,
	   'q' || (g % 4) AS queue,
	   timestamptz '2026-01-01 00:00+00' + g * interval '4 minutes' + floor(u(g, 2) * 180) * interval '1 second' AS offered_at,
	   NULL::timestamptz AS ended_at,
	   CASE WHEN g % 31 = 0 THEN NULL ELSE u(g, 3) < 0.8 END AS answered,
	   CASE WHEN g % 37 = 0 THEN NULL WHEN g % 13 = 0 THEN 20.0
			ELSE round((u(g, 4) * u(g, 5) * 90)::numeric, 3)::float8 END AS wait_s,
	   CASE WHEN g % 29 = 0 THEN NULL ELSE round((30 + u(g, 6) * 600)::numeric, 3)::float8 END AS talk_s,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((u(g, 7) * 60)::numeric, 3)::float8 END AS hold_s,
	   CASE WHEN g % 5 = 0 THEN NULL ELSE round((u(g, 8) * 120)::numeric, 3)::float8 END AS acw_s,
	   CASE WHEN g % 7 = 0 THEN NULL ELSE u(g, 9) < 0.7 END AS fcr,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE u(g, 10) < 0.6 END AS resolved,
	   CASE WHEN g % 23 = 0 THEN NULL ELSE (u(g, 11) * 3)::int END AS reopens,
	   CASE WHEN g % 3 = 1 THEN NULL ELSE 1 + (u(g, 12) * 4)::int END AS csat_score,
	   5 AS csat_scale,
	   CASE WHEN g % 4 = 1 THEN NULL ELSE (u(g, 13) * 10)::int END AS nps_score,
	   CASE WHEN g % 3 = 2 THEN NULL ELSE 1 + (u(g, 14) * 6)::int END AS ces_score,
	   (1 + floor(u(g, 1) * 1500))::bigint AS customer_id
FROM generate_series(1, 20000) g;
UPDATE contacts_local SET ended_at = offered_at + (coalesce(wait_s, 0) + coalesce(talk_s, 0)) * interval '1 second';
-- same-instant ties for some customers
INSERT INTO contacts_local SELECT contact_id + 100000, customer, queue, offered_at, ended_at, answered, wait_s, talk_s,
	hold_s, acw_s, fcr, resolved, reopens, csat_score, csat_scale, nps_score, ces_score, customer_id
FROM contacts_local WHERE contact_id % 97 = 0;

CREATE TABLE contacts (LIKE contacts_local);
SELECT create_distributed_table('contacts', 'customer');
INSERT INTO contacts SELECT * FROM contacts_local;
ANALYZE contacts_local;

SELECT check_that(format('contacts distributed by customer over %s shards on %s nodes, %s rows', s, n, c),
				  s = 8 AND n = 2 AND c = (SELECT count(*) FROM contacts_local))
FROM (SELECT count(*) s, count(DISTINCT nodeport) n FROM citus_shards WHERE table_name = 'contacts'::regclass) x,
	 (SELECT count(*) c FROM contacts) y;

-- Aggregates under test: label, call, how to compare its result.
CREATE TABLE aggs (ord serial, label text, expr text, canon text DEFAULT '(%s)::text');
INSERT INTO aggs (label, expr) VALUES
	-- one-step
	('service_level', 'ccr.service_level(wait_s, answered, 20)'),
	('service_level policy', 'ccr.service_level(wait_s, answered, 20, ''ignore'', 5)'),
	('abandon_rate(wait)', 'ccr.abandon_rate(wait_s, answered, 5)'),
	('abandon_rate(flag)', 'ccr.abandon_rate(NOT answered)'),
	('asa', 'ccr.asa(wait_s, answered)'),
	('aht', 'ccr.aht(talk_s, hold_s, acw_s)'),
	('fcr_rate(flag)', 'ccr.fcr_rate(fcr)'),
	('resolution_rate', 'ccr.resolution_rate(resolved)'),
	('reopen_rate', 'ccr.reopen_rate(reopens)'),
	('csat', 'ccr.csat(csat_score, csat_scale)'),
	('nps', 'ccr.nps(nps_score)'),
	('ces', 'ccr.ces(ces_score, 7)'),
	('qa_score', 'ccr.qa_score(hold_s, 60, fcr)'),
	('fcr_rate(customer text, at, window)', 'ccr.fcr_rate(customer, offered_at, interval ''3 days'')'),
	('fcr_rate(customer bigint, at, window)', 'ccr.fcr_rate(customer_id, offered_at, interval ''1 day'')'),
	-- summary-building
	('sl_agg', 'ccr.sl_agg(wait_s, answered, 20, 5)'),
	('rate_agg', 'ccr.rate_agg(fcr)'),
	('aht_agg', 'ccr.aht_agg(talk_s, hold_s, acw_s)'),
	('csat_agg', 'ccr.csat_agg(csat_score, csat_scale)'),
	('nps_agg', 'ccr.nps_agg(nps_score)'),
	('duration_agg', 'ccr.duration_agg(talk_s)'),
	('backlog_agg', 'ccr.backlog_agg(offered_at, ended_at, ''2026-01-01 00:00+00'', ''2026-03-01 00:00+00'', interval ''1 day'')'),
	('ces_agg', 'ccr.ces_agg(ces_score, 7)'),
	('qa_agg', 'ccr.qa_agg(hold_s, 60, fcr)');
INSERT INTO aggs (label, expr, canon) VALUES
	('fcr_agg', 'ccr.fcr_agg(customer, offered_at, interval ''3 days'')', '(%s)::text');

-- For one aggregate over table t (distributed) and t_local: pushed down as
-- worker_partial_agg with and without GROUP BY queue, and the same answer.
CREATE FUNCTION dist_check(p_label text, p_expr text, p_canon text, t text, t_local text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	plan text;
	single text;
	dist text;
	bad bigint;
	n bigint;
BEGIN
	plan := plan_of(format('SELECT %s FROM %s', p_expr, t));
	RETURN NEXT check_that(format('%s: no GROUP BY, pushed down (worker_partial_agg on the shards, coord_combine_agg)', p_label),
						   plan ~ 'worker_partial_agg' AND plan ~ 'coord_combine_agg');
	EXECUTE format('SELECT %s FROM %s', format(p_canon, p_expr), t_local) INTO single;
	EXECUTE format('SELECT %s FROM %s', format(p_canon, p_expr), t) INTO dist;
	RETURN NEXT check_that(format('%s: = single node (%s)', p_label, left(single, 50)),
						   single IS NOT NULL AND single = dist);

	plan := plan_of(format('SELECT queue, %s FROM %s GROUP BY queue', p_expr, t));
	EXECUTE format('SELECT count(*), count(*) FILTER (WHERE a.s IS DISTINCT FROM b.s)
					FROM (SELECT queue, %1$s AS s FROM %2$s GROUP BY queue) a
					FULL JOIN (SELECT queue, %1$s AS s FROM %3$s GROUP BY queue) b USING (queue)',
				   format(p_canon, p_expr), t_local, t) INTO n, bad;
	RETURN NEXT check_that(format('%s: GROUP BY queue pushed down (worker_partial_agg), %s queues, %s differ', p_label, n, bad),
						   plan ~ 'worker_partial_agg' AND n = 4 AND bad = 0);
END $$;
SELECT dist_check(label, expr, canon, 'contacts', 'contacts_local') FROM aggs ORDER BY ord;

-- One plan in full, for the log.
EXPLAIN (VERBOSE, COSTS OFF) SELECT queue, ccr.service_level(wait_s, answered, 20) FROM contacts GROUP BY queue;

-- ccr.rollup of stored summaries: per-day summaries in a distributed table
-- (by day, so neither query groups by the distribution column).
CREATE TABLE kpi_daily_local AS
SELECT date_trunc('day', offered_at, 'UTC') AS day, queue,
	   ccr.sl_agg(wait_s, answered, 20, 5) AS sl, ccr.rate_agg(fcr) AS fcr, ccr.aht_agg(talk_s, hold_s, acw_s) AS aht,
	   ccr.csat_agg(csat_score, csat_scale) AS csat, ccr.nps_agg(nps_score) AS nps, ccr.duration_agg(talk_s) AS dur,
	   ccr.backlog_agg(offered_at, ended_at, '2026-01-01 00:00+00', '2026-03-01 00:00+00', interval '1 day') AS backlog,
	   ccr.ces_agg(ces_score, 7) AS ces, ccr.qa_agg(hold_s, 60, fcr) AS qa,
	   ccr.fcr_agg(customer, offered_at, interval '3 days') AS rfcr
FROM contacts_local GROUP BY 1, 2;
CREATE TABLE kpi_daily (LIKE kpi_daily_local);
SELECT create_distributed_table('kpi_daily', 'day');
INSERT INTO kpi_daily SELECT * FROM kpi_daily_local;
CREATE TABLE rollups (ord serial, label text, expr text, canon text DEFAULT '(%s)::text');
INSERT INTO rollups (label, expr) VALUES
	('rollup(sl_summary)', 'ccr.rollup(sl)'), ('rollup(rate_summary)', 'ccr.rollup(fcr)'),
	('rollup(aht_summary)', 'ccr.rollup(aht)'), ('rollup(csat_summary)', 'ccr.rollup(csat)'),
	('rollup(nps_summary)', 'ccr.rollup(nps)'), ('rollup(duration_summary)', 'ccr.rollup(dur)'),
	('rollup(backlog_summary)', 'ccr.rollup(backlog)'), ('rollup(ces_summary)', 'ccr.rollup(ces)'),
	('rollup(qa_summary)', 'ccr.rollup(qa)'),
	('service_level of rollup', 'ccr.service_level(ccr.rollup(sl))'),
	('percentile of rollup', 'ccr.percentile(ccr.rollup(dur), 0.9)');
INSERT INTO rollups (label, expr, canon) VALUES
	('rollup(fcr_summary)', 'ccr.rollup(rfcr)', '(%s)::text'),
	('fcr_rate of rollup(fcr_summary)', 'ccr.fcr_rate(ccr.rollup(rfcr))', '(%s)::text');
SELECT dist_check(label, expr, canon, 'kpi_daily', 'kpi_daily_local') FROM rollups ORDER BY ord;
SELECT check_that('stored summaries rolled up on the cluster = the same summaries built from the contacts on one node',
		(SELECT row(ccr.rollup(sl), ccr.rollup(fcr), ccr.rollup(aht), ccr.rollup(csat), ccr.rollup(nps), ccr.rollup(dur),
					ccr.rollup(backlog), ccr.rollup(ces), ccr.rollup(qa), ccr.rollup(rfcr))::text FROM kpi_daily)
		= (SELECT row(ccr.sl_agg(wait_s, answered, 20, 5), ccr.rate_agg(fcr), ccr.aht_agg(talk_s, hold_s, acw_s),
					  ccr.csat_agg(csat_score, csat_scale), ccr.nps_agg(nps_score), ccr.duration_agg(talk_s),
					  ccr.backlog_agg(offered_at, ended_at, '2026-01-01 00:00+00', '2026-03-01 00:00+00', interval '1 day'),
					  ccr.ces_agg(ces_score, 7), ccr.qa_agg(hold_s, 60, fcr),
					  ccr.fcr_agg(customer, offered_at, interval '3 days'))::text FROM contacts_local));

-- Repeat-contact FCR against the spec's window-function reference, total
-- and per queue (a contact's queue group holds that customer's contacts in
-- the queue).
CREATE FUNCTION fcr_reference(p_where text, w interval) RETURNS TABLE (first_contacts bigint, resolved bigint)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format(
		'SELECT count(*) FILTER (WHERE prv IS NULL OR offered_at - prv > $1),
				count(*) FILTER (WHERE (prv IS NULL OR offered_at - prv > $1) AND (nxt IS NULL OR nxt - offered_at > $1))
		 FROM (SELECT offered_at, lag(offered_at) OVER c AS prv, lead(offered_at) OVER c AS nxt
			   FROM contacts_local WHERE %s WINDOW c AS (PARTITION BY customer ORDER BY offered_at)) s', p_where) USING w;
END $$;
SELECT check_that(format('repeat-contact FCR on the cluster: %s first contacts, %s resolved = window-function reference', r.first_contacts, r.resolved),
		d.f = r.first_contacts AND d.r = r.resolved AND d.rate = r.resolved::float8 / r.first_contacts
		AND r.resolved < r.first_contacts AND r.first_contacts < 20000)
FROM (SELECT ccr.first_contacts(s) f, ccr.resolved_first_contacts(s) r, ccr.fcr_rate(s) rate
	  FROM (SELECT ccr.fcr_agg(customer, offered_at, interval '3 days') s FROM contacts) x) d,
	 fcr_reference('true', interval '3 days') r;
SELECT check_that(format('repeat-contact FCR per queue on the cluster = reference (%s queues, %s differ)', count(*),
						 count(*) FILTER (WHERE (d.f, d.r) IS DISTINCT FROM (r.first_contacts, r.resolved))),
		count(*) = 4 AND count(*) FILTER (WHERE (d.f, d.r) IS DISTINCT FROM (r.first_contacts, r.resolved)) = 0)
FROM (SELECT queue, ccr.first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) f,
			 ccr.resolved_first_contacts(ccr.fcr_agg(customer, offered_at, interval '3 days')) r
	  FROM contacts GROUP BY queue) d,
	 LATERAL fcr_reference(format('queue = %L', d.queue), interval '3 days') r;

-- Whole-table FCR that ships counts, not contacts: grouped by the
-- distribution column, the aggregate runs whole on each shard (a
-- router/pushdown plan with no worker_partial_agg), and only the per-shard
-- sums of the counts reach the coordinator.
CREATE VIEW fcr_by_shard_counts AS
SELECT sum(f)::bigint AS first_contacts, sum(r)::bigint AS resolved, sum(r)::float8 / nullif(sum(f), 0) AS fcr_rate
FROM (SELECT customer, ccr.first_contacts(s) f, ccr.resolved_first_contacts(s) r
	  FROM (SELECT customer, ccr.fcr_agg(customer, offered_at, interval '3 days') s FROM contacts GROUP BY customer) a) b;
SELECT check_that('GROUP BY customer (the distribution column): fcr_agg runs whole on the shards, no worker_partial_agg',
				  plan_of('SELECT customer, ccr.fcr_rate(customer, offered_at, interval ''3 days'') FROM contacts GROUP BY customer')
				  !~ 'worker_partial_agg'
				  AND plan_of('SELECT customer, ccr.fcr_rate(customer, offered_at, interval ''3 days'') FROM contacts GROUP BY customer')
				  ~ 'GROUP BY customer');
SELECT check_that(format('counts-only whole-table FCR (per-customer summaries read on the shards, counts summed) = reference (%s, %s)',
						 v.first_contacts, v.resolved),
				  v.first_contacts = r.first_contacts AND v.resolved = r.resolved
				  AND v.fcr_rate = (SELECT ccr.fcr_rate(customer, offered_at, interval '3 days') FROM contacts_local))
FROM fcr_by_shard_counts v, fcr_reference('true', interval '3 days') r;
SQL

# What the coordinator receives for a whole-table FCR: the text of each
# shard's result row (Citus 13 ships intermediate results as text), measured
# on the shard placements with the query each plan sends there.
psql -qAtX -v ON_ERROR_STOP=1 >>"$out" <<'SQL'
SET client_min_messages = warning;
CREATE FUNCTION shipped_bytes(shard_query text) RETURNS bigint LANGUAGE sql AS $$
	SELECT sum(result::bigint)::bigint
	FROM run_command_on_placements('contacts', format('SELECT coalesce(sum(octet_length(t::text)), 0) FROM (%s) t', shard_query))
$$;
SELECT check_that(format('whole-table FCR as one aggregate ships every contact: %s bytes for %s contacts (%s bytes a contact); grouped by customer with summed counts: %s bytes (%s bytes a shard)',
						 a, n, round(a::numeric / n, 1), b, b / 8),
				  a > 16 * n AND b < 1000
				  AND plan_of('SELECT * FROM fcr_by_shard_counts') ~ 'sum\(' AND plan_of('SELECT * FROM fcr_by_shard_counts') !~ 'fcr_agg[^\n]*worker_partial_agg')
FROM (SELECT shipped_bytes('SELECT ccr.fcr_agg(customer, offered_at, interval ''3 days'') FROM %s') a,
			 shipped_bytes('SELECT sum(ccr.first_contacts(s)), sum(ccr.resolved_first_contacts(s)) FROM (SELECT customer, ccr.fcr_agg(customer, offered_at, interval ''3 days'') s FROM %s GROUP BY customer) x') b,
			 (SELECT count(*) FROM contacts) n) x;
EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM fcr_by_shard_counts;
SQL

# Known Citus limit, recorded: EXPLAIN ANALYZE of a pushed-down custom
# aggregate (citus#4043).  Plain EXPLAIN (VERBOSE) above works.
if psql -qAtX -c 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT ccr.service_level(wait_s, answered, 20) FROM contacts' >"$dir/analyze.txt" 2>&1; then
	echo "note: EXPLAIN ANALYZE of a pushed-down ccr aggregate works in this Citus version" >>"$out"
else
	echo "note: EXPLAIN ANALYZE of a pushed-down ccr aggregate fails (citus#4043): $(grep -m1 ERROR "$dir/analyze.txt")" >>"$out"
fi

citus_report citus "$out" 61
