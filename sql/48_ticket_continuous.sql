-- ccr.ticket_kpi_daily kept by key (0.3.0): after every change the view is
-- real time (equal to the 0.2.0 definition computed now), it reads the
-- stored rows only with ccr.set_kpi_realtime(false), and those equal the
-- 0.2.0 definition after a refresh; ccr.kpi_refresh_status shows the
-- pending keys.  The reference is the 0.2.0 query itself, as plain views of
-- this file (src/sql/0.2.0/86_ticket_views.sql, copied).  Days around the
-- start of daylight saving time in New York (2032-03-14).
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SELECT ccr.set_timezone('America/New_York');

-- a business calendar for some tickets: weekdays 09:00-17:00 New York time
INSERT INTO ccr.calendars VALUES ('v48-office', 'America/New_York');
INSERT INTO ccr.calendar_hours SELECT 'v48-office', d, '09:00', '17:00' FROM generate_series(1, 5) d;

-- The reference: the 0.2.0 materialized view's query and the 0.2.0 view
-- over it, as plain views (computed at every read).
CREATE VIEW regress.v48_ref_rollup AS
WITH p AS (SELECT ccr.timezone() AS tz),
solves AS (
	SELECT t.ticket_id, t.queue, t.channel,
		   CASE WHEN t.closed_at IS NOT NULL OR t.status IS NULL OR t.status IN ('solved', 'closed')
				THEN coalesce(t.solved_at, t.first_solved_at, t.closed_at) END AS solved_at
	FROM ccr.tickets t),
contact_counts AS (
	SELECT c.ticket_id,
		   count(*) AS contacts,
		   count(*) FILTER (WHERE c.csat_score >= c.csat_scale - 1) AS csat_hits,
		   count(*) FILTER (WHERE c.csat_score IS NOT NULL AND c.csat_scale IS NOT NULL) AS csat_responses
	FROM ccr.contacts c
	WHERE c.ticket_id IS NOT NULL
	GROUP BY c.ticket_id),
events AS (
	SELECT (m.created_at AT TIME ZONE p.tz)::date AS day, m.queue, m.channel, true AS is_created,
		   sv.solved_at IS NOT NULL AS is_solved,
		   m.first_reply_s, m.first_reply_business_s, m.full_resolution_s, m.full_resolution_business_s,
		   m.one_touch, m.reopens, m.agent_replies,
		   coalesce(cc.contacts, 0) AS contacts, coalesce(cc.csat_hits, 0) AS csat_hits,
		   coalesce(cc.csat_responses, 0) AS csat_responses
	FROM ccr.ticket_metrics m
		 JOIN solves sv ON sv.ticket_id = m.ticket_id
		 LEFT JOIN contact_counts cc ON cc.ticket_id = m.ticket_id
		 CROSS JOIN p
	UNION ALL
	SELECT (sv.solved_at AT TIME ZONE p.tz)::date, sv.queue, sv.channel, false, true,
		   NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0
	FROM solves sv CROSS JOIN p
	WHERE sv.solved_at IS NOT NULL)
SELECT day, queue, channel,
	   count(*) FILTER (WHERE is_created) AS created,
	   count(*) FILTER (WHERE is_created AND is_solved) AS solved,
	   count(*) FILTER (WHERE NOT is_created) AS solved_that_day,
	   ccr.duration_agg(first_reply_s) AS first_reply,
	   ccr.duration_agg(first_reply_business_s) AS first_reply_business,
	   ccr.duration_agg(full_resolution_s) AS full_resolution,
	   ccr.duration_agg(full_resolution_business_s) AS full_resolution_business,
	   count(*) FILTER (WHERE one_touch) AS one_touch,
	   count(one_touch) AS one_touch_of,
	   count(*) FILTER (WHERE reopens > 0) AS reopened,
	   coalesce(sum(agent_replies), 0)::bigint AS agent_replies,
	   count(agent_replies) AS agent_replies_of,
	   sum(contacts)::bigint AS contacts,
	   sum(csat_hits)::bigint AS csat_hits,
	   sum(csat_responses)::bigint AS csat_responses
FROM events
GROUP BY day, queue, channel;

CREATE VIEW regress.v48_ref AS
SELECT r.day,
	   r.queue,
	   r.channel,
	   r.created,
	   r.solved,
	   (sum(r.created - r.solved_that_day) OVER w)::bigint AS backlog,
	   ccr.percentile(r.first_reply, 0.5) AS first_reply_median_s,
	   ccr.percentile(r.first_reply, 0.9) AS first_reply_p90_s,
	   ccr.mean(r.first_reply) AS first_reply_mean_s,
	   ccr.percentile(r.first_reply_business, 0.5) AS first_reply_business_median_s,
	   ccr.percentile(r.full_resolution, 0.5) AS full_resolution_median_s,
	   ccr.percentile(r.full_resolution_business, 0.5) AS full_resolution_business_median_s,
	   r.one_touch::float8 / nullif(r.one_touch_of, 0) AS one_touch_rate,
	   r.reopened::float8 / nullif(r.created, 0) AS reopen_rate,
	   r.agent_replies::float8 / nullif(r.agent_replies_of, 0) AS replies_per_ticket,
	   r.contacts::float8 / nullif(r.created, 0) AS contacts_per_ticket,
	   r.csat_hits::float8 / nullif(r.csat_responses, 0) AS csat
FROM regress.v48_ref_rollup r
WINDOW w AS (PARTITION BY r.queue, r.channel ORDER BY r.day);

-- One line per step: rows of the reference; rows of ccr.ticket_kpi_daily
-- differing from it (EXCEPT ALL both ways, every column) in real time and
-- with realtime off; stored rollup rows differing from the reference rollup
-- (as text, summaries included); the pending keys ccr.kpi_refresh_status
-- shows.
CREATE FUNCTION regress.v48_check(label text)
	RETURNS TABLE (step text, ref_rows bigint, realtime_diff bigint, stored_only_diff bigint,
				   stored_rollup_diff bigint, pending_keys bigint)
	LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE v48_ref_now AS SELECT * FROM regress.v48_ref;
	ref_rows := (SELECT count(*) FROM v48_ref_now);
	PERFORM ccr.set_kpi_realtime(true);
	realtime_diff := (SELECT count(*) FROM ((SELECT * FROM ccr.ticket_kpi_daily EXCEPT ALL TABLE v48_ref_now)
											UNION ALL (TABLE v48_ref_now EXCEPT ALL SELECT * FROM ccr.ticket_kpi_daily)) d);
	PERFORM ccr.set_kpi_realtime(false);
	stored_only_diff := (SELECT count(*) FROM ((SELECT * FROM ccr.ticket_kpi_daily EXCEPT ALL TABLE v48_ref_now)
											   UNION ALL (TABLE v48_ref_now EXCEPT ALL SELECT * FROM ccr.ticket_kpi_daily)) d);
	PERFORM ccr.set_kpi_realtime(true);
	stored_rollup_diff := (SELECT count(*) FROM ((SELECT x::text FROM ccr.ticket_kpi_daily_rollup x EXCEPT ALL SELECT x::text FROM regress.v48_ref_rollup x)
												 UNION ALL (SELECT x::text FROM regress.v48_ref_rollup x EXCEPT ALL SELECT x::text FROM ccr.ticket_kpi_daily_rollup x)) d);
	pending_keys := (SELECT s.pending_keys FROM ccr.kpi_refresh_status s WHERE s.rollup = 'ticket_kpi_daily_rollup');
	DROP TABLE v48_ref_now;
	step := label;
	RETURN NEXT;
END $$;

-- the spec's status row for the rollup, and the rollup is a table
SELECT relkind FROM pg_class WHERE oid = 'ccr.ticket_kpi_daily_rollup'::regclass;
SELECT rollup, pending_keys, oldest_change_at IS NULL AS nothing_pending
FROM ccr.kpi_refresh_status WHERE rollup = 'ticket_kpi_daily_rollup';

-- 400 tickets over 20 days, every status kind; contacts with and without
-- tickets and CSAT; a status history for each ticket
INSERT INTO ccr.tickets (ticket_id, channel, queue, calendar, status, created_at, first_reply_at,
						 first_solved_at, solved_at, closed_at, reopens, agent_replies)
SELECT 'v48-' || g,
	   CASE WHEN g % 3 = 0 THEN 'chat' WHEN g % 7 = 0 THEN NULL ELSE 'email' END,
	   CASE WHEN g % 5 = 0 THEN NULL WHEN g % 2 = 0 THEN 'billing' ELSE 'support' END,
	   CASE WHEN g % 2 = 0 THEN 'v48-office' END,
	   CASE WHEN solved IS NULL THEN 'open' ELSE 'solved' END,
	   created,
	   CASE WHEN g % 11 = 0 THEN NULL
			ELSE created + regress.rand(4801, g) * regress.rand(4802, g) * interval '2 days' END,
	   solved, solved, CASE WHEN solved IS NULL AND g % 4 = 0 THEN created + interval '12 hours' END,
	   CASE WHEN g % 4 = 0 THEN 1 ELSE 0 END,
	   CASE WHEN g % 17 = 0 THEN NULL ELSE round(regress.rand(4803, g) * 4)::int END
FROM (SELECT g, created,
			 CASE WHEN g % 6 = 0 THEN NULL
				  ELSE created + interval '1 day' + regress.rand(4804, g) * interval '6 days' END AS solved
	  FROM (SELECT g, timestamptz '2032-03-05 00:00-05' + regress.rand(4805, g) * interval '20 days' AS created
			FROM generate_series(1, 400) g) a) b;
INSERT INTO ccr.ticket_status_history (ticket_id, at, status)
SELECT ticket_id, created_at, 'new' FROM ccr.tickets
UNION ALL SELECT ticket_id, solved_at, 'solved' FROM ccr.tickets WHERE solved_at IS NOT NULL;
INSERT INTO ccr.contacts (source, channel, queue, ticket_id, offered_at, answered_at, ended_at, outcome,
						  csat_score, csat_scale)
SELECT 'v48', 'email', 'support',
	   CASE WHEN g % 3 = 0 THEN NULL ELSE 'v48-' || (1 + (g * 7) % 420) END,
	   at, at + interval '10 seconds', at + interval '5 minutes', 'answered',
	   CASE WHEN g % 2 = 0 THEN 1 + (g / 2) % 5 END, CASE WHEN g % 2 = 0 THEN 5 END
FROM (SELECT g, timestamptz '2032-03-05 00:00-05' + regress.rand(4806, g) * interval '20 days' AS at
	  FROM generate_series(1, 900) g) a;
-- before any refresh: nothing stored, the view shows every ticket
SELECT * FROM regress.v48_check('loaded, not refreshed');
SELECT regress.model_refresh() AS refreshed;
SELECT * FROM regress.v48_check('refreshed');

-- new tickets (two of them on days and queues no ticket had)
INSERT INTO ccr.tickets (ticket_id, channel, queue, status, created_at, first_reply_at, agent_replies)
SELECT 'v48-n' || g, 'email', CASE WHEN g <= 2 THEN 'new-queue' ELSE 'support' END, 'open',
	   timestamptz '2032-03-20 10:00-04' + g * interval '5 hours', timestamptz '2032-03-20 10:00-04' + g * interval '6 hours', 1
FROM generate_series(1, 12) g;
SELECT * FROM regress.v48_check('12 new tickets');

-- a ticket moved to another queue and another created day (its solve
-- moves with it: the old and new keys of both days)
UPDATE ccr.tickets SET queue = 'billing', created_at = created_at - interval '2 days'
WHERE ticket_id = 'v48-7';
SELECT * FROM regress.v48_check('a ticket moved to another queue and created day');

-- solves: open tickets solved now, and one closed without a solve
UPDATE ccr.tickets SET status = 'solved', first_solved_at = created_at + interval '3 days',
	   solved_at = created_at + interval '3 days'
WHERE ticket_id IN ('v48-6', 'v48-12', 'v48-n3');
UPDATE ccr.tickets SET status = 'closed', closed_at = created_at + interval '1 day' WHERE ticket_id = 'v48-18';
SELECT * FROM regress.v48_check('solves');

-- a reopen: the status history says open again, the ticket follows
INSERT INTO ccr.ticket_status_history (ticket_id, at, status)
SELECT ticket_id, solved_at + interval '1 hour', 'open' FROM ccr.tickets WHERE ticket_id IN ('v48-1', 'v48-2', 'v48-3');
UPDATE ccr.tickets SET status = 'open', reopens = reopens + 1 WHERE ticket_id IN ('v48-1', 'v48-2', 'v48-3');
SELECT * FROM regress.v48_check('reopened via the status history');

-- contacts with a ticket_id and CSAT
INSERT INTO ccr.contacts (source, channel, queue, ticket_id, offered_at, answered_at, ended_at, outcome, csat_score, csat_scale)
SELECT 'v48', 'chat', 'support', 'v48-' || g, at, at + interval '5 s', at + interval '3 min', 'answered', 5, 5
FROM generate_series(20, 24) g, LATERAL (SELECT timestamptz '2032-03-25 12:00-04' + g * interval '1 min' AS at) x;
SELECT * FROM regress.v48_check('contacts with a ticket_id and CSAT');
-- a contact moved from one ticket to another, and its score changed
UPDATE ccr.contacts SET ticket_id = 'v48-31', csat_score = 1 WHERE ticket_id = 'v48-20' AND source = 'v48' AND channel = 'chat';
SELECT * FROM regress.v48_check('a contact moved to another ticket');

SELECT regress.model_refresh() AS refreshed;
SELECT * FROM regress.v48_check('refreshed');

-- a status history row alone logs its ticket's created day (no column of
-- the rollup reads the history: the view is unchanged)
INSERT INTO ccr.ticket_status_history (ticket_id, at, status)
SELECT ticket_id, created_at + interval '1 minute', 'open' FROM ccr.tickets WHERE ticket_id = 'v48-5';
SELECT * FROM regress.v48_check('a status history row');

-- business hours: every ticket of the calendar changes its business durations
UPDATE ccr.calendar_hours SET opens = '08:00' WHERE calendar = 'v48-office' AND isodow IN (1, 3);
SELECT * FROM regress.v48_check('calendar hours changed');
INSERT INTO ccr.calendar_holidays VALUES ('v48-office', '2032-03-17');
SELECT * FROM regress.v48_check('a holiday');

-- deletes: tickets (their history goes with them) and contacts
DELETE FROM ccr.tickets WHERE CASE WHEN substr(ticket_id, 5) ~ '^[0-9]+$' THEN substr(ticket_id, 5)::int % 37 = 0 END;
DELETE FROM ccr.contacts WHERE ticket_id IN ('v48-8', 'v48-9', 'v48-10');
SELECT * FROM regress.v48_check('deletes');
SELECT regress.model_refresh() AS refreshed;
SELECT * FROM regress.v48_check('refreshed');

-- a clean key is read from its stored row: damage one and the view shows
-- it (that day's counts, and the backlog of the later days of its queue
-- and channel); a rebuild repairs it
UPDATE ccr.ticket_kpi_daily_rollup SET created = created + 1000
WHERE (day, queue, channel) = (SELECT day, queue, channel FROM ccr.ticket_kpi_daily_rollup
							   WHERE queue = 'support' AND channel = 'email' ORDER BY day LIMIT 1);
SELECT realtime_diff > 1 AS damage_seen, stored_rollup_diff AS rollup_rows_differing FROM regress.v48_check('damaged');
SELECT count(*) > 0 AS rebuilt FROM ccr.rebuild_kpis();
SELECT * FROM regress.v48_check('rebuilt');

-- TRUNCATE: contacts, then tickets with their history
TRUNCATE ccr.contacts;
SELECT * FROM regress.v48_check('contacts truncated');
TRUNCATE ccr.tickets CASCADE;
SELECT * FROM regress.v48_check('tickets truncated');
SELECT regress.model_refresh() AS refreshed;
SELECT * FROM regress.v48_check('refreshed');

-- tickets again, then a rebuild
INSERT INTO ccr.tickets (ticket_id, channel, queue, calendar, status, created_at, first_reply_at, solved_at, agent_replies)
SELECT 'v48-r' || g, CASE WHEN g % 2 = 0 THEN 'chat' ELSE 'email' END, 'support', CASE WHEN g % 3 = 0 THEN 'v48-office' END,
	   CASE WHEN g % 4 = 0 THEN 'open' ELSE 'solved' END, c, c + interval '3 hours',
	   CASE WHEN g % 4 <> 0 THEN c + interval '2 days' END, g % 3
FROM generate_series(1, 60) g, LATERAL (SELECT timestamptz '2032-03-10 08:00-05' + g * interval '7 hours' AS c) x;
SELECT * FROM regress.v48_check('tickets again');
SELECT rollup, pending_keys > 0 AS pending, oldest_change_at IS NOT NULL AS has_oldest_change
FROM ccr.kpi_refresh_status WHERE rollup = 'ticket_kpi_daily_rollup';
SELECT count(*) > 0 AS rebuilt FROM ccr.rebuild_kpis();
SELECT * FROM regress.v48_check('rebuilt');
SELECT rollup, pending_keys, oldest_change_at IS NULL AS nothing_pending, last_refresh_at IS NOT NULL AS refreshed
FROM ccr.kpi_refresh_status WHERE rollup = 'ticket_kpi_daily_rollup';

-- only plain column types in the view, as in 0.2.0
SELECT string_agg(DISTINCT c.data_type, ', ' ORDER BY c.data_type) AS types
FROM information_schema.columns c WHERE c.table_schema = 'ccr' AND c.table_name = 'ticket_kpi_daily';

-- clean up
DROP FUNCTION regress.v48_check(text);
DROP VIEW regress.v48_ref, regress.v48_ref_rollup;
SELECT regress.reset_model();
