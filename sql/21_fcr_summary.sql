-- ccr.fcr_summary: rollup of stored per-period summaries, text I/O, validation.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
-- the generated contacts regress.fcr and the plain-SQL reference
-- regress.fcr_ref(window, text_key)
\i :abs_srcdir/test/regress/fcr_contacts.sql

-- Per-day, per-queue summaries in a table (large ones go to TOAST).
CREATE TABLE regress.fcr_daily AS
SELECT (at AT TIME ZONE 'UTC')::date AS day, queue,
	   ccr.fcr_agg(cust, at, '1 day') AS s, ccr.fcr_agg(cust_t, at, '1 day') AS st,
	   ccr.fcr_agg(cust, at, '30 days') AS s30
FROM regress.fcr WHERE at IS NOT NULL GROUP BY 1, 2;
SELECT count(*) > 300 AS many_summaries FROM regress.fcr_daily;
-- A summary far above a page (20k contacts, 320 kB) is stored and read back.
CREATE TABLE regress.fcr_big AS SELECT ccr.fcr_agg(cust_t, at, '1 day') AS s FROM regress.fcr;
SELECT pg_column_size(s) > 8192 AS big, ccr.total(s) = (SELECT count(*) FROM regress.fcr WHERE cust_t IS NOT NULL AND at IS NOT NULL) AS all_contacts,
	   ccr.fcr_rate(s) = (SELECT resolved::float8 / firsts FROM regress.fcr_ref('1 day', true)) AS same_rate
FROM regress.fcr_big;

-- Rollup over every day and queue equals the reference over all contacts
-- exactly: the summaries keep every contact, so repeats that cross a day
-- boundary or a queue are seen.
SELECT ccr.fcr_rate(ccr.rollup(s)) = r1.resolved::float8 / r1.firsts AS rate_bigint,
	   ccr.first_contacts(ccr.rollup(s)) = r1.firsts AS firsts_bigint,
	   ccr.repeat_rate(ccr.rollup(s)) = (r1.contacts - r1.firsts)::float8 / r1.contacts AS repeat_bigint,
	   ccr.fcr_rate(ccr.rollup(st)) = rt.resolved::float8 / rt.firsts AS rate_text,
	   ccr.fcr_rate(ccr.rollup(s30)) = r30.resolved::float8 / r30.firsts AS rate_30_days
FROM regress.fcr_daily, regress.fcr_ref('1 day', false) r1, regress.fcr_ref('1 day', true) rt,
	 regress.fcr_ref('30 days', false) r30
GROUP BY r1.firsts, r1.resolved, r1.contacts, rt.firsts, rt.resolved, r30.firsts, r30.resolved;

-- ... and against the window-function reference, per week of days, which
-- is what a dashboard reads (the rollup of days d..d+6 = the contacts of
-- those days, with repeats inside the week only).
SELECT count(*) AS weeks,
	   count(*) FILTER (WHERE ccr.first_contacts(r) = ref.firsts AND ccr.resolved_first_contacts(r) = ref.resolved) AS matching
FROM (SELECT date_trunc('week', day)::date AS wk, ccr.rollup(s) AS r FROM regress.fcr_daily GROUP BY 1) w,
	 LATERAL (SELECT count(*) AS firsts, count(*) FILTER (WHERE nxt IS NULL OR nxt - at > interval '1 day') AS resolved
			  FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
					FROM regress.fcr
					WHERE cust IS NOT NULL AND at IS NOT NULL
					  AND date_trunc('week', (at AT TIME ZONE 'UTC')::date)::date = w.wk
					WINDOW c AS (PARTITION BY cust ORDER BY at)) x
			  WHERE prv IS NULL OR at - prv > interval '1 day') ref;

-- Per queue across all days, and the rollup in a moving window of days is
-- the reference over the contacts of those days.
SELECT count(*) AS queues,
	   count(*) FILTER (WHERE r IS NOT DISTINCT FROM ref) AS matching
FROM (SELECT queue, ccr.fcr_rate(ccr.rollup(s)) AS r FROM regress.fcr_daily GROUP BY queue) q
	 JOIN (SELECT queue, rate AS ref FROM regress.fcr_queue_ref('1 day')) r USING (queue);
SELECT count(*) AS days,
	   count(*) FILTER (WHERE r IS NOT DISTINCT FROM ref.rate) AS matching
FROM (SELECT day, ccr.fcr_rate(ccr.rollup(r) OVER (ORDER BY day RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW)) AS r
	  FROM (SELECT day, ccr.rollup(s) AS r FROM regress.fcr_daily GROUP BY day) x) d,
	 LATERAL (SELECT count(*) FILTER (WHERE nxt IS NULL OR nxt - at > interval '1 day')::float8 / nullif(count(*), 0) AS rate
			  FROM (SELECT at, lag(at) OVER c AS prv, lead(at) OVER c AS nxt
					FROM regress.fcr
					WHERE cust IS NOT NULL AND at IS NOT NULL
					  AND (at AT TIME ZONE 'UTC')::date BETWEEN d.day - 6 AND d.day
					WINDOW c AS (PARTITION BY cust ORDER BY at)) w
			  WHERE prv IS NULL OR at - prv > interval '1 day') ref;

-- Text form: out -> in -> out is the identity, and a summary read back
-- from text rolls up to the same answer.
SELECT count(*) FILTER (WHERE s::text = s::text::ccr.fcr_summary::text) AS text_round_trips,
	   count(*) FILTER (WHERE st::text = st::text::ccr.fcr_summary::text) AS text_round_trips_text_key,
	   count(*) AS summaries
FROM regress.fcr_daily;
SELECT ccr.fcr_rate(ccr.rollup(s::text::ccr.fcr_summary)) = r.resolved::float8 / r.firsts AS rollup_after_text
FROM regress.fcr_daily, regress.fcr_ref('1 day', false) r GROUP BY r.resolved, r.firsts;
SELECT s::text AS small_summary, ccr.total(s), ccr.repeat_window(s), ccr.fcr_rate(s)
FROM (SELECT ccr.fcr_agg(c, t, '1 day 2 hours') s
	  FROM (VALUES (2::bigint, timestamptz '2026-01-02 00:00+00'), (4, '2026-01-01 00:00+00'),
				   (4, '2026-01-01 00:00+00')) v(c, t)) x;
-- built by hand from its documented layout: customer 7 at 2026-01-01 00:00 UTC
-- (microseconds since 2000-01-01) and at +1 h, window 1 h
SELECT ccr.first_contacts(x), ccr.fcr_rate(x), ccr.repeat_rate(x)
FROM (SELECT ('v=1 key=bigint window_us=3600000000 contacts=2 pairs=' ||
			  encode(int8send(7) || int8send(820454400000000) || int8send(7) || int8send(820458000000000), 'base64'))::ccr.fcr_summary x) h;

-- Rollup and combine: NULLs skipped, nothing -> NULL, empty summaries.
SELECT ccr.rollup(s) IS NULL AS rollup_of_nothing FROM regress.fcr_daily WHERE false;
SELECT ccr.fcr_rate(ccr.rollup(x)) AS only_nulls FROM (VALUES (NULL::ccr.fcr_summary)) v(x);
SELECT ccr.fcr_rate(e), ccr.repeat_rate(e), ccr.first_contacts(e), ccr.total(e)
FROM (VALUES ('v=1 key=text window_us=0 contacts=0 pairs='::ccr.fcr_summary)) v(e);
SELECT ccr.total(ccr.rollup(x)) AS two_empty_states
FROM (VALUES ('v=1 key=text window_us=0 contacts=0 pairs='::ccr.fcr_summary),
			 ('v=1 key=text window_us=0 contacts=0 pairs='::ccr.fcr_summary)) v(x);
SELECT ccr.total(ccr.fcr_summary_combine(a.s, b.s)) =
		(SELECT count(*) FROM regress.fcr
		 WHERE cust IS NOT NULL AND at IS NOT NULL
		   AND ((at AT TIME ZONE 'UTC')::date, queue) IN ((date '2026-01-05', 1), (date '2026-01-06', 2))) AS direct_combine,
	   ccr.fcr_summary_combine(a.s, NULL)::text = a.s::text AS combine_null_right,
	   ccr.fcr_summary_combine(NULL, b.s)::text = b.s::text AS combine_null_left,
	   ccr.fcr_summary_combine(NULL, NULL) IS NULL AS combine_nulls
FROM regress.fcr_daily a, regress.fcr_daily b
WHERE a.day = '2026-01-05' AND a.queue = 1 AND b.day = '2026-01-06' AND b.queue = 2;

-- Mixing windows or key types is an error.
SELECT regress.err($$SELECT ccr.rollup(x) FROM (SELECT s FROM regress.fcr_daily UNION ALL SELECT s30 FROM regress.fcr_daily) v(x)$$);
SELECT regress.err($$SELECT ccr.rollup(x) FROM (SELECT s FROM regress.fcr_daily UNION ALL SELECT st FROM regress.fcr_daily) v(x)$$);

-- Malformed text is rejected (never a crash); the detail says why.
CREATE FUNCTION regress.fcr_err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || coalesce(nullif(d, ''), SQLERRM);
END $$;
SELECT v, regress.fcr_err(format('SELECT %L::ccr.fcr_summary', v))
FROM (VALUES (''), ('garbage'),
			 ('v=2 key=bigint window_us=0 contacts=0 pairs='),
			 ('v=1 key=int window_us=0 contacts=0 pairs='),
			 ('v=1  key=bigint window_us=0 contacts=0 pairs='),
			 ('v=1 key=bigint window_us=-5 contacts=0 pairs='),
			 ('v=1 key=bigint window_us=99999999999999999999 contacts=0 pairs='),
			 ('v=1 key=bigint window_us=0 contacts=-1 pairs='),
			 ('v=1 key=bigint window_us=0 contacts=99999999999 pairs='),
			 ('v=1 key=bigint window_us=0 contacts=1 pairs='),
			 ('v=1 key=bigint window_us=0 contacts=0 pairs= '),
			 ('v=1 key=bigint window_us=0 contacts=0'),
			 ('v=1 key=bigint window_us=x contacts=0 pairs='),
			 ('v=1 key=bigint window_us=0 contacts=1 pairs=!!!!!!!!!!!!!!!!!!!!!!!!'),
			 ('v=1 key=bigint window_us=0 contacts=1 pairs=AAAAAAAAAAEAAupHCuhgAA')) t(v);
-- a contact at infinity (or any timestamp out of range) is not a valid summary
SELECT regress.fcr_err($$SELECT ('v=1 key=bigint window_us=0 contacts=1 pairs=' ||
	encode(int8send(1) || int8send(9223372036854775807), 'base64'))::ccr.fcr_summary$$);
