-- ccr.contacts: generated columns, constraints, dedup key, pg_dump
-- registration; ccr.timezone() / ccr.set_timezone().
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

-- The spec's columns, names and types, in order.
SELECT attnum, attname, format_type(atttypid, atttypmod) AS type, attnotnull,
	   attgenerated <> '' AS generated, attidentity <> '' AS identity
FROM pg_attribute WHERE attrelid = 'ccr.contacts'::regclass AND attnum > 0 AND NOT attisdropped
ORDER BY attnum;

-- Generated answered and wait_s against the timestamps, hand-worked.
INSERT INTO ccr.contacts (source, source_id, queue, offered_at, answered_at, ended_at, outcome, talk_s)
VALUES ('t', '1', 'q', '2026-03-01 10:00:00+00', '2026-03-01 10:00:12.5+00', '2026-03-01 10:05:00+00', 'answered', 287.5),
	   ('t', '2', 'q', '2026-03-01 10:00:00+00', NULL, '2026-03-01 10:01:30+00', 'abandoned', NULL),
	   ('t', '3', 'q', '2026-03-01 10:00:00+00', NULL, NULL, 'timeout', NULL),
	   -- across midnight and a DST change: wait is elapsed seconds
	   ('t', '4', 'q', '2026-03-29 00:59:00+00', '2026-03-29 01:01:00+00', '2026-03-29 01:02:00+00', 'answered', 60);
SELECT source_id, channel, answered, wait_s FROM ccr.contacts WHERE source = 't' ORDER BY source_id;

-- wait_s equals the plain epoch difference on generated data
INSERT INTO ccr.contacts (source, source_id, queue, offered_at, answered_at, ended_at, outcome)
SELECT 'gen', g::text, 'q' || (g % 3), o, CASE WHEN a THEN o + w END, o + w + e,
	   CASE WHEN a THEN 'answered' ELSE (ARRAY['abandoned','timeout','exit_key','exit_empty'])[1 + g % 4] END
FROM (SELECT g, timestamptz '2026-01-01' + g * interval '17 min' AS o, random() < 0.8 AS a,
			 make_interval(secs => round((random() * 300)::numeric, 6)::float8) AS w,
			 make_interval(secs => round((random() * 900)::numeric, 6)::float8) AS e
	  FROM generate_series(1, 2000) g) s;
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE wait_s IS DISTINCT FROM
		   extract(epoch FROM coalesce(answered_at, ended_at))::float8 - extract(epoch FROM offered_at)::float8
		   AND abs(wait_s - (extract(epoch FROM coalesce(answered_at, ended_at)) - extract(epoch FROM offered_at))) > 1e-6) AS wait_mismatch,
	   count(*) FILTER (WHERE answered IS DISTINCT FROM (answered_at IS NOT NULL)) AS answered_mismatch
FROM ccr.contacts WHERE source = 'gen';

-- Generated columns cannot be written.
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, wait_s) VALUES (now(), 'abandoned', 3)$$);
-- Negative durations and impossible rows are rejected with a named constraint.
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, answered_at, outcome) VALUES ('2026-03-01 10:00+00', '2026-03-01 09:59+00', 'answered')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, ended_at, outcome) VALUES ('2026-03-01 10:00+00', '2026-03-01 09:59+00', 'abandoned')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, answered_at, ended_at, outcome) VALUES ('2026-03-01 10:00+00', '2026-03-01 10:01+00', '2026-03-01 10:00:30+00', 'answered')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, talk_s) VALUES (now(), 'abandoned', -1)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, hold_s) VALUES (now(), 'abandoned', -0.5)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, acw_s) VALUES (now(), 'abandoned', -2)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome) VALUES (now(), 'hangup')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome) VALUES (now(), 'answered')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, answered_at, outcome) VALUES (now(), now(), 'abandoned')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (outcome) VALUES ('abandoned')$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at) VALUES (now())$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, channel) VALUES (now(), 'abandoned', NULL)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, csat_score, csat_scale) VALUES (now(), 'abandoned', 6, 5)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, csat_score) VALUES (now(), 'abandoned', 4)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (offered_at, outcome, nps_score) VALUES (now(), 'abandoned', 11)$$);
SELECT regress.err($$INSERT INTO ccr.contacts (contact_id, offered_at, outcome) VALUES (1, now(), 'abandoned')$$);

-- (source, source_id, queue, stint) is unique; re-loading updates; NULL source_id never conflicts.
SELECT regress.err($$INSERT INTO ccr.contacts (source, source_id, queue, offered_at, outcome) VALUES ('t', '1', 'q', now(), 'abandoned')$$);
INSERT INTO ccr.contacts (source, source_id, queue, offered_at, ended_at, outcome)
VALUES ('t', '2', 'q', '2026-03-01 10:00:00+00', '2026-03-01 10:02:00+00', 'abandoned'),
	   ('t', '2', 'other', '2026-03-01 10:00:00+00', '2026-03-01 10:00:10+00', 'abandoned')
ON CONFLICT (source, source_id, queue, stint) DO UPDATE SET ended_at = EXCLUDED.ended_at;
SELECT queue, wait_s FROM ccr.contacts WHERE source = 't' AND source_id = '2' ORDER BY queue;
INSERT INTO ccr.contacts (source, offered_at, outcome) VALUES ('t', now(), 'abandoned'), ('t', now(), 'abandoned');
SELECT count(*) AS null_source_id_rows FROM ccr.contacts WHERE source = 't' AND source_id IS NULL;

-- pg_dump keeps the rows of the contacts and settings tables and the identity sequence.
SELECT c.relname
FROM pg_extension e, unnest(e.extconfig) r(oid) JOIN pg_class c ON c.oid = r.oid
WHERE e.extname = 'ccr_metrics' AND c.relname IN ('contacts', 'contacts_contact_id_seq', 'settings')
ORDER BY 1;

-- Every column has a comment.
SELECT count(*) AS uncommented_columns
FROM pg_attribute WHERE attrelid = 'ccr.contacts'::regclass AND attnum > 0 AND NOT attisdropped
	AND col_description(attrelid, attnum) IS NULL;

-- Time zone setting: default UTC, validated, round trip.
SELECT ccr.timezone();
SELECT regress.err($$SELECT ccr.set_timezone('Mars/Olympus_Mons')$$);
SELECT regress.err($$SELECT ccr.set_timezone(NULL)$$);
SELECT regress.err($$SELECT ccr.set_timezone('')$$);
SELECT ccr.timezone();
SELECT ccr.set_timezone('America/New_York');
SELECT ccr.timezone();
SELECT ccr.set_timezone('Europe/Paris');
SELECT ccr.timezone(), (SELECT count(*) FROM ccr.settings WHERE name = 'timezone') AS rows;
SELECT ccr.set_timezone('UTC');

DELETE FROM ccr.contacts;
