-- Business time: ccr.business_seconds against calendar time (the floor: the
-- same scan with sum(extract(epoch FROM finish - start))) and against the
-- day-by-day SQL a user would otherwise write (one row per local date of the
-- span joined with the opening hours, intersected with AT TIME ZONE).  The
-- day-by-day SQL is timed on a 10,000-span subset in the same round-robin
-- run and scaled per span (it is linear in spans).  Its cost grows with the
-- days in a span while business_seconds' does not, so two span mixes are
-- measured: reply-like (mean 3.5 days) and resolution-like (mean 14 days).
SET jit = off;
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.40);
DELETE FROM ccr.calendars WHERE name LIKE 'bench\_%';
INSERT INTO ccr.calendars VALUES ('bench_office', 'America/New_York'), ('bench_split', 'Europe/Helsinki');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
SELECT 'bench_office', d, time '09:00', time '17:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'bench_split', d, '08:00', '12:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'bench_split', d, '13:00', '17:30' FROM generate_series(1, 5) d
UNION ALL SELECT 'bench_split', 6, '10:00', '14:00';
-- ten weekday holidays a year, 2023..2028
INSERT INTO ccr.calendar_holidays (calendar, day)
SELECT DISTINCT c, d FROM unnest(ARRAY['bench_office', 'bench_split']) c,
	LATERAL (SELECT date '2023-01-02' + (y * 364 + k * 35) AS d FROM generate_series(0, 5) y, generate_series(0, 9) k) x;

-- Spans like ticket reply times (mean 3.5 days, a tail of two weeks) and like
-- resolution times (mean 14 days); starts over 2024..2026.
DROP TABLE IF EXISTS bench.spans, bench.spans_sub, bench.spans_long, bench.spans_long_sub;
CREATE TABLE bench.spans AS
SELECT s, s + random() * random() * interval '14 days' AS f,
	   (ARRAY['bench_office', 'bench_split', 'default'])[1 + g % 3] AS calendar, g
FROM (SELECT g, timestamptz '2024-01-01 00:00+00' + random() * interval '1095 days' AS s
	  FROM generate_series(1, least(:rows, 1000000)) g) a;
CREATE TABLE bench.spans_long AS
SELECT s, s + random() * random() * interval '56 days' AS f, g
FROM (SELECT g, timestamptz '2024-01-01 00:00+00' + random() * interval '1095 days' AS s
	  FROM generate_series(1, least(:rows, 1000000)) g) a;
CREATE TABLE bench.spans_sub AS SELECT * FROM bench.spans WHERE g <= 10000;
CREATE TABLE bench.spans_long_sub AS SELECT * FROM bench.spans_long WHERE g <= 10000;
VACUUM ANALYZE bench.spans, bench.spans_sub, bench.spans_long, bench.spans_long_sub;
SELECT 'reply-like' AS mix, count(*) AS spans, round(avg(extract(epoch FROM f - s) / 86400)::numeric, 2) AS mean_days
FROM bench.spans
UNION ALL
SELECT 'resolution-like', count(*), round(avg(extract(epoch FROM f - s) / 86400)::numeric, 2) FROM bench.spans_long;

-- The day-by-day SQL for calendar bench_office (time zone America/New_York).
CREATE OR REPLACE FUNCTION bench.day_by_day(tbl regclass) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE r float8;
BEGIN
	EXECUTE format($q$
		SELECT sum(extract(epoch FROM least(sp.f, (g.d + h.closes) AT TIME ZONE 'America/New_York')
								   - greatest(sp.s, (g.d + h.opens) AT TIME ZONE 'America/New_York')))
		FROM %s sp
		CROSS JOIN LATERAL generate_series((sp.s AT TIME ZONE 'America/New_York')::date::timestamp,
										   (sp.f AT TIME ZONE 'America/New_York')::date::timestamp,
										   interval '1 day') g(d)
		JOIN ccr.calendar_hours h ON h.calendar = 'bench_office' AND h.isodow = extract(isodow FROM g.d)
		WHERE NOT EXISTS (SELECT 1 FROM ccr.calendar_holidays x
						  WHERE x.calendar = 'bench_office' AND x.day = g.d::date)
		  AND least(sp.f, (g.d + h.closes) AT TIME ZONE 'America/New_York')
			  > greatest(sp.s, (g.d + h.opens) AT TIME ZONE 'America/New_York')$q$, tbl) INTO r;
	RETURN r;
END $$;
-- the day-by-day SQL agrees with business_seconds (office hours never touch
-- the hours of the DST changes, where AT TIME ZONE reads a local time its own way)
SELECT (SELECT abs(bench.day_by_day('bench.spans_sub') - sum(ccr.business_seconds(s, f, 'bench_office'))) < 1e-3
		FROM bench.spans_sub) AS same_answer_reply_like,
	   (SELECT abs(bench.day_by_day('bench.spans_long_sub') - sum(ccr.business_seconds(s, f, 'bench_office'))) < 1e-3
		FROM bench.spans_long_sub) AS same_answer_resolution_like;

CREATE TEMP TABLE bt AS
SELECT * FROM bench.compare('reply-like', ARRAY[
	'sum(extract(epoch FROM f - s))',
	'ccr.business_seconds(s, f, ''bench_office'')',
	'ccr.business_seconds(s, f, calendar) (3 calendars)',
	'ccr.business_add(s, 8 h, ''bench_office'')',
	'subset: day-by-day SQL'], ARRAY[
	'SELECT sum(extract(epoch FROM f - s)) FROM bench.spans',
	'SELECT sum(ccr.business_seconds(s, f, ''bench_office'')) FROM bench.spans',
	'SELECT sum(ccr.business_seconds(s, f, calendar)) FROM bench.spans',
	'SELECT max(ccr.business_add(s, 28800, ''bench_office'')) FROM bench.spans',
	'SELECT bench.day_by_day(''bench.spans_sub'')'], 5);
INSERT INTO bt
SELECT * FROM bench.compare('resolution-like', ARRAY[
	'sum(extract(epoch FROM f - s))',
	'ccr.business_seconds(s, f, ''bench_office'')',
	'subset: day-by-day SQL'], ARRAY[
	'SELECT sum(extract(epoch FROM f - s)) FROM bench.spans_long',
	'SELECT sum(ccr.business_seconds(s, f, ''bench_office'')) FROM bench.spans_long',
	'SELECT bench.day_by_day(''bench.spans_long_sub'')'], 5);
SELECT * FROM bt;

-- Per span: the day-by-day SQL's time on the 10,000-span subset scaled to the
-- full table; ratios by wall time and by the backend's CPU time (serial plans).
SELECT b.bench AS mix,
	   round((dd.best_ms / 10000 * n.spans)::numeric, 0) AS day_by_day_scaled_ms,
	   b.best_ms AS business_seconds_ms,
	   round((dd.best_ms / 10000) / (b.best_ms / n.spans), 1) AS times_faster_wall,
	   round((dd.cpu_ms / 10000) / (b.cpu_ms / n.spans), 1) AS times_faster_cpu,
	   b.ratio AS vs_calendar_time_wall, b.cpu_ratio AS vs_calendar_time_cpu
FROM bt dd JOIN bt b USING (bench), (SELECT count(*) AS spans FROM bench.spans) n
WHERE dd.variant = 'subset: day-by-day SQL' AND b.variant = 'ccr.business_seconds(s, f, ''bench_office'')'
ORDER BY 1 DESC;
DELETE FROM ccr.calendars WHERE name LIKE 'bench\_%';
DROP TABLE bench.spans, bench.spans_sub, bench.spans_long, bench.spans_long_sub;
