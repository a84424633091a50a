-- Repeat-contact FCR (ccr.fcr_rate(customer, contact_at, repeat_window),
-- ccr.fcr_agg and accessors) against the spec's window-function reference.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql

-- Hand-worked case, window 1 day:
--   customer 1: Jan 1 00:00, Jan 1 12:00, Jan 4 00:00
--     -> first (not resolved: next 12 h later), repeat, first resolved
--   customer 2: Jan 2 00:00 alone -> first resolved
--   customer 3: Jan 1 00:00, Jan 2 00:00 (gap exactly 1 day = window: a
--     repeat), Jan 3 12:00 (gap 36 h: first, resolved)
--     -> first not resolved, repeat, first resolved
--   customer 4: Jan 1 and Jan 1 at the same instant (a tie) -> first not
--     resolved, repeat
--   NULL customer / NULL time: skipped
-- First contacts 6, resolved 3: fcr_rate 0.5; repeats 3 of 9: 1/3.
CREATE TABLE regress.fcr_hand(c bigint, t timestamptz);
INSERT INTO regress.fcr_hand VALUES
	(1, '2026-01-01 00:00+00'), (1, '2026-01-01 12:00+00'), (1, '2026-01-04 00:00+00'),
	(2, '2026-01-02 00:00+00'),
	(3, '2026-01-02 00:00+00'), (3, '2026-01-01 00:00+00'), (3, '2026-01-03 12:00+00'),
	(4, '2026-01-01 00:00+00'), (4, '2026-01-01 00:00+00'),
	(NULL, '2026-01-01 00:00+00'), (5, NULL);
SELECT ccr.fcr_rate(c, t, '1 day') AS rate_bigint,
	   ccr.fcr_rate(c::text, t, '1 day') AS rate_text,
	   ccr.first_contacts(ccr.fcr_agg(c, t, '1 day')) AS first_contacts,
	   ccr.resolved_first_contacts(ccr.fcr_agg(c, t, '1 day')) AS resolved,
	   ccr.repeat_rate(ccr.fcr_agg(c, t, '1 day')) = 1.0 / 3 AS repeat_third,
	   ccr.total(ccr.fcr_agg(c, t, '1 day')) AS contacts
FROM regress.fcr_hand;
-- window 0: only the tie of customer 4 is a repeat -> 8 first, 7 resolved
-- (customer 4's first is followed at gap 0 <= 0): 0.875.  Window 3 days:
-- customer 1's Jan 4 contact becomes a repeat (gap 2.5 days), customer 3
-- is one chain -> 4 first (one per customer), only customer 2 resolved: 0.25
SELECT w, ccr.fcr_rate(c, t, w), ccr.first_contacts(ccr.fcr_agg(c, t, w))
FROM regress.fcr_hand, (VALUES (interval '0'), (interval '3 days')) v(w)
GROUP BY w ORDER BY w;

-- Generated contacts (test/regress/fcr_contacts.sql): one customer with
-- 3000 contacts, 4000 customers with one contact each, 13000 contacts of
-- ~2500 skewed customers; times on a 5-minute grid over 60 days, so ties
-- (same customer, same instant) and gaps of exactly the window occur; some
-- NULL keys and times.
\i :abs_srcdir/test/regress/fcr_contacts.sql
SELECT count(*) AS contacts, count(*) FILTER (WHERE cust IS NULL) AS null_keys,
	   count(*) FILTER (WHERE at IS NULL) AS null_times, count(DISTINCT cust) AS customers
FROM regress.fcr;

-- The spec's reference, as counts, is regress.fcr_ref(w, text_key)
-- (test/regress/fcr_contacts.sql): lag/lead per customer, plain SQL.

-- And the spec's reference query verbatim (numeric avg), for one window.
SELECT regress.close(
	(SELECT ccr.fcr_rate(cust, at, '1 day') FROM regress.fcr),
	(SELECT avg(CASE WHEN nxt IS NULL OR nxt - contact_at > w THEN 1.0 ELSE 0.0 END)::float8
	 FROM (SELECT at AS contact_at, interval '1 day' AS w,
				  lag(at)  OVER c AS prv,
				  lead(at) OVER c AS nxt
		   FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL
		   WINDOW c AS (PARTITION BY cust ORDER BY at)) s
	 WHERE prv IS NULL OR contact_at - prv > w)) AS spec_query_matches;

-- bigint and text keys, windows 0 s, 5 minutes (the grid step: gaps equal
-- to the window), 1 day, 30 days, 1 month (= 30 days), 1 year
SELECT w, k, ord,
	   ccr.first_contacts(s) = r.firsts AS firsts_ok,
	   ccr.resolved_first_contacts(s) = r.resolved AS resolved_ok,
	   ccr.total(s) = r.contacts AS contacts_ok,
	   ccr.fcr_rate(s) = r.resolved::float8 / r.firsts AS rate_ok,
	   ccr.repeat_rate(s) = (r.contacts - r.firsts)::float8 / r.contacts AS repeat_ok,
	   one_step = ccr.fcr_rate(s) AS one_step_ok
FROM (VALUES (1, interval '0'), (2, interval '5 minutes'), (3, interval '1 day'), (4, interval '30 days'),
			 (5, interval '1 mon'), (6, interval '1 year')) v(ord, w),
	 (VALUES ('bigint'), ('text')) kk(k),
	 LATERAL (SELECT CASE WHEN k = 'bigint' THEN ccr.fcr_agg(cust, at, w) ELSE ccr.fcr_agg(cust_t, at, w) END AS s,
					 CASE WHEN k = 'bigint' THEN ccr.fcr_rate(cust, at, w) ELSE ccr.fcr_rate(cust_t, at, w) END AS one_step
			  FROM regress.fcr) a,
	 LATERAL regress.fcr_ref(w, k = 'text') r
ORDER BY ord, k;

-- Input order does not matter: the same contacts in three orders.
SELECT count(DISTINCT r) AS distinct_results
FROM (SELECT ccr.fcr_rate(cust, at, '1 day' ORDER BY id) r FROM regress.fcr
	  UNION ALL SELECT ccr.fcr_rate(cust, at, '1 day' ORDER BY id DESC) FROM regress.fcr
	  UNION ALL SELECT ccr.fcr_rate(cust, at, '1 day' ORDER BY at, cust) FROM regress.fcr) x;

-- Per group (hash and sorted grouping) against the reference per group.
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE a.rate IS NOT DISTINCT FROM r.rate) AS matching
FROM (SELECT queue, ccr.fcr_rate(cust, at, '2 days') AS rate FROM regress.fcr GROUP BY queue) a
JOIN regress.fcr_queue_ref('2 days') r USING (queue);

-- As a window function over a growing frame (the final function runs
-- between transitions): running FCR by day equals FCR of all days so far.
-- Reference: within the days up to d a contact's previous contact is its
-- previous one overall; its next one counts only if it falls on a day <= d.
SELECT count(*) AS days,
	   count(*) FILTER (WHERE running IS NOT DISTINCT FROM ref) AS matching
FROM (SELECT DISTINCT day, running
	  FROM (SELECT day, ccr.fcr_rate(cust, at, '1 day') OVER (ORDER BY day) AS running
			FROM (SELECT *, (at AT TIME ZONE 'UTC')::date AS day FROM regress.fcr WHERE at IS NOT NULL) x) y) d
	 LEFT JOIN
	 (SELECT dd.day, (count(*) FILTER (WHERE nxt IS NULL OR nday > dd.day OR nxt - at > interval '1 day'))::float8
					 / nullif(count(*), 0) AS ref
	  FROM (SELECT DISTINCT (at AT TIME ZONE 'UTC')::date AS day FROM regress.fcr WHERE at IS NOT NULL) dd
		   JOIN (SELECT at, (at AT TIME ZONE 'UTC')::date AS cday, nxt, (nxt AT TIME ZONE 'UTC')::date AS nday
				 FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
					   FROM regress.fcr WHERE cust IS NOT NULL AND at IS NOT NULL
					   WINDOW c AS (PARTITION BY cust ORDER BY at)) w
				 WHERE prv IS NULL OR at - prv > interval '1 day') f ON f.cday <= dd.day
	  GROUP BY dd.day) r USING (day);

-- Empty input, all-NULL input: NULL
SELECT ccr.fcr_rate(cust, at, '1 day') AS empty_rate, ccr.fcr_agg(cust, at, '1 day') AS empty_summary
FROM regress.fcr WHERE false;
SELECT ccr.fcr_rate(NULL::bigint, at, '1 day') AS null_keys, ccr.fcr_rate(cust_t, NULL, '1 day') AS null_times
FROM regress.fcr;

-- Bad parameters and data
SELECT regress.err($$SELECT ccr.fcr_rate(cust, at, NULL) FROM regress.fcr$$);
SELECT regress.err($$SELECT ccr.fcr_rate(cust, at, '-1 second') FROM regress.fcr$$);
SELECT regress.err($$SELECT ccr.fcr_agg(cust_t, at, '1 mon -31 days') FROM regress.fcr$$);
SELECT regress.err($$SELECT ccr.fcr_rate(NULL::bigint, NULL, '-1 day')$$);
SELECT regress.err($$SELECT ccr.fcr_rate(cust, at, CASE WHEN id < 500 THEN interval '1 day' ELSE interval '2 days' END) FROM regress.fcr$$);
SELECT ccr.fcr_rate(c, t, CASE WHEN c = 1 THEN interval '1 day' ELSE interval '24 hours' END) AS same_window_spelled_twice
FROM regress.fcr_hand;
SELECT regress.err($$SELECT ccr.fcr_rate(1::bigint, 'infinity'::timestamptz, '1 day')$$);
SELECT regress.err($$SELECT ccr.fcr_trans(NULL, 1::bigint, now(), '1 day')$$);
