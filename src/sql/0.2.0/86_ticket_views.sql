
-- ===================== ticket KPI views =====================
-- Per local day (ccr.timezone()), queue and channel.  Tickets count on the
-- day they were created (cohort): a ticket created on Monday and solved on
-- Wednesday is in Monday's created, solved, first-reply and resolution
-- figures.  Only backlog is a point-in-time count: tickets of the queue and
-- channel open at the end of the day (created by then, not solved by then).
-- "Solved" follows ccr.ticket_metrics' full resolution: the last solve (or
-- the close) of a ticket that is solved or closed now; a reopened ticket is
-- open again until it is solved again.
-- The rollup stores duration summaries and counters, never medians or rates,
-- so any period is an exact ccr.rollup()/sum() of its days.

CREATE MATERIALIZED VIEW ccr.ticket_kpi_daily_rollup AS
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
	-- one row per ticket on its created day ...
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
	-- ... and one on the day it was solved, for the backlog
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
CREATE UNIQUE INDEX ticket_kpi_daily_rollup_key ON ccr.ticket_kpi_daily_rollup (day, queue, channel) NULLS NOT DISTINCT;
COMMENT ON MATERIALIZED VIEW ccr.ticket_kpi_daily_rollup IS
	'ticket KPI summaries per local day (ccr.timezone()) of creation, queue and channel: counts and duration summaries (ccr.rollup them for any period); solved_that_day counts solves by solve day, for the backlog; refreshed by ccr.refresh_kpis()';

CREATE VIEW ccr.ticket_kpi_daily AS
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
FROM ccr.ticket_kpi_daily_rollup r
WINDOW w AS (PARTITION BY r.queue, r.channel ORDER BY r.day);
COMMENT ON VIEW ccr.ticket_kpi_daily IS
	'ticket KPIs per local day of creation (cohort), queue and channel; backlog = tickets open at the end of the day; as fresh as the last ccr.refresh_kpis()';

CREATE MATERIALIZED VIEW ccr.channel_mix_daily_rollup AS
SELECT (c.offered_at AT TIME ZONE p.tz)::date AS day, c.channel, count(*) AS contacts
FROM ccr.contacts c CROSS JOIN (SELECT ccr.timezone() AS tz) p
GROUP BY 1, 2;
CREATE UNIQUE INDEX channel_mix_daily_rollup_key ON ccr.channel_mix_daily_rollup (day, channel);
COMMENT ON MATERIALIZED VIEW ccr.channel_mix_daily_rollup IS
	'contacts per local day (ccr.timezone()) and channel; refreshed by ccr.refresh_kpis()';

CREATE VIEW ccr.channel_mix_daily AS
SELECT r.day, r.channel, r.contacts,
	   r.contacts::float8 / (sum(r.contacts) OVER (PARTITION BY r.day))::float8 AS share
FROM ccr.channel_mix_daily_rollup r;
COMMENT ON VIEW ccr.channel_mix_daily IS
	'contacts per local day and channel and their share of the day''s contacts; as fresh as the last ccr.refresh_kpis()';
