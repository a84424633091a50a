
-- ===================== per-ticket metrics =====================

-- One row per ticket.  Durations run from created_at; business versions use
-- the ticket's calendar (NULL = 'default').  A ticket closed without ever
-- being solved counts as solved at closed_at.  Full resolution (the last
-- solve) is NULL while the ticket is not solved or closed now.  Requester
-- wait (new + open + hold) and agent work (new + open) add the status
-- intervals of ccr.ticket_status_history (each row lasts until the ticket's
-- next row); they are NULL until the history ends in solved or closed.
CREATE VIEW ccr.ticket_metrics AS
SELECT t.ticket_id,
	   t.created_at,
	   t.channel,
	   t.queue,
	   t.agent,
	   extract(epoch FROM t.first_reply_at - t.created_at)::float8 AS first_reply_s,
	   ccr.business_seconds(t.created_at, t.first_reply_at, r.cal) AS first_reply_business_s,
	   extract(epoch FROM r.first_resolution_at - t.created_at)::float8 AS first_resolution_s,
	   ccr.business_seconds(t.created_at, r.first_resolution_at, r.cal) AS first_resolution_business_s,
	   extract(epoch FROM r.full_resolution_at - t.created_at)::float8 AS full_resolution_s,
	   ccr.business_seconds(t.created_at, r.full_resolution_at, r.cal) AS full_resolution_business_s,
	   t.reopens,
	   t.agent_replies,
	   CASE WHEN r.first_resolution_at IS NOT NULL THEN t.agent_replies <= 1 END AS one_touch,
	   CASE WHEN h.finished THEN coalesce(h.requester_wait_s, 0) END AS requester_wait_s,
	   CASE WHEN h.finished THEN coalesce(h.requester_wait_business_s, 0) END AS requester_wait_business_s,
	   CASE WHEN h.finished THEN coalesce(h.agent_work_s, 0) END AS agent_work_s,
	   CASE WHEN h.finished THEN coalesce(h.agent_work_business_s, 0) END AS agent_work_business_s
FROM ccr.tickets t
CROSS JOIN LATERAL (
	SELECT coalesce(t.calendar, 'default') AS cal,
		   coalesce(t.first_solved_at, t.solved_at, t.closed_at) AS first_resolution_at,
		   CASE WHEN t.closed_at IS NOT NULL OR t.status IS NULL OR t.status IN ('solved', 'closed')
				THEN coalesce(t.solved_at, t.first_solved_at, t.closed_at) END AS full_resolution_at
) r
LEFT JOIN LATERAL (
	SELECT bool_or(s.next_at IS NULL AND s.status IN ('solved', 'closed')) AS finished,
		   sum(extract(epoch FROM s.next_at - s.at)::float8)
			   FILTER (WHERE s.status IN ('new', 'open', 'hold')) AS requester_wait_s,
		   sum(ccr.business_seconds(s.at, s.next_at, r.cal))
			   FILTER (WHERE s.status IN ('new', 'open', 'hold')) AS requester_wait_business_s,
		   sum(extract(epoch FROM s.next_at - s.at)::float8)
			   FILTER (WHERE s.status IN ('new', 'open')) AS agent_work_s,
		   sum(ccr.business_seconds(s.at, s.next_at, r.cal))
			   FILTER (WHERE s.status IN ('new', 'open')) AS agent_work_business_s
	FROM (SELECT x.at, x.status, lead(x.at) OVER (ORDER BY x.at) AS next_at
		  FROM ccr.ticket_status_history x
		  WHERE x.ticket_id = t.ticket_id) s
) h ON true;
COMMENT ON VIEW ccr.ticket_metrics IS
	'one row per ticket: first reply, first and full resolution, requester wait and agent work, in calendar and business seconds; one-touch; reopens';
