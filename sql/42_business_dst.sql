-- Business time across both daylight-saving changes of 2026, worked by hand.
-- New York: 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC); 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC).
-- Helsinki: 2026-03-29 03:00 EET -> 04:00 EEST (01:00 UTC); 2026-10-25 04:00 EEST -> 03:00 EET (01:00 UTC).
-- Rule: an instant is open when the local wall clock shows a time within the
-- hours of that local date; a local hour that happens twice is open both times.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

INSERT INTO ccr.calendars VALUES
	('h_ny', 'America/New_York'), ('h_ny_gap', 'America/New_York'), ('h_ny_fold', 'America/New_York'),
	('h_hel', 'Europe/Helsinki'), ('h_hel_office', 'Europe/Helsinki'),
	('h_ny_247', 'America/New_York'), ('h_hel_247', 'Europe/Helsinki');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes) VALUES
	('h_ny', 7, '01:00', '04:00'),
	('h_ny_gap', 7, '02:30', '05:00'),		-- opens inside the spring-forward gap
	('h_ny_fold', 7, '01:30', '05:00'),		-- opens inside the repeated hour
	('h_hel', 7, '02:00', '05:00');
INSERT INTO ccr.calendar_hours (calendar, isodow, opens, closes)
SELECT 'h_ny', d, time '09:00', time '17:00' FROM generate_series(1, 5) d
UNION ALL SELECT 'h_hel_office', d, '08:00', '16:00' FROM generate_series(1, 5) d
UNION ALL SELECT c, d, '00:00', '24:00' FROM unnest(ARRAY['h_ny_247', 'h_hel_247']) c, generate_series(1, 7) d;

SELECT label, got, want, got = want AS ok
FROM (VALUES
	('NY spring Sunday 01-04: 01-02 EST + 03-04 EDT',
	 ccr.business_seconds('2026-03-08 00:00-05', '2026-03-09 00:00-04', 'h_ny'), 7200),
	('NY fall Sunday 01-04: 01-02 EDT + 01-04 EST',
	 ccr.business_seconds('2026-11-01 00:00-04', '2026-11-02 00:00-05', 'h_ny'), 14400),
	('NY Fri 16:00 EST -> Mon 10:00 EDT: 1 h + 2 h + 1 h',
	 ccr.business_seconds('2026-03-06 16:00-05', '2026-03-09 10:00-04', 'h_ny'), 14400),
	('NY Mon after spring: 09:00 is 09:00 EDT',
	 ccr.business_seconds('2026-03-09 12:00+00', '2026-03-09 13:00+00', 'h_ny'), 0),
	('NY Mon after spring: 09:00-10:00 EDT open',
	 ccr.business_seconds('2026-03-09 13:00+00', '2026-03-09 14:00+00', 'h_ny'), 3600),
	('NY Fri 16:00 EDT -> Mon 10:00 EST across fall: 1 h + 4 h + 1 h',
	 ccr.business_seconds('2026-10-30 16:00-04', '2026-11-02 10:00-05', 'h_ny'), 21600),
	('NY gap: 02:30-05:00 opens when the clock jumps to 03:00 EDT',
	 ccr.business_seconds('2026-03-08 00:00-05', '2026-03-09 00:00-04', 'h_ny_gap'), 7200),
	('NY gap: open in the first half hour after the jump',
	 ccr.business_seconds('2026-03-08 07:00+00', '2026-03-08 07:30+00', 'h_ny_gap'), 1800),
	('NY gap: closed just before the jump',
	 ccr.business_seconds('2026-03-08 06:00+00', '2026-03-08 07:00+00', 'h_ny_gap'), 0),
	('NY fold: 01:30-05:00 is 01:30-02:00 EDT + 01:30-05:00 EST',
	 ccr.business_seconds('2026-11-01 00:00-04', '2026-11-02 00:00-05', 'h_ny_fold'), 14400),
	('NY fold: 01:30-02:00 EDT open',
	 ccr.business_seconds('2026-11-01 05:30+00', '2026-11-01 06:00+00', 'h_ny_fold'), 1800),
	('NY fold: 01:00-01:30 EST (second pass) closed',
	 ccr.business_seconds('2026-11-01 06:00+00', '2026-11-01 06:30+00', 'h_ny_fold'), 0),
	('Helsinki spring Sunday 02-05: 02-03 EET + 04-05 EEST',
	 ccr.business_seconds('2026-03-29 00:00+02', '2026-03-30 00:00+03', 'h_hel'), 7200),
	('Helsinki fall Sunday 02-05: 02-04 EEST + 03-05 EET',
	 ccr.business_seconds('2026-10-25 00:00+03', '2026-10-26 00:00+02', 'h_hel'), 14400),
	('Helsinki Fri 15:00 EET -> Mon 09:00 EEST (08-16)',
	 ccr.business_seconds('2026-03-27 15:00+02', '2026-03-30 09:00+03', 'h_hel_office'), 7200),
	('Helsinki Fri 15:00 EEST -> Mon 09:00 EET (08-16)',
	 ccr.business_seconds('2026-10-23 15:00+03', '2026-10-26 09:00+02', 'h_hel_office'), 7200),
	('NY 24/7 spring day is 23 h',
	 ccr.business_seconds('2026-03-08 00:00-05', '2026-03-09 00:00-04', 'h_ny_247'), 82800),
	('NY 24/7 fall day is 25 h',
	 ccr.business_seconds('2026-11-01 00:00-04', '2026-11-02 00:00-05', 'h_ny_247'), 90000),
	('Helsinki 24/7 spring day is 23 h',
	 ccr.business_seconds('2026-03-29 00:00+02', '2026-03-30 00:00+03', 'h_hel_247'), 82800),
	('Helsinki 24/7 fall day is 25 h',
	 ccr.business_seconds('2026-10-25 00:00+03', '2026-10-26 00:00+02', 'h_hel_247'), 90000),
	('NY 24/7 over the fall hour only',
	 ccr.business_seconds('2026-11-01 05:30+00', '2026-11-01 06:30+00', 'h_ny_247'), 3600),
	('reversed span is negative',
	 ccr.business_seconds('2026-03-09 10:00-04', '2026-03-06 16:00-05', 'h_ny'), -14400)
) v(label, got, want);

-- SLA due times across the changes
SELECT label, got, want, got = want AS ok
FROM (VALUES
	('NY Fri 16:30 EST + 2 h: Fri 0.5 h, Sun 01-02 EST and 03:00-03:30 EDT',
	 ccr.business_add('2026-03-06 16:30-05', 2 * 3600, 'h_ny'), timestamptz '2026-03-08 03:30-04'),
	('NY Fri 16:30 EST + 3 h: Sunday has only 2 h, ends Mon 09:30 EDT',
	 ccr.business_add('2026-03-06 16:30-05', 3 * 3600, 'h_ny'), timestamptz '2026-03-09 09:30-04'),
	('NY Fri 16:30 EST + 4 h: ends Mon 10:30 EDT',
	 ccr.business_add('2026-03-06 16:30-05', 4 * 3600, 'h_ny'), timestamptz '2026-03-09 10:30-04'),
	('NY Mon 10:00 EDT - 2 h: back to the jump 03:00 EDT',
	 ccr.business_add('2026-03-09 10:00-04', -2 * 3600, 'h_ny'), timestamptz '2026-03-08 03:00-04'),
	('NY Mon 10:00 EDT - 2.5 h: Sun 01:30 EST',
	 ccr.business_add('2026-03-09 10:00-04', -2.5 * 3600, 'h_ny'), timestamptz '2026-03-08 01:30-05'),
	('NY Sun 01:00 EDT + 1 h: 02:00 EDT = 01:00 EST',
	 ccr.business_add('2026-11-01 01:00-04', 3600, 'h_ny'), timestamptz '2026-11-01 01:00-05'),
	('NY Sun 01:00 EDT + 4 h: Sun 04:00 EST',
	 ccr.business_add('2026-11-01 01:00-04', 4 * 3600, 'h_ny'), timestamptz '2026-11-01 04:00-05'),
	('NY Sun 01:00 EDT + 4 h + 1 s: Mon 09:00:01 EST',
	 ccr.business_add('2026-11-01 01:00-04', 4 * 3600 + 1, 'h_ny'), timestamptz '2026-11-02 09:00:01-05'),
	('NY gap + 60 s from 01:00 EST: 03:01 EDT',
	 ccr.business_add('2026-03-08 01:00-05', 60, 'h_ny_gap'), timestamptz '2026-03-08 03:01-04'),
	('Helsinki Sat 12:00 EEST + 4 h: Sun 02-04 EEST then 03-05 EET',
	 ccr.business_add('2026-10-24 12:00+03', 4 * 3600, 'h_hel'), timestamptz '2026-10-25 05:00+02'),
	('Helsinki Fri 15:00 EET + 2 h: Mon 09:00 EEST',
	 ccr.business_add('2026-03-27 15:00+02', 2 * 3600, 'h_hel_office'), timestamptz '2026-03-30 09:00+03'),
	('Helsinki Fri 15:00 EET + 1 h: Fri 16:00 (the close, not Monday 08:00)',
	 ccr.business_add('2026-03-27 15:00+02', 3600, 'h_hel_office'), timestamptz '2026-03-27 16:00+02'),
	('Helsinki Mon 09:00 EEST - 1 h: Mon 08:00 (the opening, not Friday 16:00)',
	 ccr.business_add('2026-03-30 09:00+03', -3600, 'h_hel_office'), timestamptz '2026-03-30 08:00+03')
) v(label, got, want);
