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
CREATE FUNCTION regress.tz_off(t timestamptz, tz text) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT extract(epoch FROM (t AT TIME ZONE tz) - (t AT TIME ZONE 'UTC'))::float8
$$;

CREATE FUNCTION regress.ref_business(s timestamptz, f timestamptz, cal text) RETURNS float8
LANGUAGE sql STABLE AS $$
WITH c AS (SELECT timezone AS tz FROM ccr.calendars WHERE name = cal),
d AS (
	SELECT day, c.tz,
		   regress.tz_off(day::timestamp AT TIME ZONE c.tz, c.tz) AS off_a,
		   regress.tz_off((day + 1)::timestamp AT TIME ZONE c.tz, c.tz) AS off_b,
		   day::timestamp AT TIME ZONE c.tz AS t_a,
		   (day + 1)::timestamp AT TIME ZONE c.tz AS t_b
	FROM c, generate_series(0, (f AT TIME ZONE c.tz)::date - (s AT TIME ZONE c.tz)::date + 2) i,
		 LATERAL (SELECT (s AT TIME ZONE c.tz)::date - 1 + i AS day) x
	WHERE NOT EXISTS (SELECT 1 FROM ccr.calendar_holidays h WHERE h.calendar = cal AND h.day = x.day)
),
d2 AS (
	SELECT d.*, CASE WHEN d.off_a <> d.off_b THEN
			(SELECT min(q) FROM generate_series(d.t_a - interval '2 hours', d.t_b + interval '2 hours',
												interval '15 minutes') q
			 WHERE regress.tz_off(q, d.tz) = d.off_b) END AS tr
	FROM d
),
seg AS (
	SELECT day, off_a AS off, timestamptz '-infinity' AS lo,
		   CASE WHEN off_a = off_b THEN timestamptz 'infinity' ELSE tr END AS hi
	FROM d2
	UNION ALL
	SELECT day, off_b, tr, timestamptz 'infinity' FROM d2 WHERE off_a <> off_b
),
pieces AS (
	SELECT greatest(s, seg.lo, (seg.day + h.opens) AT TIME ZONE 'UTC' - seg.off * interval '1 second') AS a,
		   least(f, seg.hi, (seg.day + h.closes) AT TIME ZONE 'UTC' - seg.off * interval '1 second') AS b
	FROM seg JOIN ccr.calendar_hours h ON h.calendar = cal AND h.isodow = extract(isodow FROM seg.day)
)
SELECT coalesce(sum(extract(epoch FROM b - a)) FILTER (WHERE b > a), 0)::float8 FROM pieces
$$;

-- Calendars: office hours in New York, a split day with a Saturday in
-- Helsinki, night hours that straddle both DST changes in each zone, hours at
-- odd minutes and seconds in UTC, 24/7 in New York, one that is never open.
INSERT INTO ccr.calendars VALUES
	('r_ny_office', 'America/New_York'), ('r_hel_split', 'Europe/Helsinki'),
	('r_ny_night', 'America/New_York'), ('r_hel_night', 'Europe/Helsinki'),
	('r_utc_odd', 'UTC'), ('r_ny_247', 'America/New_York'), ('r_never', 'Asia/Tokyo');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
SELECT 'r_ny_office', d, time '09:00', time '17:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'r_hel_split', d, '08:00', '12:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'r_hel_split', d, '13:00', '17:30' FROM generate_series(1, 5) d
UNION ALL SELECT 'r_hel_split', 6, '10:00', '14:00'
UNION ALL SELECT 'r_ny_night', d, '00:30', '02:30' FROM generate_series(1, 7) d
UNION ALL SELECT 'r_ny_night', d, '22:00', '24:00' FROM generate_series(1, 7) d
UNION ALL SELECT 'r_ny_night', 7, '03:00', '06:15'
UNION ALL SELECT 'r_hel_night', d, '02:15', '04:45' FROM generate_series(1, 7) d
UNION ALL SELECT 'r_hel_night', d, '12:00', '12:30' FROM generate_series(1, 7, 2) d
UNION ALL SELECT 'r_utc_odd', d, '09:17:30.25', '11:45:10' FROM generate_series(1, 6) d
UNION ALL SELECT 'r_utc_odd', d, '13:00', '24:00' FROM generate_series(2, 7, 2) d
UNION ALL SELECT 'r_ny_247', d, '00:00', '24:00' FROM generate_series(1, 7) d;

-- Holidays: random dates plus, for some calendars, the DST change dates.
SELECT setseed(0.41);
INSERT INTO ccr.calendar_holidays (calendar, day)
SELECT DISTINCT c, date '2024-01-01' + (random() * 1800)::int
FROM unnest(ARRAY['r_ny_office', 'r_hel_split', 'r_ny_night', 'r_hel_night', 'r_utc_odd']) c,
	 generate_series(1, 40)
UNION
SELECT 'r_ny_office', d FROM unnest(ARRAY[date '2025-03-09', '2025-11-02']) d
UNION
SELECT 'r_hel_night', d FROM unnest(ARRAY[date '2027-03-28', '2027-10-31']) d;

-- Spans from minutes to years, starting at random instants with microseconds,
-- plus spans that start or end exactly at DST changes and at opening times.
CREATE TABLE regress.spans AS
SELECT c AS calendar, s, s + len AS f, kind
FROM (
	SELECT c, timestamptz '2024-01-01 00:00+00' + random() * interval '1700 days' AS s,
		   CASE WHEN g % 10 < 4 THEN random() * interval '3 hours'
				WHEN g % 10 < 7 THEN random() * interval '6 days'
				WHEN g % 10 < 9 THEN random() * interval '120 days'
				ELSE random() * interval '900 days' END AS len,
		   CASE WHEN g % 10 < 4 THEN 'minutes' WHEN g % 10 < 7 THEN 'days'
				WHEN g % 10 < 9 THEN 'months' ELSE 'years' END AS kind
	FROM unnest(ARRAY['r_ny_office', 'r_hel_split', 'r_ny_night', 'r_hel_night', 'r_utc_odd',
					  'r_ny_247', 'default']) c,
		 generate_series(1, 60) g
) x
UNION ALL
SELECT c, t + o1, t + o2, 'dst edge'
FROM unnest(ARRAY['r_ny_office', 'r_ny_night', 'r_ny_247']) c,
	 unnest(ARRAY[timestamptz '2026-03-08 07:00+00', '2026-11-01 06:00+00', '2025-03-09 07:00+00']) t,
	 unnest(ARRAY[interval '0', '-1 hour', '-30 minutes', '-1 day']) o1,
	 unnest(ARRAY[interval '0', '1 hour', '45 minutes', '2 days']) o2
UNION ALL
SELECT c, t + o1, t + o2, 'dst edge'
FROM unnest(ARRAY['r_hel_split', 'r_hel_night']) c,
	 unnest(ARRAY[timestamptz '2026-03-29 01:00+00', '2026-10-25 01:00+00', '2027-03-28 01:00+00']) t,
	 unnest(ARRAY[interval '0', '-1 hour', '-30 minutes', '-1 day']) o1,
	 unnest(ARRAY[interval '0', '1 hour', '45 minutes', '2 days']) o2
UNION ALL
SELECT 'r_hel_split', d + o1, d + o2, 'open edge'
FROM unnest(ARRAY[timestamptz '2026-06-01 08:00 Europe/Helsinki', '2026-06-05 17:30 Europe/Helsinki',
				  '2026-06-06 14:00 Europe/Helsinki']) d,
	 unnest(ARRAY[interval '0', '-1 microsecond', '1 microsecond']) o1,
	 unnest(ARRAY[interval '0', '1 microsecond', '4 hours', '1 week']) o2
	WHERE o2 >= o1;
-- the same office calendar with holidays over more than a century (kept as a
-- sorted list instead of a per-date table), on the same spans
INSERT INTO ccr.calendars VALUES ('r_ny_wide', 'America/New_York');
INSERT INTO ccr.calendar_hours SELECT 'r_ny_wide', isodow, opens, closes FROM ccr.calendar_hours WHERE calendar = 'r_ny_office';
INSERT INTO ccr.calendar_holidays
SELECT 'r_ny_wide', day FROM ccr.calendar_holidays WHERE calendar = 'r_ny_office'
UNION ALL VALUES ('r_ny_wide', date '1850-01-07'), ('r_ny_wide', date '2350-06-01');
INSERT INTO regress.spans SELECT 'r_ny_wide', s, f, kind FROM regress.spans WHERE calendar = 'r_ny_office';
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
FROM (SELECT *, s + (f - s) * random() AS m FROM regress.spans) x;
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
