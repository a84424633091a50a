\set ECHO none
-- Generated contacts for the repeat-contact FCR files (20_fcr,
-- 21_fcr_summary, 22_fcr_parallel): (re)creates regress.fcr, the same rows
-- every time (regress.rand, not random()), so each file builds it itself, and
-- defines the spec's plain-SQL reference over it, regress.fcr_ref(w, text_key)
-- and per queue regress.fcr_queue_ref(w).
--
-- One customer with 3000 contacts, 4000 customers with one contact each,
-- 13000 contacts of ~2500 skewed customers; times on a 5-minute grid over 60
-- days (the big customer's on an hour grid over 2000 hours), so ties (same
-- customer, same instant) and gaps of exactly the window occur; some NULL
-- keys and times.  cust_t is the text key of the same customer.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

DROP TABLE IF EXISTS regress.fcr;
CREATE TABLE regress.fcr AS
SELECT g AS id,
	   CASE WHEN g % 97 = 0 THEN NULL
			WHEN g <= 3000 THEN 4242
			WHEN g <= 7000 THEN 1000000 + g
			ELSE (regress.rand(2001, g) * regress.rand(2002, g) * 2500)::bigint END AS cust,
	   CASE WHEN g % 89 = 0 THEN NULL
			WHEN g <= 3000 THEN timestamptz '2026-01-01 00:00+00' + (floor(regress.rand(2003, g) * 2000) * interval '1 hour')
			ELSE timestamptz '2026-01-01 00:00+00' + (floor(regress.rand(2003, g) * 60 * 24 * 12) * interval '5 minutes') END AS at,
	   g % 4 AS queue
FROM generate_series(1, 20000) g;
ALTER TABLE regress.fcr ADD COLUMN cust_t text;
UPDATE regress.fcr SET cust_t = 'cust-' || cust;
ANALYZE regress.fcr;

-- The spec's reference over regress.fcr, as counts: first contacts (no
-- contact of the customer within w before), resolved first contacts (and none
-- within w after) and contacts, by window functions; the bigint key or the
-- text key.
CREATE OR REPLACE FUNCTION regress.fcr_ref(w interval, text_key boolean, OUT firsts bigint, OUT resolved bigint, OUT contacts bigint)
LANGUAGE sql STABLE AS $$
SELECT count(*) FILTER (WHERE prv IS NULL OR contact_at - prv > w),
	   count(*) FILTER (WHERE (prv IS NULL OR contact_at - prv > w) AND (nxt IS NULL OR nxt - contact_at > w)),
	   count(*)
FROM (SELECT at AS contact_at,
			 lag(at)  OVER c AS prv,
			 lead(at) OVER c AS nxt
	  FROM regress.fcr
	  WHERE at IS NOT NULL AND (CASE WHEN text_key THEN cust_t IS NOT NULL ELSE cust IS NOT NULL END)
	  WINDOW c AS (PARTITION BY CASE WHEN text_key THEN cust_t END, CASE WHEN NOT text_key THEN cust END ORDER BY at)) s
$$;

-- The same per queue: the FCR rate (resolved / first contacts) of each queue,
-- a customer's contacts in another queue not counting.
CREATE OR REPLACE FUNCTION regress.fcr_queue_ref(w interval) RETURNS TABLE (queue integer, rate float8)
LANGUAGE sql STABLE AS $$
SELECT queue, count(*) FILTER (WHERE nxt IS NULL OR nxt - at > w)::float8 / count(*)
FROM (SELECT queue, at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
	  FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL
	  WINDOW c AS (PARTITION BY queue, cust ORDER BY at)) s
WHERE prv IS NULL OR at - prv > w
GROUP BY queue
$$;

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all
