\set ECHO none
-- Business calendars, the independent business-time reference
-- regress.ref_business() and the spans regress.spans, for 41_business_time
-- and 43_business_add.  Expects a reset model (regress.reset_model()); the
-- rows are generated with regress.rand, so both files see the same ones.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION regress.tz_off(t timestamptz, tz text) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT extract(epoch FROM (t AT TIME ZONE tz) - (t AT TIME ZONE 'UTC'))::float8
$$;

CREATE OR REPLACE FUNCTION regress.ref_business(s timestamptz, f timestamptz, cal text) RETURNS float8
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

-- Holidays: generated dates plus, for some calendars, the DST change dates.
INSERT INTO ccr.calendar_holidays (calendar, day)
SELECT DISTINCT c, date '2024-01-01' + round(regress.rand(4101, ci * 1000 + g) * 1800)::int
FROM unnest(ARRAY['r_ny_office', 'r_hel_split', 'r_ny_night', 'r_hel_night', 'r_utc_odd']) WITH ORDINALITY u(c, ci),
	 generate_series(1, 40) g
UNION
SELECT 'r_ny_office', d FROM unnest(ARRAY[date '2025-03-09', '2025-11-02']) d
UNION
SELECT 'r_hel_night', d FROM unnest(ARRAY[date '2027-03-28', '2027-10-31']) d;

-- Spans from minutes to years, starting at generated instants with microseconds,
-- plus spans that start or end exactly at DST changes and at opening times.
DROP TABLE IF EXISTS regress.spans;
CREATE TABLE regress.spans AS
SELECT c AS calendar, s, s + len AS f, kind
FROM (
	SELECT c, timestamptz '2024-01-01 00:00+00' + regress.rand(4102, ci * 1000 + g) * interval '1700 days' AS s,
		   regress.rand(4103, ci * 1000 + g) * CASE WHEN g % 10 < 4 THEN interval '3 hours'
													WHEN g % 10 < 7 THEN interval '6 days'
													WHEN g % 10 < 9 THEN interval '120 days'
													ELSE interval '900 days' END AS len,
		   CASE WHEN g % 10 < 4 THEN 'minutes' WHEN g % 10 < 7 THEN 'days'
				WHEN g % 10 < 9 THEN 'months' ELSE 'years' END AS kind
	FROM unnest(ARRAY['r_ny_office', 'r_hel_split', 'r_ny_night', 'r_hel_night', 'r_utc_odd',
					  'r_ny_247', 'default']) WITH ORDINALITY u(c, ci),
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

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all
