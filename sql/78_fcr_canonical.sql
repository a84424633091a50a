-- ccr.fcr_summary is a multiset of (customer, contact_at) pairs and is kept
-- and written in one canonical order, so equal summaries have equal text
-- and binary forms: whatever order the rows came in, however the work was
-- split (combine, rollup, parallel workers), and after a text or binary
-- round trip of pairs in any order.  Self-contained.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql

-- 6,000 contacts of 400 customers over 60 days, with exact duplicates
-- (same customer, same instant) and customers with one contact.
CREATE TABLE regress.canon AS
SELECT i, (i * 7919) % 400 AS customer,
	   timestamptz '2026-01-01 00:00+00' + ((i * 104729) % 86400) * interval '1 minute' AS at
FROM generate_series(1, 5000) i
UNION ALL
SELECT 5000 + i, (i * 31) % 400, timestamptz '2026-01-10 12:00+00' + (i % 7) * interval '1 hour'
FROM generate_series(1, 1000) i;
ALTER TABLE regress.canon ADD COLUMN customer_t text;
UPDATE regress.canon SET customer_t = 'cust-' || customer;

-- The pairs of a summary as rows, decoded from its documented text form
-- (big-endian int64 key, int64 microseconds since 2000-01-01 UTC).
CREATE FUNCTION regress.fcr_pairs(s ccr.fcr_summary)
RETURNS TABLE (ord int, key bigint, at timestamptz)
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT i + 1,
		   ('x' || encode(substring(b FROM 1 + 16 * i FOR 8), 'hex'))::bit(64)::bigint,
		   timestamptz '2000-01-01 00:00+00'
			 + ('x' || encode(substring(b FROM 9 + 16 * i FOR 8), 'hex'))::bit(64)::bigint * interval '1 microsecond'
	FROM (SELECT decode(split_part(s::text, ' pairs=', 2), 'base64') AS b OFFSET 0) x,
		 generate_series(0, length(b) / 16 - 1) i
$$;

-- The same summary text with its pairs in another order (reversed).
CREATE FUNCTION regress.fcr_reversed(s ccr.fcr_summary) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT split_part(s::text, ' pairs=', 1) || ' pairs='
		   || translate(encode(string_agg(substring(b FROM 1 + 16 * i FOR 16), ''::bytea ORDER BY i DESC), 'base64'), E'\n', '')
	FROM (SELECT decode(split_part(s::text, ' pairs=', 2), 'base64') AS b OFFSET 0) x,
		 generate_series(0, length(b) / 16 - 1) i
$$;

CREATE TABLE regress.canon_sums (label text PRIMARY KEY, s ccr.fcr_summary, st ccr.fcr_summary);

-- rows in three different orders
INSERT INTO regress.canon_sums
SELECT 'order by i', ccr.fcr_agg(customer::bigint, at, '1 day'), ccr.fcr_agg(customer_t, at, '1 day')
FROM (SELECT * FROM regress.canon ORDER BY i) x;
INSERT INTO regress.canon_sums
SELECT 'order by i desc', ccr.fcr_agg(customer::bigint, at, '1 day'), ccr.fcr_agg(customer_t, at, '1 day')
FROM (SELECT * FROM regress.canon ORDER BY i DESC) x;
INSERT INTO regress.canon_sums
SELECT 'order by md5', ccr.fcr_agg(customer::bigint, at, '1 day'), ccr.fcr_agg(customer_t, at, '1 day')
FROM (SELECT * FROM regress.canon ORDER BY md5(i::text)) x;

-- split in two halves and combined directly, in both orders
INSERT INTO regress.canon_sums
SELECT 'combine(even, odd)', ccr.fcr_summary_combine(a.s, b.s), ccr.fcr_summary_combine(a.st, b.st)
FROM (SELECT ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st FROM regress.canon WHERE i % 2 = 0) a,
	 (SELECT ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st FROM regress.canon WHERE i % 2 = 1) b;
INSERT INTO regress.canon_sums
SELECT 'combine(odd, even)', ccr.fcr_summary_combine(b.s, a.s), ccr.fcr_summary_combine(b.st, a.st)
FROM (SELECT ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st FROM regress.canon WHERE i % 2 = 0) a,
	 (SELECT ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st FROM regress.canon WHERE i % 2 = 1) b;

-- rollup of stored summaries split three different ways (per day, per
-- i % 7, per customer), each rolled up in a different order
INSERT INTO regress.canon_sums
SELECT 'rollup per day', ccr.rollup(s), ccr.rollup(st)
FROM (SELECT date_trunc('day', at, 'UTC') d, ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st
	  FROM regress.canon GROUP BY 1 ORDER BY 1 DESC) x;
INSERT INTO regress.canon_sums
SELECT 'rollup per i % 7', ccr.rollup(s), ccr.rollup(st)
FROM (SELECT i % 7, ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st
	  FROM regress.canon GROUP BY 1 ORDER BY 1) x;
INSERT INTO regress.canon_sums
SELECT 'rollup per customer', ccr.rollup(s), ccr.rollup(st)
FROM (SELECT customer, ccr.fcr_agg(customer::bigint, at, '1 day') s, ccr.fcr_agg(customer_t, at, '1 day') st
	  FROM regress.canon GROUP BY 1 ORDER BY md5(customer::text)) x;

-- parallel workers, each with part of every customer's contacts
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT ccr.fcr_agg(customer::bigint, at, '1 day') FROM regress.canon;
INSERT INTO regress.canon_sums
SELECT '2 workers', ccr.fcr_agg(customer::bigint, at, '1 day'), ccr.fcr_agg(customer_t, at, '1 day') FROM regress.canon;
SET parallel_leader_participation = on;
INSERT INTO regress.canon_sums
SELECT '2 workers + leader', ccr.fcr_agg(customer::bigint, at, '1 day'), ccr.fcr_agg(customer_t, at, '1 day') FROM regress.canon;
RESET ALL;

-- text and binary input of the pairs in another order
INSERT INTO regress.canon_sums
SELECT 'text input reversed', regress.fcr_reversed(s)::ccr.fcr_summary, regress.fcr_reversed(st)::ccr.fcr_summary
FROM regress.canon_sums WHERE label = 'order by i';
CREATE TABLE regress.canon_bin AS SELECT regress.fcr_reversed(s)::ccr.fcr_summary AS s, regress.fcr_reversed(st)::ccr.fcr_summary AS st
FROM regress.canon_sums WHERE label = 'order by i';
\copy regress.canon_bin TO 'results/78_canon.bin' WITH (FORMAT binary)
TRUNCATE regress.canon_bin;
\copy regress.canon_bin FROM 'results/78_canon.bin' WITH (FORMAT binary)
INSERT INTO regress.canon_sums SELECT 'binary copy', s, st FROM regress.canon_bin;

-- Every way gives the same text, the same binary form and the same counts.
SELECT label, ccr.total(s) AS contacts,
	   s::text = (SELECT s::text FROM regress.canon_sums WHERE label = 'order by i') AS same_text,
	   st::text = (SELECT st::text FROM regress.canon_sums WHERE label = 'order by i') AS same_text_t,
	   ccr.fcr_summary_send(s) = (SELECT ccr.fcr_summary_send(s) FROM regress.canon_sums WHERE label = 'order by i') AS same_binary,
	   ccr.first_contacts(s) = ccr.first_contacts(st) AND ccr.resolved_first_contacts(s) = ccr.resolved_first_contacts(st) AS same_counts
FROM regress.canon_sums ORDER BY label;
SELECT count(DISTINCT s::text) AS distinct_texts, count(DISTINCT st::text) AS distinct_texts_t,
	   count(*) AS ways FROM regress.canon_sums;

-- The text is a fixed point of the round trip, and the reversed input
-- really was another text (the check above compares something).
SELECT s::text::ccr.fcr_summary::text = s::text AS text_fixed_point,
	   regress.fcr_reversed(s) <> s::text AS reversed_text_differs,
	   regress.fcr_reversed(s)::ccr.fcr_summary::text = s::text AS reversed_reads_canonical
FROM regress.canon_sums WHERE label = 'order by i';

-- Against the rows themselves: the pairs are exactly the contacts (as a
-- multiset), each customer's contacts are adjacent and in time order.
WITH p AS (SELECT * FROM regress.fcr_pairs((SELECT s FROM regress.canon_sums WHERE label = 'order by md5')))
SELECT (SELECT count(*) FROM (SELECT key, at FROM p EXCEPT ALL SELECT customer, at FROM regress.canon) a) AS extra_pairs,
	   (SELECT count(*) FROM (SELECT customer, at FROM regress.canon EXCEPT ALL SELECT key, at FROM p) a) AS missing_pairs,
	   (SELECT count(*) FROM (SELECT key, at < lag(at) OVER (ORDER BY ord) AND key = lag(key) OVER (ORDER BY ord) AS back
							  FROM p) q WHERE back) AS time_going_back,
	   (SELECT count(*) - count(DISTINCT key)
		FROM (SELECT key FROM (SELECT key, key IS DISTINCT FROM lag(key) OVER (ORDER BY ord) AS starts FROM p) q WHERE starts) r) AS customers_split;

-- One contact moved by a second gives another text.
SELECT a.s::text <> b.s::text AS moved_contact_differs
FROM (SELECT ccr.fcr_agg(customer::bigint, at, '1 day') s FROM regress.canon) a,
	 (SELECT ccr.fcr_agg(customer::bigint, CASE WHEN i = 1 THEN at + interval '1 second' ELSE at END, '1 day') s FROM regress.canon) b;

DROP TABLE regress.canon, regress.canon_sums, regress.canon_bin;
DROP FUNCTION regress.fcr_pairs(ccr.fcr_summary), regress.fcr_reversed(ccr.fcr_summary);
