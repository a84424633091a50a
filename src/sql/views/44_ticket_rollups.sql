
-- ===================== ticket rollup: definitions, capture, refresh =====================
-- ccr.ticket_kpi_daily_rollup (storage in src/sql/0.3.0/14_ticket_rollups.sql)
-- is kept by (local day, queue, channel) key.  Its definition is the 0.2.0
-- materialized view (src/sql/0.2.0/86_ticket_views.sql): per ticket one
-- event on the local day of created_at (the cohort counts, durations,
-- contacts and CSAT of its contacts) and one on the local day of its solve
-- (solved_that_day, for the backlog).  It is written once here as SQL text
-- (ccr.kpi_ticket_events_sql, ccr.kpi_ticket_aggregates_sql) and expanded
-- into the refresh of one key, the rebuild of all and the real-time view.
-- Keys come from
--   - tickets: the created day and the solve day of the old and new rows;
--   - contacts with a ticket_id: the created day of that ticket (contacts
--     and CSAT counts);
--   - status history: the created day of the ticket (ccr.ticket_metrics
--     reads it; the rollup reads none of its history columns today);
--   - calendars, their hours and holidays: the created day of every ticket
--     on a changed calendar (business-time durations);
--   - TRUNCATE of any of these: every stored key.
-- The time zone is a counting setting: changing it rebuilds (22_kpi_refresh.sql).

-- The solve instant of a ticket t (ccr.ticket_metrics' full resolution: the
-- last solve, or the close, of a ticket solved or closed now; NULL
-- otherwise).  The same expression as the index tickets_solved_idx.
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_solved_sql(t text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$CASE WHEN %1$s.closed_at IS NOT NULL OR %1$s.status IS NULL OR %1$s.status IN ('solved', 'closed')
		 THEN coalesce(%1$s.solved_at, %1$s.first_solved_at, %1$s.closed_at) END$q$, t)
$f$;
COMMENT ON FUNCTION ccr.kpi_ticket_solved_sql(text) IS 'internal: SQL text of the solve instant (full resolution) of ticket row t, NULL while not solved';

-- The events of the 0.2.0 definition, of the tickets created where
-- created_cond holds (over ticket_metrics m) and solved where solved_cond
-- holds (over tickets t, solve instant s.at).  p is ccr.kpi_params().
-- Contacts are counted per ticket through contacts_ticket_id_idx.
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_events_sql(created_cond text, solved_cond text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$(
	-- one row per ticket on its created day (solved: full resolution, as
	-- ccr.ticket_metrics has it) ...
	SELECT (m.created_at AT TIME ZONE p.tz)::date AS day, m.queue, m.channel, true AS is_created,
		   m.full_resolution_s IS NOT NULL AS is_solved,
		   m.first_reply_s, m.first_reply_business_s, m.full_resolution_s, m.full_resolution_business_s,
		   m.one_touch, m.reopens, m.agent_replies,
		   cc.contacts, cc.csat_hits, cc.csat_responses
	FROM ccr.ticket_metrics m
		 CROSS JOIN LATERAL (
			 SELECT count(*) AS contacts,
					count(*) FILTER (WHERE c.csat_score >= c.csat_scale - 1) AS csat_hits,
					count(*) FILTER (WHERE c.csat_score IS NOT NULL AND c.csat_scale IS NOT NULL) AS csat_responses
			 FROM ccr.contacts c
			 WHERE c.ticket_id = m.ticket_id) cc
	WHERE %1$s
	UNION ALL
	-- ... and one on the day it was solved, for the backlog
	SELECT (s.at AT TIME ZONE p.tz)::date, t.queue, t.channel, false, true,
		   NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0
	FROM ccr.tickets t CROSS JOIN LATERAL (SELECT %3$s AS at) s
	WHERE %3$s IS NOT NULL AND %2$s)$q$, created_cond, solved_cond, ccr.kpi_ticket_solved_sql('t'))
$f$;
COMMENT ON FUNCTION ccr.kpi_ticket_events_sql(text, text) IS 'internal: SQL text of the ticket events (created day, solve day) of ccr.ticket_kpi_daily_rollup, restricted by created_cond (over ccr.ticket_metrics m) and solved_cond (over ccr.tickets t, solve instant s.at)';

-- The rollup's columns from events e (the 0.2.0 definition).
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_aggregates_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$count(*) FILTER (WHERE e.is_created) AS created,
	   count(*) FILTER (WHERE e.is_created AND e.is_solved) AS solved,
	   count(*) FILTER (WHERE NOT e.is_created) AS solved_that_day,
	   ccr.duration_agg(e.first_reply_s) AS first_reply,
	   ccr.duration_agg(e.first_reply_business_s) AS first_reply_business,
	   ccr.duration_agg(e.full_resolution_s) AS full_resolution,
	   ccr.duration_agg(e.full_resolution_business_s) AS full_resolution_business,
	   count(*) FILTER (WHERE e.one_touch) AS one_touch,
	   count(e.one_touch) AS one_touch_of,
	   count(*) FILTER (WHERE e.reopens > 0) AS reopened,
	   coalesce(sum(e.agent_replies), 0)::bigint AS agent_replies,
	   count(e.agent_replies) AS agent_replies_of,
	   sum(e.contacts)::bigint AS contacts,
	   sum(e.csat_hits)::bigint AS csat_hits,
	   sum(e.csat_responses)::bigint AS csat_responses$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_ticket_aggregates_sql() IS 'internal: SQL text of the columns of ccr.ticket_kpi_daily_rollup (created .. csat_responses) from ticket events e';

-- One key's row (none when the key has no event any more).  The key
-- columns are SQL expressions; a local day is read with 3 hours to spare on
-- both sides and kept by its local date, whatever the zone's offset changes.
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_key_sql(day text, queue text, channel text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT %1$s FROM %2$s e HAVING count(*) > 0$q$,
	ccr.kpi_ticket_aggregates_sql(),
	ccr.kpi_ticket_events_sql(
		format($q$m.created_at >= (%1$s)::timestamp AT TIME ZONE p.tz - interval '3 hours'
			AND m.created_at < ((%1$s) + 1)::timestamp AT TIME ZONE p.tz + interval '3 hours'
			AND (m.created_at AT TIME ZONE p.tz)::date = %1$s
			AND (m.queue = %2$s OR (%2$s IS NULL AND m.queue IS NULL))
			AND (m.channel = %3$s OR (%3$s IS NULL AND m.channel IS NULL))$q$, day, queue, channel),
		format($q$s.at >= (%1$s)::timestamp AT TIME ZONE p.tz - interval '3 hours'
			AND s.at < ((%1$s) + 1)::timestamp AT TIME ZONE p.tz + interval '3 hours'
			AND (s.at AT TIME ZONE p.tz)::date = %1$s
			AND (t.queue = %2$s OR (%2$s IS NULL AND t.queue IS NULL))
			AND (t.channel = %3$s OR (%3$s IS NULL AND t.channel IS NULL))$q$, day, queue, channel)))
$f$;
COMMENT ON FUNCTION ccr.kpi_ticket_key_sql(text, text, text) IS 'internal: SQL text of the ccr.ticket_kpi_daily_rollup row of one (local day, queue, channel) key';

-- Every row (the rebuild).
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_all_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT e.day, e.queue, e.channel, %1$s FROM ccr.kpi_params() p, LATERAL %2$s e GROUP BY e.day, e.queue, e.channel$q$,
	ccr.kpi_ticket_aggregates_sql(), ccr.kpi_ticket_events_sql('true', 'true'))
$f$;
COMMENT ON FUNCTION ccr.kpi_ticket_all_sql() IS 'internal: SQL text of every row of ccr.ticket_kpi_daily_rollup';

-- Pending keys, distinct.
CREATE OR REPLACE VIEW ccr._ticket_pending_keys AS
SELECT DISTINCT k.day, k.queue, k.channel FROM ccr.kpi_pending_ticket_days k;
COMMENT ON VIEW ccr._ticket_pending_keys IS 'internal: distinct (local day, queue, channel) keys of ccr.ticket_kpi_daily_rollup changed since the last refresh';

-- ---------------------------------------------------------------------------
-- Capture.  Tickets: the created and solve days of the old and new rows.
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_changes_sql(changed_rows text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
INSERT INTO ccr.kpi_pending_ticket_days (day, queue, channel)
SELECT DISTINCT (k.at AT TIME ZONE p.tz)::date, c.queue, c.channel
FROM (%s) c CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (VALUES (c.created_at), (%s)) k(at)
WHERE k.at IS NOT NULL$q$, changed_rows, ccr.kpi_ticket_solved_sql('c'))
$fn$;
COMMENT ON FUNCTION ccr.kpi_ticket_changes_sql(text) IS 'internal: the statement that logs the ticket rollup keys (created day and solve day) of the changed tickets a query over a trigger''s transition tables returns';

-- Contacts with a ticket_id, and status history rows: the created day of
-- their tickets (as the ticket is now; a ticket changed by another
-- transaction logs its own keys).
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_of_sql(ticket_ids text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
INSERT INTO ccr.kpi_pending_ticket_days (day, queue, channel)
SELECT DISTINCT (t.created_at AT TIME ZONE p.tz)::date, t.queue, t.channel
FROM (SELECT DISTINCT x.ticket_id FROM (%s) x WHERE x.ticket_id IS NOT NULL) c
	 JOIN ccr.tickets t ON t.ticket_id = c.ticket_id
	 CROSS JOIN ccr.kpi_params() p$q$, ticket_ids)
$fn$;
COMMENT ON FUNCTION ccr.kpi_ticket_of_sql(text) IS 'internal: the statement that logs the created-day key of the tickets whose ids a query over a trigger''s transition tables returns';

-- Calendars: the created day of every ticket on a changed calendar.
CREATE OR REPLACE FUNCTION ccr.kpi_ticket_calendar_sql(names text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
INSERT INTO ccr.kpi_pending_ticket_days (day, queue, channel)
SELECT DISTINCT (t.created_at AT TIME ZONE p.tz)::date, t.queue, t.channel
FROM ccr.tickets t CROSS JOIN ccr.kpi_params() p
WHERE coalesce(t.calendar, 'default') IN (SELECT x.name FROM (%s) x)$q$, names)
$fn$;
COMMENT ON FUNCTION ccr.kpi_ticket_calendar_sql(text) IS 'internal: the statement that logs the created-day key of every ticket on the calendars whose names a query over a trigger''s transition tables returns';

-- (trigger function, statement generator, the columns it reads)
SELECT ccr.kpi_define_capture(fn, gen, c)
FROM (VALUES ('kpi_capture_tickets', 'ccr.kpi_ticket_changes_sql',
			  'ticket_id, queue, channel, created_at, status, solved_at, first_solved_at, closed_at'),
			 ('kpi_capture_ticket_contacts', 'ccr.kpi_ticket_of_sql', 'ticket_id'),
			 ('kpi_capture_ticket_history', 'ccr.kpi_ticket_of_sql', 'ticket_id'),
			 ('kpi_capture_ticket_calendars', 'ccr.kpi_ticket_calendar_sql', 'name'),
			 ('kpi_capture_ticket_calendar_rows', 'ccr.kpi_ticket_calendar_sql', 'calendar AS name')) x(fn, gen, c);
COMMENT ON FUNCTION ccr.kpi_capture_tickets() IS 'internal: statement trigger on ccr.tickets logging the ticket rollup keys a statement changed (generated from ccr.kpi_ticket_changes_sql())';
COMMENT ON FUNCTION ccr.kpi_capture_ticket_contacts() IS 'internal: statement trigger on ccr.contacts logging the created-day keys of the tickets of the changed contacts with a ticket_id';
COMMENT ON FUNCTION ccr.kpi_capture_ticket_history() IS 'internal: statement trigger on ccr.ticket_status_history logging the created-day keys of the changed rows'' tickets';
COMMENT ON FUNCTION ccr.kpi_capture_ticket_calendars() IS 'internal: statement trigger on ccr.calendars logging the created-day keys of the tickets on the changed calendars';
COMMENT ON FUNCTION ccr.kpi_capture_ticket_calendar_rows() IS 'internal: statement trigger on ccr.calendar_hours and ccr.calendar_holidays logging the created-day keys of the tickets on the changed calendars';

-- TRUNCATE: every stored key (of contacts: those counting contacts).
CREATE OR REPLACE FUNCTION ccr.kpi_capture_tickets_truncate() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO ccr.kpi_pending_ticket_days (day, queue, channel)
	SELECT r.day, r.queue, r.channel FROM ccr.ticket_kpi_daily_rollup r
	WHERE TG_TABLE_NAME <> 'contacts' OR r.contacts > 0;
	RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_capture_tickets_truncate() FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_capture_tickets_truncate() IS 'internal: TRUNCATE trigger logging every stored key of ccr.ticket_kpi_daily_rollup the table feeds';

DO $$
DECLARE
	t text;
	fn text;
	ev text;
BEGIN
	FOR t, fn IN SELECT * FROM (VALUES ('tickets', 'kpi_capture_tickets'), ('contacts', 'kpi_capture_ticket_contacts'),
									   ('ticket_status_history', 'kpi_capture_ticket_history'),
									   ('calendars', 'kpi_capture_ticket_calendars'),
									   ('calendar_hours', 'kpi_capture_ticket_calendar_rows'),
									   ('calendar_holidays', 'kpi_capture_ticket_calendar_rows')) x
	LOOP
		FOREACH ev IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
			EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER %s ON ccr.%I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION ccr.%I()',
						   'ccr_kpi_capture_tickets_' || lower(ev), ev, t,
						   CASE ev WHEN 'INSERT' THEN 'NEW TABLE AS ccr_new_rows'
								   WHEN 'DELETE' THEN 'OLD TABLE AS ccr_old_rows'
								   ELSE 'OLD TABLE AS ccr_old_rows NEW TABLE AS ccr_new_rows' END,
						   fn);
		END LOOP;
		EXECUTE format('CREATE OR REPLACE TRIGGER ccr_kpi_capture_tickets_truncate AFTER TRUNCATE ON ccr.%I FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_tickets_truncate()', t);
	END LOOP;
END $$;

-- ---------------------------------------------------------------------------
-- Refresh (rebuild = true: recompute whole).  Called by ccr.refresh_kpis()
-- and ccr.rebuild_kpis(), which hold the refresh lock.  The logs are
-- consumed with DELETE ... RETURNING: keys of transactions still open stay.
DO $do$
BEGIN
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_refresh_tickets(rebuild boolean)
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $body$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	concurrent := true;
	-- after a bulk load, one pass over every ticket is cheaper than most
	-- keys one by one
	IF NOT rebuild AND (SELECT count(*) FROM ccr._ticket_pending_keys)
					   > greatest(1000, ccr.kpi_estimated_rows('ccr.ticket_kpi_daily_rollup') / 4) THEN
		rebuild := true;
	END IF;
	IF rebuild THEN
		-- only the rows this snapshot sees: those of open transactions stay
		DELETE FROM ccr.kpi_pending_ticket_days;
		DELETE FROM ccr.ticket_kpi_daily_rollup;
		INSERT INTO ccr.ticket_kpi_daily_rollup %1$s;
		ANALYZE ccr.ticket_kpi_daily_rollup;
	ELSE
		IF to_regclass('pg_temp.kpi_ticket_keys') IS NOT NULL THEN
			DROP TABLE pg_temp.kpi_ticket_keys;
		END IF;
		CREATE TEMP TABLE kpi_ticket_keys (day date, queue text, channel text) ON COMMIT DROP;
		WITH gone AS (DELETE FROM ccr.kpi_pending_ticket_days RETURNING day, queue, channel)
		INSERT INTO kpi_ticket_keys SELECT DISTINCT * FROM gone;
		ANALYZE kpi_ticket_keys;
		DELETE FROM ccr.ticket_kpi_daily_rollup r USING kpi_ticket_keys k
		WHERE r.day = k.day AND r.queue IS NOT DISTINCT FROM k.queue AND r.channel IS NOT DISTINCT FROM k.channel;
		INSERT INTO ccr.ticket_kpi_daily_rollup
		SELECT k.day, k.queue, k.channel, s.*
		FROM kpi_ticket_keys k CROSS JOIN ccr.kpi_params() p
			 CROSS JOIN LATERAL (%2$s) s;
	END IF;
	PERFORM ccr.kpi_analyze_unheld('ccr.kpi_pending_ticket_days');
	matview := 'ccr.ticket_kpi_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('ticket_kpi_daily_rollup', t0);
	RETURN NEXT;
END $body$
$f$, ccr.kpi_ticket_all_sql(), ccr.kpi_ticket_key_sql('k.day', 'k.queue', 'k.channel'));
END $do$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_refresh_tickets(boolean) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_refresh_tickets(boolean) IS 'internal: brings ccr.ticket_kpi_daily_rollup up to date (recomputes the pending keys), or recomputes it whole (rebuild, or when more keys are pending than a quarter of its rows); called by ccr.refresh_kpis() and ccr.rebuild_kpis()';

-- ---------------------------------------------------------------------------
-- Real time: the stored rows of clean keys, and the pending keys computed
-- now (stored rows only with ccr.set_kpi_realtime(false)), with the view
-- owner's rights, as ccr._kpi_hourly_current.
DO $do$
BEGIN
	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._ticket_kpi_daily_current AS
SELECT r.*
FROM ccr.ticket_kpi_daily_rollup r
WHERE NOT EXISTS (SELECT 1 FROM ccr._ticket_pending_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.day = r.day AND k.queue IS NOT DISTINCT FROM r.queue
						AND k.channel IS NOT DISTINCT FROM r.channel)
UNION ALL
SELECT k.day, k.queue, k.channel, s.*
FROM ccr._ticket_pending_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime$v$, ccr.kpi_ticket_key_sql('k.day', 'k.queue', 'k.channel'));
END $do$;
COMMENT ON VIEW ccr._ticket_kpi_daily_current IS 'internal: ccr.ticket_kpi_daily_rollup with the (day, queue, channel) keys changed since the last refresh computed now';

-- The 0.2.0 view over the current rows: backlog is still the running sum
-- over the days of the merged rows.
CREATE OR REPLACE VIEW ccr.ticket_kpi_daily AS
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
FROM ccr._ticket_kpi_daily_current r
WINDOW w AS (PARTITION BY r.queue, r.channel ORDER BY r.day);
COMMENT ON VIEW ccr.ticket_kpi_daily IS
	'ticket KPIs per local day of creation (cohort), queue and channel; backlog = tickets open at the end of the day; stored rows plus the keys changed since the last ccr.refresh_kpis() computed now (ccr.set_kpi_realtime())';
