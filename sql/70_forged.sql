-- Hardening: support functions called with forged states and impossible
-- summaries raise errors (with a user-facing SQLSTATE), never crash.
-- Inputs found by the fuzzer (test/fuzz/) are kept here as regressions.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

-- transition and inverse functions called outside an aggregate
SELECT regress.err($$SELECT ccr.rate_trans(NULL, true)$$);
SELECT regress.err($$SELECT ccr.rate_inv('v=1 hits=1 total=1', true)$$);
SELECT regress.err($$SELECT ccr.rate_trans('v=1 hits=1 total=1'::ccr.rate_summary, 3)$$);
SELECT regress.err($$SELECT ccr.sl_trans(NULL, 3.0, true, 20.0)$$);
SELECT regress.err($$SELECT ccr.sl_inv('v=1 threshold=20 short_abandon=0 policy=negative answered=1 answered_within=1 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=3 abandoned_wait_us=0', 3.0, true, 20.0)$$);
SELECT regress.err($$SELECT ccr.aht_trans(NULL, 1.0, 2.0, 3.0)$$);
SELECT regress.err($$SELECT ccr.csat_trans(NULL, 4, 5)$$);
SELECT regress.err($$SELECT ccr.nps_inv(NULL, 9)$$);
-- a NULL row passes the state through untouched, even outside an aggregate
SELECT ccr.rate_trans('v=1 hits=1 total=2', NULL::boolean)::text AS passthrough;

-- impossible counts and malformed values through text input
SELECT regress.err($$SELECT 'v=1 hits=3 total=2'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=1 hits=-1 total=2'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=2 hits=1 total=2'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=1 total=2 hits=1'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=1 hits=1 total=2 total=2'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=1 hits=1 total=99999999999999999999'::ccr.rate_summary$$);
SELECT regress.err($$SELECT 'v=1 hits=1 total=2'::ccr.csat_summary$$);
SELECT regress.err($$SELECT 'v=1 responses=5 promoters=4 detractors=2'::ccr.nps_summary$$);
SELECT regress.err($$SELECT 'v=1 responses=2 satisfied=3'::ccr.csat_summary$$);
SELECT regress.err($$SELECT 'v=1 handled=0 talk_us=5 hold_us=0 acw_us=0'::ccr.aht_summary$$);
SELECT regress.err($$SELECT 'v=1 threshold=NaN short_abandon=0 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary$$);
SELECT regress.err($$SELECT 'v=1 threshold=20 short_abandon=-1 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary$$);
SELECT regress.err($$SELECT 'v=1 threshold=20 short_abandon=0 policy=sometimes answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary$$);
SELECT regress.err($$SELECT 'v=1 threshold=20 short_abandon=0 policy=negative answered=1 answered_within=2 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary$$);
SELECT regress.err($$SELECT 'v=1 threshold=20 short_abandon=0 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=4 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary$$);

-- fuzzer finds: counts whose sum overflows inside an accessor (aht(s)
-- added talk+hold+acw, offered(s) answered+abandoned) are rejected on input
SELECT regress.err($$SELECT ccr.aht('v=1 handled=1 talk_us=5764607535221772016 hold_us=5764607523034234880 acw_us=0'::ccr.aht_summary)$$);
SELECT regress.err($$SELECT ccr.offered('v=1 threshold=20 short_abandon=0 policy=negative answered=9223372036854775807 answered_within=0 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary)$$);
-- the largest sums that fit are still fine
SELECT ccr.handled('v=1 handled=1 talk_us=9223372036854775805 hold_us=1 acw_us=1') AS max_aht_ok;
SELECT ccr.offered('v=1 threshold=20 short_abandon=0 policy=negative answered=9223372036854775806 answered_within=0 abandoned=1 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0') AS max_offered_ok;

-- combine and subtract called directly: overflow, mismatched parameters,
-- subtracting what was never added
SELECT regress.err($$SELECT ccr.rate_summary_combine('v=1 hits=9223372036854775807 total=9223372036854775807', 'v=1 hits=1 total=1')$$);
SELECT regress.err($$SELECT ccr.aht_summary_combine('v=1 handled=1 talk_us=9223372036854775000 hold_us=0 acw_us=0', 'v=1 handled=1 talk_us=0 hold_us=0 acw_us=900')$$);
SELECT regress.err($$SELECT ccr.rate_summary_subtract('v=1 hits=1 total=2', 'v=1 hits=2 total=2')$$);
SELECT regress.err($$SELECT ccr.rate_summary_subtract('v=1 hits=1 total=2', 'v=1 hits=0 total=2')$$);
SELECT regress.err($$SELECT ccr.sl_summary_combine(
	'v=1 threshold=20 short_abandon=0 policy=negative answered=1 answered_within=1 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=1 abandoned_wait_us=0',
	'v=1 threshold=30 short_abandon=0 policy=negative answered=1 answered_within=1 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=1 abandoned_wait_us=0')$$);
SELECT regress.err($$SELECT ccr.sl_summary_combine(
	'v=1 threshold=20 short_abandon=0 policy=negative answered=1 answered_within=1 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=1 abandoned_wait_us=0',
	'v=1 threshold=20 short_abandon=0 policy=answered answered=1 answered_within=1 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=1 abandoned_wait_us=0')$$);
-- called directly, combine leaves both inputs as they were
WITH v(a, b) AS (SELECT 'v=1 hits=1 total=2'::ccr.rate_summary, 'v=1 hits=2 total=3'::ccr.rate_summary)
SELECT ccr.rate_summary_combine(a, b)::text AS sum, a::text AS a_after, b::text AS b_after FROM v;

-- user-defined aggregates built from the extension's support functions
-- can make invalid states (an inverse used as the transition): every
-- reader rejects them, nothing crashes, and stored copies stay unreadable
CREATE AGGREGATE regress.forge_rate(boolean) (
	SFUNC = ccr.rate_inv, STYPE = ccr.rate_summary, INITCOND = 'v=1 hits=0 total=0');
CREATE AGGREGATE regress.forge_rate_empty(boolean) (SFUNC = ccr.rate_inv, STYPE = ccr.rate_summary);
CREATE AGGREGATE regress.forge_sl(double precision, boolean, double precision) (
	SFUNC = ccr.sl_inv, STYPE = ccr.sl_summary,
	INITCOND = 'v=1 threshold=20 short_abandon=0 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0');
CREATE AGGREGATE regress.forge_aht(double precision, double precision, double precision) (
	SFUNC = ccr.aht_inv, STYPE = ccr.aht_summary, INITCOND = 'v=1 handled=0 talk_us=0 hold_us=0 acw_us=0');
CREATE TABLE regress.forged AS
SELECT regress.forge_rate(flag) AS r, regress.forge_sl(wait, answered, 20) AS s, regress.forge_aht(talk, hold, acw) AS a
FROM regress.calls WHERE id <= 100;
SELECT regress.err($$SELECT ccr.rate(r) FROM regress.forged$$);
SELECT regress.err($$SELECT r::text FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.rate_summary_send(r) FROM regress.forged$$);
-- (rollup of one row passes the value through as PostgreSQL does; reading it fails)
SELECT regress.err($$SELECT ccr.rollup(r)::text FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.rollup(r) FROM regress.forged, generate_series(1, 2)$$);
SELECT regress.err($$SELECT ccr.rate_summary_combine(r, 'v=1 hits=5 total=5') FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.service_level(s) FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.asa(s) FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.service_level(s, 'ignore') FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.rollup(s) FROM regress.forged, generate_series(1, 2)$$);
SELECT regress.err($$SELECT ccr.aht(a) FROM regress.forged$$);
SELECT regress.err($$SELECT ccr.aht(ccr.rollup(a) OVER (ORDER BY 1)) FROM regress.forged$$);
SELECT regress.err($$SELECT regress.forge_rate_empty(flag) FROM regress.calls WHERE id <= 3$$);
-- the same for CES and QA (were internal errors, XX000)
CREATE AGGREGATE regress.forge_ces_empty(integer, integer) (SFUNC = ccr.ces_inv, STYPE = ccr.ces_summary);
CREATE AGGREGATE regress.forge_qa_empty(double precision, double precision, boolean) (
	SFUNC = ccr.qa_inv, STYPE = ccr.qa_summary);
SELECT regress.err($$SELECT regress.forge_ces_empty(3, 5) FROM generate_series(1, 3)$$);
SELECT regress.err($$SELECT regress.forge_qa_empty(1, 2, false) FROM generate_series(1, 3)$$);
SELECT regress.err($$SELECT ccr.qa_trans(NULL, 1, 2, false)$$);
-- a parameter changing between rows of one aggregate
CREATE AGGREGATE regress.sl_from(double precision, boolean, double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	INITCOND = 'v=1 threshold=5 short_abandon=0 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0');
SELECT regress.err($$SELECT regress.sl_from(wait, answered, 20) FROM regress.calls$$);
SELECT regress.err($$SELECT ccr.service_level(wait, answered, id::float8) FROM regress.calls WHERE wait IS NOT NULL$$);
-- a valid initial state is accepted and counted on
CREATE AGGREGATE regress.sl_from7(double precision, boolean, double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	INITCOND = 'v=1 threshold=20 short_abandon=0 policy=negative answered=7 answered_within=7 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=7 abandoned_wait_us=0');
SELECT ccr.answered(regress.sl_from7(wait, answered, 20)) = 7 + count(*) FILTER (WHERE answered AND wait IS NOT NULL) AS initcond_counted
FROM regress.calls;

-- fuzzer find: combining two valid backlog summaries whose running number
-- of open items overflows returned a summary no reader accepts; now 22003
SELECT regress.err($$WITH v AS (SELECT 'v=1 since=2026-01-01T00:00:00+00:00 until=2026-01-02T00:00:00+00:00 end=2026-01-02T00:00:00+00:00 step_us=3600000000 step_days=0 step_months=0 base=0 buckets=24 opened=3,0,0,0,0,0,0,0,0,0,0,0,0,4395513236313604096,315814923869356032,0,0,0,0,0,0,0,0,0 closed=1,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0 exact=0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0'::ccr.backlog_summary AS s)
	SELECT ccr.backlog_summary_combine(s, s) FROM v$$);
