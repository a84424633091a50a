-- ccr.ticket_metrics against plain SQL on generated tickets and histories.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
-- the business calendars of 41_business_time (r_ny_office, r_hel_split)
\i :abs_srcdir/test/regress/business_calendars.sql

-- status histories: 'new', then a generated walk, ending solved / closed / still open
CREATE TABLE regress.hist AS
WITH steps AS (
	SELECT t, k, n,
		   timestamptz '2026-01-05 00:00+00' + (t * 4217 % 300) * interval '1 day'
			   + (t * 7919 % 86400) * interval '1 second' AS created_at,
		   (1 + regress.rand(4401, t * 100 + k) * 3 * 86400)::int * interval '1 second' AS dt,
		   (ARRAY['open', 'pending', 'hold', 'open', 'solved'])[1 + floor(regress.rand(4402, t * 100 + k) * 5)::int] AS walk
	FROM generate_series(1, 400) t,
		 LATERAL (SELECT 1 + (t * 31 % 6) AS n) nn,
		 generate_series(0, n) k
)
SELECT 'T' || t AS ticket_id, t, k, created_at,
	   created_at + sum(dt) OVER (PARTITION BY t ORDER BY k) - first_value(dt) OVER (PARTITION BY t ORDER BY k) AS at,
	   CASE WHEN k = 0 THEN 'new'
			WHEN k = n AND t % 7 = 0 THEN 'closed'			-- closed, maybe never solved
			WHEN k = n AND t % 4 = 0 THEN 'open'			-- still open
			WHEN k = n THEN 'solved'
			WHEN t % 7 = 0 THEN 'open'
			ELSE walk END AS status
FROM steps;
CREATE TABLE regress.tix AS
SELECT ticket_id, min(created_at) AS created_at,
	   (ARRAY[NULL, 'r_ny_office', 'r_hel_split', 'default'])[1 + min(t) % 4] AS calendar,
	   (ARRAY['email', 'chat', 'phone'])[1 + min(t) % 3] AS channel,
	   'q' || (min(t) % 5) AS queue,
	   CASE WHEN min(t) % 11 = 0 THEN NULL ELSE 'agent' || (min(t) % 9) END AS agent,
	   (array_agg(status ORDER BY k DESC))[1] AS status,
	   min(at) FILTER (WHERE status = 'solved') AS first_solved_at,
	   max(at) FILTER (WHERE status = 'solved') AS solved_at,
	   max(at) FILTER (WHERE status = 'closed') AS closed_at,
	   (count(*) FILTER (WHERE status = 'solved') - 1) AS solves,
	   min(t) AS t
FROM regress.hist GROUP BY ticket_id;
INSERT INTO ccr.tickets (ticket_id, channel, queue, agent, status, calendar, created_at,
						 first_reply_at, first_solved_at, solved_at, closed_at, reopens, agent_replies)
SELECT ticket_id, channel, queue, agent, status, calendar, created_at,
	   CASE WHEN t % 5 <> 0 THEN created_at + (t * 977 % 200000) * interval '1 second' END,
	   first_solved_at, solved_at, closed_at, greatest(solves, 0),
	   CASE WHEN t % 13 = 0 THEN NULL ELSE t % 4 END
FROM regress.tix;
INSERT INTO ccr.ticket_status_history (ticket_id, at, status)
SELECT ticket_id, at, status FROM regress.hist;
-- a ticket with no history, one with the default calendar spelled out
INSERT INTO ccr.tickets (ticket_id, created_at, first_reply_at, status) VALUES
	('bare', '2026-02-02 10:00+00', '2026-02-02 10:30+00', 'new');
SELECT count(*) AS tickets, count(*) FILTER (WHERE closed_at IS NOT NULL AND first_solved_at IS NULL) AS closed_unsolved,
	   count(*) FILTER (WHERE status = 'open') AS still_open
FROM ccr.tickets;

-- the reference: next row by a correlated subquery instead of lead()
CREATE TABLE regress.ref_metrics AS
WITH iv AS (
	SELECT h.ticket_id, h.status, h.at,
		   (SELECT min(n.at) FROM ccr.ticket_status_history n WHERE n.ticket_id = h.ticket_id AND n.at > h.at) AS next_at
	FROM ccr.ticket_status_history h
),
w AS (
	SELECT iv.ticket_id,
		   sum(CASE WHEN iv.status IN ('new', 'open', 'hold') AND next_at IS NOT NULL
					THEN extract(epoch FROM next_at - at) ELSE 0 END) AS wait_s,
		   sum(CASE WHEN iv.status IN ('new', 'open', 'hold') AND next_at IS NOT NULL
					THEN ccr.business_seconds(at, next_at, coalesce(t.calendar, 'default')) ELSE 0 END) AS wait_b,
		   sum(CASE WHEN iv.status IN ('new', 'open') AND next_at IS NOT NULL
					THEN extract(epoch FROM next_at - at) ELSE 0 END) AS work_s,
		   sum(CASE WHEN iv.status IN ('new', 'open') AND next_at IS NOT NULL
					THEN ccr.business_seconds(at, next_at, coalesce(t.calendar, 'default')) ELSE 0 END) AS work_b,
		   count(*) FILTER (WHERE next_at IS NULL AND iv.status IN ('solved', 'closed')) = 1 AS finished
	FROM iv JOIN ccr.tickets t USING (ticket_id)
	GROUP BY iv.ticket_id
)
SELECT t.ticket_id,
	   extract(epoch FROM t.first_reply_at - t.created_at)::float8 AS first_reply_s,
	   ccr.business_seconds(t.created_at, t.first_reply_at, coalesce(t.calendar, 'default')) AS first_reply_business_s,
	   extract(epoch FROM coalesce(t.first_solved_at, t.closed_at) - t.created_at)::float8 AS first_resolution_s,
	   ccr.business_seconds(t.created_at, coalesce(t.first_solved_at, t.closed_at), coalesce(t.calendar, 'default')) AS first_resolution_business_s,
	   CASE WHEN t.status IN ('solved', 'closed') THEN extract(epoch FROM coalesce(t.solved_at, t.closed_at) - t.created_at)::float8 END AS full_resolution_s,
	   CASE WHEN t.status IN ('solved', 'closed') THEN ccr.business_seconds(t.created_at, coalesce(t.solved_at, t.closed_at), coalesce(t.calendar, 'default')) END AS full_resolution_business_s,
	   CASE WHEN coalesce(t.first_solved_at, t.closed_at) IS NULL THEN NULL ELSE t.agent_replies <= 1 END AS one_touch,
	   CASE WHEN w.finished THEN w.wait_s::float8 END AS requester_wait_s,
	   CASE WHEN w.finished THEN w.wait_b END AS requester_wait_business_s,
	   CASE WHEN w.finished THEN w.work_s::float8 END AS agent_work_s,
	   CASE WHEN w.finished THEN w.work_b END AS agent_work_business_s
FROM ccr.tickets t LEFT JOIN w USING (ticket_id);

SELECT count(*) AS tickets,
	   count(*) FILTER (WHERE m.first_reply_s IS DISTINCT FROM r.first_reply_s
						 OR m.first_reply_business_s IS DISTINCT FROM r.first_reply_business_s) AS first_reply_bad,
	   count(*) FILTER (WHERE m.first_resolution_s IS DISTINCT FROM r.first_resolution_s
						 OR m.first_resolution_business_s IS DISTINCT FROM r.first_resolution_business_s) AS first_resolution_bad,
	   count(*) FILTER (WHERE m.full_resolution_s IS DISTINCT FROM r.full_resolution_s
						 OR m.full_resolution_business_s IS DISTINCT FROM r.full_resolution_business_s) AS full_resolution_bad,
	   count(*) FILTER (WHERE m.one_touch IS DISTINCT FROM r.one_touch) AS one_touch_bad,
	   count(*) FILTER (WHERE NOT regress.close(m.requester_wait_s, r.requester_wait_s)
						 OR NOT regress.close(m.requester_wait_business_s, r.requester_wait_business_s)) AS wait_bad,
	   count(*) FILTER (WHERE NOT regress.close(m.agent_work_s, r.agent_work_s)
						 OR NOT regress.close(m.agent_work_business_s, r.agent_work_business_s)) AS work_bad,
	   count(*) FILTER (WHERE m.reopens IS DISTINCT FROM t.reopens OR m.agent_replies IS DISTINCT FROM t.agent_replies
						 OR m.channel IS DISTINCT FROM t.channel OR m.queue IS DISTINCT FROM t.queue
						 OR m.agent IS DISTINCT FROM t.agent OR m.created_at <> t.created_at) AS passthrough_bad
FROM ccr.ticket_metrics m JOIN regress.ref_metrics r USING (ticket_id) JOIN ccr.tickets t USING (ticket_id);
-- coverage: how many of each were non-NULL and how many business values differ from calendar time
SELECT count(first_reply_s) AS replied, count(first_resolution_s) AS resolved, count(full_resolution_s) AS fully_resolved,
	   count(requester_wait_s) AS with_wait, count(one_touch) FILTER (WHERE one_touch) AS one_touch,
	   count(*) FILTER (WHERE first_reply_business_s < first_reply_s) AS business_shorter
FROM ccr.ticket_metrics;
-- the columns of the contract, in order
SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute
WHERE attrelid = 'ccr.ticket_metrics'::regclass AND attnum > 0;

-- hand-worked: created Friday 16:00 New York, replied Monday 10:00, an SLA
-- "replied within 8 business hours" on a 9-17 calendar
INSERT INTO ccr.tickets (ticket_id, calendar, created_at, first_reply_at, first_solved_at, solved_at, status, agent_replies)
VALUES ('sla', 'r_ny_office', '2026-06-05 16:00-04', '2026-06-08 10:00-04', '2026-06-08 11:00-04', '2026-06-08 11:00-04', 'solved', 1);
INSERT INTO ccr.ticket_status_history VALUES
	('sla', '2026-06-05 16:00-04', 'new'), ('sla', '2026-06-08 10:00-04', 'pending'),
	('sla', '2026-06-08 10:30-04', 'open'), ('sla', '2026-06-08 11:00-04', 'solved');
SELECT first_reply_s, first_reply_business_s, first_resolution_business_s, full_resolution_business_s,
	   one_touch, requester_wait_s, requester_wait_business_s, agent_work_business_s,
	   first_reply_business_s <= 8 * 3600 AS replied_within_8_business_hours
FROM ccr.ticket_metrics WHERE ticket_id = 'sla';
SELECT * FROM ccr.ticket_metrics WHERE ticket_id = 'bare';

DELETE FROM ccr.tickets;
