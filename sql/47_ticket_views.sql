-- Ticket KPI views: ccr.ticket_kpi_daily and ccr.channel_mix_daily against
-- plain SQL over ccr.ticket_metrics, ccr.tickets and ccr.contacts.
-- Rows of this test use channels 'v47-*' and days in 2031, and are removed
-- at the end; the KPI time zone is restored.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();

CREATE TABLE regress.v47_tz AS SELECT ccr.timezone() AS tz;
SELECT ccr.set_timezone('America/New_York');

-- a business calendar for some tickets: weekdays 09:00-17:00 New York time
INSERT INTO ccr.calendars VALUES ('v47-office', 'America/New_York');
INSERT INTO ccr.calendar_hours SELECT 'v47-office', d, '09:00', '17:00' FROM generate_series(1, 5) d;

INSERT INTO ccr.tickets (ticket_id, channel, queue, calendar, status, created_at, first_reply_at,
						 first_solved_at, solved_at, closed_at, reopens, agent_replies)
SELECT 'v47-' || g,
	   CASE WHEN g % 3 = 0 THEN 'v47-chat' ELSE 'v47-email' END,
	   CASE WHEN g % 5 = 0 THEN NULL WHEN g % 2 = 0 THEN 'billing' ELSE 'support' END,
	   CASE WHEN g % 2 = 0 THEN 'v47-office' END,
	   CASE WHEN solved IS NULL THEN 'open' ELSE 'solved' END,
	   created,
	   CASE WHEN g % 11 = 0 THEN NULL
			WHEN g % 13 = 0 THEN created											-- replied at once
			ELSE created + regress.rand(4701, g) * regress.rand(4702, g) * interval '2 days' END,
	   solved, solved, NULL,
	   CASE WHEN g % 4 = 0 THEN 1 + (g % 3) ELSE 0 END,
	   CASE WHEN g % 17 = 0 THEN NULL ELSE round(regress.rand(4703, g) * 4)::int END
FROM (SELECT g, created,
			 CASE WHEN g % 6 = 0 THEN NULL
				  ELSE created + interval '3 days' + regress.rand(4704, g) * regress.rand(4705, g) * interval '6 days' END AS solved
	  FROM (SELECT g, timestamptz '2031-03-01 00:00-05' + regress.rand(4706, g) * interval '20 days' AS created
			FROM generate_series(1, 1500) g) a) b;
-- closed without ever being solved: solved at closed_at
UPDATE ccr.tickets SET closed_at = created_at + interval '12 hours', status = 'closed'
WHERE ticket_id LIKE 'v47-%' AND solved_at IS NULL AND substr(ticket_id, 5)::int % 4 = 0;
-- reopened after a solve and open now: in the backlog again
UPDATE ccr.tickets SET status = 'open', reopens = reopens + 1
WHERE ticket_id LIKE 'v47-%' AND solved_at IS NOT NULL AND substr(ticket_id, 5)::int % 9 = 0;
-- the same rule as ccr.ticket_metrics' full resolution
CREATE FUNCTION regress.v47_solved(t ccr.tickets) RETURNS timestamptz LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN t.closed_at IS NOT NULL OR t.status IS NULL OR t.status IN ('solved', 'closed')
				THEN coalesce(t.solved_at, t.first_solved_at, t.closed_at) END
$$;

INSERT INTO ccr.contacts (source, channel, queue, ticket_id, offered_at, answered_at, ended_at, outcome,
						  csat_score, csat_scale)
SELECT 'v47', CASE WHEN g % 4 = 0 THEN 'v47-voice' WHEN g % 4 = 1 THEN 'v47-chat' ELSE 'v47-email' END,
	   'support',
	   CASE WHEN g % 3 = 0 THEN NULL ELSE 'v47-' || (1 + (g * 7) % 1500) END,
	   at, at + interval '10 seconds', at + interval '5 minutes', 'answered',
	   CASE WHEN g % 2 = 0 THEN 1 + (g / 2) % 5 END, CASE WHEN g % 2 = 0 THEN 5 END
FROM (SELECT g, timestamptz '2031-03-01 00:00-05' + regress.rand(4707, g) * interval '20 days' AS at
	  FROM generate_series(1, 3000) g) a;

DO $$
BEGIN
	-- ccr.refresh_kpis() refreshes every materialized view of schema ccr
	IF to_regprocedure('ccr.refresh_kpis()') IS NOT NULL THEN
		PERFORM ccr.refresh_kpis();
	ELSE
		REFRESH MATERIALIZED VIEW ccr.ticket_kpi_daily_rollup;
		REFRESH MATERIALIZED VIEW ccr.channel_mix_daily_rollup;
	END IF;
END $$;

-- reference per local day of creation, queue and channel
CREATE TEMP TABLE v47_ref AS
WITH t AS (
	SELECT m.*, regress.v47_solved(k) AS solved_ts,
		   (m.created_at AT TIME ZONE 'America/New_York')::date AS day,
		   (SELECT count(*) FROM ccr.contacts c WHERE c.ticket_id = m.ticket_id) AS contacts
	FROM ccr.ticket_metrics m JOIN ccr.tickets k USING (ticket_id)
	WHERE m.channel LIKE 'v47-%')
SELECT day, queue, channel,
	   count(*) AS created,
	   count(solved_ts) AS solved,
	   count(*) FILTER (WHERE solved_ts IS NOT NULL) = count(full_resolution_s) AS same_as_ticket_metrics,
	   (SELECT count(*) FROM t t2
		WHERE t2.queue IS NOT DISTINCT FROM t.queue AND t2.channel = t.channel
		  AND t2.created_at < ((t.day + 1)::timestamp AT TIME ZONE 'America/New_York')
		  AND (t2.solved_ts IS NULL OR t2.solved_ts >= ((t.day + 1)::timestamp AT TIME ZONE 'America/New_York'))) AS backlog,
	   percentile_disc(0.5) WITHIN GROUP (ORDER BY first_reply_s) AS first_reply_median_s,
	   percentile_disc(0.9) WITHIN GROUP (ORDER BY first_reply_s) AS first_reply_p90_s,
	   avg(first_reply_s) AS first_reply_mean_s,
	   percentile_disc(0.5) WITHIN GROUP (ORDER BY first_reply_business_s) AS first_reply_business_median_s,
	   percentile_disc(0.5) WITHIN GROUP (ORDER BY full_resolution_s) AS full_resolution_median_s,
	   percentile_disc(0.5) WITHIN GROUP (ORDER BY full_resolution_business_s) AS full_resolution_business_median_s,
	   avg(one_touch::int) AS one_touch_rate,
	   avg((reopens > 0)::int) AS reopen_rate,
	   avg(agent_replies) AS replies_per_ticket,
	   avg(contacts) AS contacts_per_ticket,
	   (SELECT avg((c.csat_score >= c.csat_scale - 1)::int) FROM ccr.contacts c
		WHERE c.ticket_id IN (SELECT t3.ticket_id FROM t t3 WHERE t3.day = t.day AND t3.channel = t.channel
							  AND t3.queue IS NOT DISTINCT FROM t.queue)
		  AND c.csat_score IS NOT NULL) AS csat
FROM t GROUP BY day, queue, channel;

CREATE FUNCTION regress.v47_near(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL ELSE abs(a - b) <= 0.01 * abs(b) END
$$;

SELECT count(*) AS groups,
	   count(*) FILTER (WHERE v.created = r.created AND v.solved = r.solved AND r.same_as_ticket_metrics) AS counts_equal,
	   count(*) FILTER (WHERE v.backlog = r.backlog) AS backlog_equal,
	   count(*) FILTER (WHERE regress.v47_near(v.first_reply_median_s, r.first_reply_median_s)
						  AND regress.v47_near(v.first_reply_p90_s, r.first_reply_p90_s)
						  AND regress.v47_near(v.first_reply_business_median_s, r.first_reply_business_median_s)
						  AND regress.v47_near(v.full_resolution_median_s, r.full_resolution_median_s)
						  AND regress.v47_near(v.full_resolution_business_median_s, r.full_resolution_business_median_s)) AS percentiles_within_1pct,
	   count(*) FILTER (WHERE (v.first_reply_mean_s IS NULL AND r.first_reply_mean_s IS NULL)
						  OR abs(v.first_reply_mean_s - r.first_reply_mean_s) <= 1e-6) AS means_equal,
	   count(*) FILTER (WHERE regress.close(v.one_touch_rate, r.one_touch_rate)
						  AND regress.close(v.reopen_rate, r.reopen_rate)
						  AND regress.close(v.replies_per_ticket, r.replies_per_ticket)
						  AND regress.close(v.contacts_per_ticket, r.contacts_per_ticket)
						  AND regress.close(v.csat, r.csat)) AS rates_equal
FROM v47_ref r
JOIN ccr.ticket_kpi_daily v
  ON v.day = r.day AND v.channel = r.channel AND v.queue IS NOT DISTINCT FROM r.queue;

-- days when tickets were only solved still show the backlog
SELECT count(*) AS solve_only_rows,
	   count(*) FILTER (WHERE backlog = (
		   SELECT count(*) FROM ccr.tickets t2
		   WHERE t2.queue IS NOT DISTINCT FROM v.queue AND t2.channel = v.channel
			 AND t2.created_at < ((v.day + 1)::timestamp AT TIME ZONE 'America/New_York')
			 AND coalesce(regress.v47_solved(t2), 'infinity') >= ((v.day + 1)::timestamp AT TIME ZONE 'America/New_York'))) AS backlog_equal
FROM ccr.ticket_kpi_daily v WHERE v.channel LIKE 'v47-%' AND v.created = 0;

-- a month's median from the stored summaries: rollup of days equals a direct summary
SELECT channel,
	   ccr.rollup(first_reply)::text = (SELECT ccr.duration_agg(first_reply_s)::text FROM ccr.ticket_metrics m
										WHERE m.channel = r.channel) AS month_rollup_equal
FROM ccr.ticket_kpi_daily_rollup r WHERE channel LIKE 'v47-%' GROUP BY channel ORDER BY channel;

-- channel mix per local day
SELECT count(*) AS day_channels,
	   count(*) FILTER (WHERE v.contacts = r.n AND regress.close(v.share, r.n::float8 / r.day_total)) AS equal
FROM (SELECT (offered_at AT TIME ZONE 'America/New_York')::date AS day, channel, count(*) AS n,
			 sum(count(*)) OVER (PARTITION BY (offered_at AT TIME ZONE 'America/New_York')::date) AS day_total
	  FROM ccr.contacts WHERE offered_at >= '2031-01-01' AND offered_at < '2032-01-01'
	  GROUP BY 1, 2) r
JOIN ccr.channel_mix_daily v USING (day, channel);
SELECT bool_and(abs(s - 1) < 1e-12) AS shares_add_up_to_1
FROM (SELECT sum(share) AS s FROM ccr.channel_mix_daily WHERE day >= '2031-01-01' AND day < '2032-01-01' GROUP BY day) d;

-- only plain column types in the views
SELECT c.table_name, string_agg(DISTINCT c.data_type, ', ' ORDER BY c.data_type) AS types
FROM information_schema.columns c
WHERE c.table_schema = 'ccr' AND c.table_name IN ('ticket_kpi_daily', 'channel_mix_daily')
GROUP BY 1 ORDER BY 1;

-- clean up
DELETE FROM ccr.contacts WHERE source = 'v47';
DELETE FROM ccr.tickets WHERE ticket_id LIKE 'v47-%';
DELETE FROM ccr.calendars WHERE name = 'v47-office';
SELECT ccr.set_timezone(tz) IS NOT NULL AS tz_restored FROM regress.v47_tz;
DO $$
BEGIN
	-- ccr.refresh_kpis() refreshes every materialized view of schema ccr
	IF to_regprocedure('ccr.refresh_kpis()') IS NOT NULL THEN
		PERFORM ccr.refresh_kpis();
	ELSE
		REFRESH MATERIALIZED VIEW ccr.ticket_kpi_daily_rollup;
		REFRESH MATERIALIZED VIEW ccr.channel_mix_daily_rollup;
	END IF;
END $$;
SELECT count(*) AS left_over FROM ccr.ticket_kpi_daily WHERE channel LIKE 'v47-%';
