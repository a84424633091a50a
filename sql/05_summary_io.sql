-- Summaries round-trip exactly through text and binary I/O and reject
-- malformed input with an error.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

CREATE TABLE regress.summaries AS
SELECT grp,
	   ccr.sl_agg(wait, answered, 20, 2.5) AS sl,
	   ccr.rate_agg(flag) AS rate,
	   ccr.aht_agg(talk, hold, acw) AS aht,
	   ccr.csat_agg(csat5, 5) AS csat,
	   ccr.nps_agg(nps) AS nps
FROM regress.calls WHERE grp <> 9 GROUP BY grp;

-- text: out -> in -> out is the identity, and accessors read the same numbers
SELECT bool_and(sl::text::ccr.sl_summary::text = sl::text) AS sl_text,
	   bool_and(ccr.service_level(sl::text::ccr.sl_summary) = ccr.service_level(sl)
				AND ccr.asa(sl::text::ccr.sl_summary) = ccr.asa(sl)) AS sl_values,
	   bool_and(rate::text::ccr.rate_summary::text = rate::text) AS rate_text,
	   bool_and(aht::text::ccr.aht_summary::text = aht::text) AS aht_text,
	   bool_and(csat::text::ccr.csat_summary::text = csat::text) AS csat_text,
	   bool_and(nps::text::ccr.nps_summary::text = nps::text) AS nps_text
FROM regress.summaries;

-- a non-integral threshold survives text I/O exactly
SELECT ccr.sl_agg(w, true, 0.1 + 0.2)::text FROM (VALUES (0.3::float8)) v(w);

-- binary: COPY out and back in (a file in pg_regress's results directory), then compare
\copy regress.summaries TO 'results/05_summaries.bin' (FORMAT binary)
CREATE TABLE regress.summaries_back (LIKE regress.summaries);
\copy regress.summaries_back FROM 'results/05_summaries.bin' (FORMAT binary)
SELECT count(*) AS rows_back,
	   bool_and(a.sl::text = b.sl::text AND a.rate::text = b.rate::text AND a.aht::text = b.aht::text
				AND a.csat::text = b.csat::text AND a.nps::text = b.nps::text) AS binary_identical
FROM regress.summaries a JOIN regress.summaries_back b USING (grp);
SELECT length(ccr.sl_summary_send(sl)) AS sl_send_bytes, length(ccr.rate_summary_send(rate)) AS rate_send_bytes
FROM regress.summaries WHERE grp = 0;

-- malformed text is rejected, never accepted or crashing
SELECT t, regress.err(format('SELECT %L::ccr.rate_summary', t)) FROM (VALUES
	('v=1 hits=2 total=3'),
	('  v=1   hits=2 total=3  '),
	(''),
	('v=1'),
	('v=2 hits=2 total=3'),
	('v=1 hits=4 total=3'),
	('v=1 hits=-1 total=3'),
	('v=1 total=3 hits=2'),
	('v=1 hits=2 total=3 extra=1'),
	('v=1 hits=2 total=3 x'),
	('v=1 hits=2x total=3'),
	('v=1 hits= total=3'),
	('v=1 hits=99999999999999999999 total=3'),
	('v=1 hits=+2 total=3'),
	('hits=2 total=3')
) v(t);

SELECT t, regress.err(format('SELECT %L::ccr.sl_summary', t)) FROM (VALUES
	('v=1 threshold=20 short_abandon=0 policy=negative answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=-20 short_abandon=0 policy=negative answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=NaN short_abandon=0 policy=negative answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=20 short_abandon=0 policy=sometimes answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=20 short_abandon=0 policy=negative answered=3 answered_within=4 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=20 short_abandon=0 policy=negative answered=0 answered_within=0 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=20 short_abandon=0 policy=negative answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=4 answered_wait_us=5 abandoned_wait_us=7'),
	('v=1 threshold=20x short_abandon=0 policy=negative answered=3 answered_within=2 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=5 abandoned_wait_us=7')
) v(t);

-- a value of one family is not accepted as another
SELECT regress.err($$SELECT 'v=1 responses=2 satisfied=1'::ccr.nps_summary$$) AS csat_as_nps;
-- sums near the int64 limit: combining them is an error, not a wrap-around
SELECT regress.err($$SELECT ccr.rollup(s) FROM (VALUES ('v=1 handled=1 talk_us=9223372036854775000 hold_us=0 acw_us=0'::ccr.aht_summary),
															 ('v=1 handled=1 talk_us=9223372036854775000 hold_us=0 acw_us=0')) v(s)$$) AS overflow;
