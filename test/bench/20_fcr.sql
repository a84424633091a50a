-- Repeat-contact FCR: ccr.fcr_rate against the spec's window-function
-- reference (lag/lead over a sort of the whole table), one core, same data,
-- same answer checked first, best of 3.  speedup = reference time / fcr_rate time
-- (wall clock); cpu_speedup the same for the backend's CPU time, the
-- figure that does not depend on how loaded the machine is.
-- ~5 contacts per customer over 90 days, bigint and text keys.  Then the
-- same aggregates serially and with the leader + 1 parallel worker.
\pset footer off
SELECT setseed(0.2026);
DROP TABLE IF EXISTS bench.fcr_contacts;
CREATE TABLE bench.fcr_contacts AS
SELECT (random() * (:rows / 5))::bigint AS customer,
	   timestamptz '2026-01-01 00:00+00' + floor(random() * 90 * 86400) * interval '1 second' AS contact_at
FROM generate_series(1, :rows);
ALTER TABLE bench.fcr_contacts ADD COLUMN customer_t text;
UPDATE bench.fcr_contacts SET customer_t = '+4930' || customer;
VACUUM ANALYZE bench.fcr_contacts;
SET max_parallel_workers_per_gather = 0;
SHOW work_mem;

-- the reference with counts, so the comparison is exact
CREATE OR REPLACE FUNCTION bench.fcr_ref_counts(w interval, OUT firsts bigint, OUT resolved bigint)
LANGUAGE sql AS $$
SELECT count(*), count(*) FILTER (WHERE nxt IS NULL OR nxt - contact_at > w)
FROM (SELECT contact_at,
			 lag(contact_at)  OVER c AS prv,
			 lead(contact_at) OVER c AS nxt
	  FROM bench.fcr_contacts WINDOW c AS (PARTITION BY customer ORDER BY contact_at)) s
WHERE prv IS NULL OR contact_at - prv > w
$$;

SELECT count(*) AS contacts,
	   (SELECT ccr.first_contacts(s) = r.firsts AND ccr.resolved_first_contacts(s) = r.resolved
			   AND ccr.fcr_rate(s) = r.resolved::float8 / r.firsts
		FROM (SELECT ccr.fcr_agg(customer, contact_at, '7 days') s FROM bench.fcr_contacts) a,
			 bench.fcr_ref_counts('7 days') r) AS same_answer_bigint,
	   (SELECT ccr.fcr_rate(customer_t, contact_at, '7 days') = ccr.fcr_rate(customer, contact_at, '7 days')
		FROM bench.fcr_contacts) AS same_answer_text
FROM bench.fcr_contacts;

-- peak memory of the aggregate state (DEBUG line: contacts, bytes of pairs,
-- bytes its memory context allocated while aggregating, and the peak during
-- the final step, which adds a regrouped copy and a scratch buffer)
SET client_min_messages = debug1;
SELECT ccr.fcr_rate(customer, contact_at, '7 days') FROM bench.fcr_contacts;
RESET client_min_messages;

SELECT bench, variant, best_ms, cpu_ms, round(1 / ratio, 1) AS speedup, round(1 / cpu_ratio, 1) AS cpu_speedup
FROM bench.compare('fcr_rate bigint key, 7 days, 1 core',
	ARRAY['window functions (spec reference)', 'ccr.fcr_rate(customer bigint, ...)'],
	ARRAY[$q$SELECT avg(CASE WHEN nxt IS NULL OR nxt - contact_at > interval '7 days' THEN 1.0 ELSE 0.0 END)
			 FROM (SELECT contact_at, lag(contact_at) OVER c AS prv, lead(contact_at) OVER c AS nxt
				   FROM bench.fcr_contacts WINDOW c AS (PARTITION BY customer ORDER BY contact_at)) s
			 WHERE prv IS NULL OR contact_at - prv > interval '7 days'$q$,
		  $q$SELECT ccr.fcr_rate(customer, contact_at, '7 days') FROM bench.fcr_contacts$q$],
	3);

SELECT bench, variant, best_ms, cpu_ms, round(1 / ratio, 1) AS speedup, round(1 / cpu_ratio, 1) AS cpu_speedup
FROM bench.compare('fcr_rate text key, 7 days, 1 core',
	ARRAY['window functions (spec reference)', 'ccr.fcr_rate(customer text, ...)'],
	ARRAY[$q$SELECT avg(CASE WHEN nxt IS NULL OR nxt - contact_at > interval '7 days' THEN 1.0 ELSE 0.0 END)
			 FROM (SELECT contact_at, lag(contact_at) OVER c AS prv, lead(contact_at) OVER c AS nxt
				   FROM bench.fcr_contacts WINDOW c AS (PARTITION BY customer_t ORDER BY contact_at)) s
			 WHERE prv IS NULL OR contact_at - prv > interval '7 days'$q$,
		  $q$SELECT ccr.fcr_rate(customer_t, contact_at, '7 days') FROM bench.fcr_contacts$q$],
	3);

-- Many small states: one per customer (GROUP BY customer, ~5 contacts a
-- customer), the counts-only shape docs/scale-out.md recommends on Citus,
-- against the reference and the whole-table aggregate; the answer (summed
-- counts) must equal the reference.  EXPLAIN ANALYZE shows the hash
-- aggregate's batches and memory (one small allocation a group, ~500 bytes
-- with the hash table entry, instead of a memory context of ~2 kB).
SELECT (SELECT array[sum(ccr.first_contacts(s))::bigint, sum(ccr.resolved_first_contacts(s))::bigint]
		FROM (SELECT customer, ccr.fcr_agg(customer, contact_at, '7 days') s FROM bench.fcr_contacts GROUP BY customer) a)
	   = (SELECT array[firsts, resolved] FROM bench.fcr_ref_counts('7 days')) AS same_answer_group_by_customer;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)
SELECT sum(ccr.first_contacts(s)), sum(ccr.resolved_first_contacts(s))
FROM (SELECT customer, ccr.fcr_agg(customer, contact_at, '7 days') s FROM bench.fcr_contacts GROUP BY customer) a;
\! uptime
SELECT bench, variant, best_ms, cpu_ms, round(1 / ratio, 1) AS speedup, round(1 / cpu_ratio, 1) AS cpu_speedup
FROM bench.compare('fcr GROUP BY customer, 7 days, 1 core',
	ARRAY['window functions (spec reference, counts)', 'whole table ccr.fcr_rate', 'GROUP BY customer: fcr_agg, summed counts',
		  'GROUP BY customer: fcr_rate per customer'],
	ARRAY[$q$SELECT * FROM bench.fcr_ref_counts('7 days')$q$,
		  $q$SELECT ccr.fcr_rate(customer, contact_at, '7 days') FROM bench.fcr_contacts$q$,
		  $q$SELECT sum(ccr.first_contacts(s)), sum(ccr.resolved_first_contacts(s))
			 FROM (SELECT customer, ccr.fcr_agg(customer, contact_at, '7 days') s FROM bench.fcr_contacts GROUP BY customer) a$q$,
		  $q$SELECT count(r) FROM (SELECT ccr.fcr_rate(customer, contact_at, '7 days') r FROM bench.fcr_contacts GROUP BY customer) a$q$],
	3);
\! uptime

-- Serial against the leader + 1 parallel worker (what a 2-core machine can
-- show), round-robin in one run; the answer (all output columns as text)
-- must be identical to the serial one, and EXPLAIN ANALYZE must report the
-- worker launched.  speedup = best serial time / best time with 1 worker.
-- leader_cpu_speedup = the same ratio of the leader backend's own CPU time:
-- the leader is busy from the first row to the answer (its half of the
-- scan, sorting its share, then the merge), so on an idle 2-core machine it
-- is the wall time; unlike wall time it does not count waiting for a core
-- when other jobs load the machine.
CREATE OR REPLACE FUNCTION bench.fcr_parallel(section text, q text, reps int DEFAULT 7)
RETURNS TABLE (bench text, serial_ms numeric, leader_1_worker_ms numeric, speedup numeric,
			   serial_cpu_ms numeric, leader_cpu_ms numeric, leader_cpu_speedup numeric,
			   identical boolean, launched int)
LANGUAGE plpgsql AS $$
DECLARE
	wrapped text := 'SELECT t::text FROM (' || q || ') t';
	best float8[] := ARRAY['Infinity', 'Infinity']::float8[];
	cpu float8[] := ARRAY['Infinity', 'Infinity']::float8[];
	c0 float8;
	answers text[] := ARRAY[NULL, NULL];
	plan text := '';
	line text;
	t0 timestamptz;
BEGIN
	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	PERFORM set_config('parallel_leader_participation', 'on', true);
	FOR w IN 0..1 LOOP
		PERFORM set_config('max_parallel_workers_per_gather', w::text, true);
		EXECUTE wrapped INTO line;
		answers[w + 1] := line;
	END LOOP;
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
		plan := plan || line || E'\n';
	END LOOP;
	FOR r IN 1..reps LOOP
		FOR w IN 0..1 LOOP
			PERFORM set_config('max_parallel_workers_per_gather', w::text, true);
			c0 := bench.cpu_ns();
			t0 := clock_timestamp();
			EXECUTE wrapped;
			best[w + 1] := least(best[w + 1], extract(epoch FROM clock_timestamp() - t0) * 1000);
			cpu[w + 1] := least(cpu[w + 1], (bench.cpu_ns() - c0) / 1e6);
		END LOOP;
	END LOOP;
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	bench := section;
	serial_ms := round(best[1]::numeric, 1);
	leader_1_worker_ms := round(best[2]::numeric, 1);
	speedup := round((best[1] / best[2])::numeric, 2);
	serial_cpu_ms := round(cpu[1]::numeric, 1);
	leader_cpu_ms := round(cpu[2]::numeric, 1);
	leader_cpu_speedup := round((cpu[1] / nullif(cpu[2], 0))::numeric, 2);
	identical := answers[1] IS NOT DISTINCT FROM answers[2];
	launched := coalesce(substring(plan FROM 'Workers Launched: ([0-9]+)')::int, 0);
	RETURN NEXT;
END $$;

\! uptime
SELECT * FROM bench.fcr_parallel('count(*) (scan floor)', 'SELECT count(*) FROM bench.fcr_contacts')
UNION ALL
SELECT * FROM bench.fcr_parallel('fcr_rate bigint key, 7 days', 'SELECT ccr.fcr_rate(customer, contact_at, ''7 days'') FROM bench.fcr_contacts')
UNION ALL
SELECT * FROM bench.fcr_parallel('fcr_rate text key, 7 days', 'SELECT ccr.fcr_rate(customer_t, contact_at, ''7 days'') FROM bench.fcr_contacts')
UNION ALL
SELECT * FROM bench.fcr_parallel('fcr_agg + accessors, 7 days', 'SELECT ccr.fcr_rate(s), ccr.first_contacts(s), ccr.repeat_rate(s) FROM (SELECT ccr.fcr_agg(customer, contact_at, ''7 days'') AS s FROM bench.fcr_contacts) x')
UNION ALL
SELECT * FROM bench.fcr_parallel('fcr_agg summary text (md5)', 'SELECT md5(ccr.fcr_agg(customer, contact_at, ''7 days'')::text) FROM bench.fcr_contacts', 3);
\! uptime

DROP FUNCTION bench.fcr_parallel(text, text, int);
DROP TABLE bench.fcr_contacts;
DROP FUNCTION bench.fcr_ref_counts(interval);
