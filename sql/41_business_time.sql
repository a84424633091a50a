-- ccr.business_seconds against an independent day-by-day SQL reference.
--
-- The reference walks the local dates of the span; for each date that is not
-- a holiday and each row of its opening hours it takes the instants whose
-- local wall-clock time lies within [opens, closes) of that date.  Within a
-- stretch of constant UTC offset those are [date + opens - offset,
-- date + closes - offset); on a date where the offset changes, the change
-- instant is found by sampling the offset (AT TIME ZONE) every 15 minutes
-- and the date is cut in two stretches.  (Test calendars have no
-- overlapping rows on a day, so the rows need no merging here.)
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

-- the calendars, the reference and the spans (shared with 43_business_add)
\i :abs_srcdir/test/regress/business_calendars.sql
SELECT kind, count(*) FROM regress.spans GROUP BY kind ORDER BY kind;

-- every span equals the reference, to the microsecond
CREATE TABLE regress.span_results AS
SELECT *, ccr.business_seconds(s, f, calendar) AS got, regress.ref_business(s, f, calendar) AS want
FROM regress.spans;
SELECT calendar, count(*) AS spans, count(*) FILTER (WHERE got <> want) AS mismatches,
	   count(*) FILTER (WHERE want > 0) AS nonzero
FROM regress.span_results GROUP BY calendar ORDER BY calendar;
SELECT s, f, calendar, got, want FROM regress.span_results WHERE got <> want LIMIT 5;

-- reversed spans give the same magnitude, negative
SELECT count(*) FILTER (WHERE ccr.business_seconds(f, s, calendar) <> -ccr.business_seconds(s, f, calendar)) AS reversed_mismatches
FROM regress.spans;

-- a 24/7 calendar is exactly calendar time, on DST days too, in any zone
SELECT count(*) FILTER (WHERE ccr.business_seconds(s, f, c) <> extract(epoch FROM f - s)::float8) AS mismatches_247
FROM regress.spans, unnest(ARRAY['r_ny_247', 'default']) c;

-- never open: zero
SELECT count(*) FILTER (WHERE ccr.business_seconds(s, f, 'r_never') <> 0) AS never_nonzero FROM regress.spans;

-- additivity over a cut anywhere, including far outside 1800..2400
-- (compared in whole microseconds: the float8 sum of two parts may round)
CREATE FUNCTION regress.bus_us(s timestamptz, f timestamptz, c text) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT round(ccr.business_seconds(s, f, c) * 1e6)::bigint $$;
SELECT count(*) FILTER (WHERE regress.bus_us(s, f, calendar)
						<> regress.bus_us(s, m, calendar) + regress.bus_us(m, f, calendar)) AS not_additive
FROM (SELECT *, s + (f - s) * regress.rand(4104, calendar || extract(epoch FROM s) || kind) AS m FROM regress.spans) x;
SELECT regress.bus_us(a, b, c) = regress.bus_us(a, m, c) + regress.bus_us(m, b, c) AS additive_far,
	   ccr.business_seconds(a, b, 'r_ny_247') = extract(epoch FROM b - a)::float8 AS exact_247_far
FROM (VALUES (timestamptz '1700-03-01 12:00+00', timestamptz '2600-07-01 00:00+00', timestamptz '2100-11-07 06:30+00')) v(a, b, m),
	 unnest(ARRAY['r_ny_office', 'r_hel_night', 'r_ny_wide']) c;
-- whole years: 52 or 53 weeks of the template less the holidays
SELECT ccr.business_seconds('2025-01-01 00:00 America/New_York', '2026-01-01 00:00 America/New_York', 'r_ny_office')
	   = 3600 * 8 * (SELECT count(*) FROM generate_series(date '2025-01-01', '2025-12-31', '1 day') d
					 WHERE extract(isodow FROM d) <= 5
					   AND d::date NOT IN (SELECT day FROM ccr.calendar_holidays WHERE calendar = 'r_ny_office')) AS year_ok;

-- NULLs and bad parameters
SELECT ccr.business_seconds(NULL, now(), 'default') IS NULL AS null_start,
	   ccr.business_seconds(now(), NULL, 'default') IS NULL AS null_finish,
	   ccr.business_seconds(now(), now(), 'default') = 0 AS empty_span;
SELECT regress.err($$SELECT ccr.business_seconds(now(), now(), 'no such calendar')$$);
SELECT regress.err($$SELECT ccr.business_seconds(now(), now(), NULL)$$);
SELECT regress.err($$SELECT ccr.business_seconds(now(), 'infinity', 'default')$$);
SELECT regress.err($$SELECT ccr.business_seconds('-infinity', now(), 'default')$$);
