-- Repeat-contact FCR: ccr.fcr_rate against the spec's window-function
-- reference (lag/lead over a sort of the whole table), one core, same data,
-- same answer checked first.  speedup = reference time / fcr_rate time
-- (wall clock); cpu_speedup the same for the backend's CPU time, the
-- figure that does not depend on how loaded the machine is.
-- ~5 contacts per customer over 90 days, bigint and text keys.
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
	5);

SELECT bench, variant, best_ms, cpu_ms, round(1 / ratio, 1) AS speedup, round(1 / cpu_ratio, 1) AS cpu_speedup
FROM bench.compare('fcr_rate text key, 7 days, 1 core',
	ARRAY['window functions (spec reference)', 'ccr.fcr_rate(customer text, ...)'],
	ARRAY[$q$SELECT avg(CASE WHEN nxt IS NULL OR nxt - contact_at > interval '7 days' THEN 1.0 ELSE 0.0 END)
			 FROM (SELECT contact_at, lag(contact_at) OVER c AS prv, lead(contact_at) OVER c AS nxt
				   FROM bench.fcr_contacts WINDOW c AS (PARTITION BY customer_t ORDER BY contact_at)) s
			 WHERE prv IS NULL OR contact_at - prv > interval '7 days'$q$,
		  $q$SELECT ccr.fcr_rate(customer_t, contact_at, '7 days') FROM bench.fcr_contacts$q$],
	5);

DROP TABLE bench.fcr_contacts;
DROP FUNCTION bench.fcr_ref_counts(interval);
