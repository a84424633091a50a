
-- ===================== continuous KPI layer: definitions =====================
-- Storage (rollup tables, pending-key logs) is in src/sql/0.3.0/10_kpi_layer.sql.
-- Each rollup is defined once here and used by the capture, the refresh,
-- the rebuild, the real-time views and the _live views:
--
--   ccr.kpi_contact_summaries(since, until, grain)  the summaries of the
--       contacts offered in [since, until) per key of a grain: 'hour' (local
--       hour x queue x channel), 'day', 'month' (local day/month x queue x
--       channel) or 'agent_day' (local day x agent);
--   ccr.kpi_quality_summaries(since, until)  CES/QA per local day x agent;
--   ccr.kpi_period_summaries(grain, since, until)  days and months as
--       ccr.rollup() of the stored hourly rows;
-- and the SQL text their bodies and the real-time views are made from.
--
-- Every summary is made of integer counters, so a key computed from its
-- contacts, from its hours, or in another order has the same value and
-- text: the refresh, the rebuild and the _live views agree bit for bit.

-- One reader for every setting (absent row = default).
-- (PL/pgSQL, whose plan lasts the session: a SQL function with a sub-select
-- is never inlined, so it was parsed and planned again at every executor
-- start that called it, about 0.1 ms each, six times per key or live bucket)
CREATE OR REPLACE FUNCTION ccr.setting(setting_name text, fallback text) RETURNS text
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $$
BEGIN
	RETURN coalesce((SELECT s.value FROM ccr.settings s WHERE s.name = setting_name), fallback);
END $$;
COMMENT ON FUNCTION ccr.setting(text, text) IS 'the value of an extension setting (ccr.settings), or fallback when it is not set';

CREATE OR REPLACE FUNCTION ccr.timezone() RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('timezone', 'UTC') $$;
CREATE OR REPLACE FUNCTION ccr.kpi_threshold_s() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('kpi_threshold_s', '20')::double precision $$;
CREATE OR REPLACE FUNCTION ccr.kpi_short_abandon_s() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('kpi_short_abandon_s', '0')::double precision $$;
CREATE OR REPLACE FUNCTION ccr.kpi_policy() RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('kpi_policy', 'negative') $$;
CREATE OR REPLACE FUNCTION ccr.staffing_target_sl() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('staffing_target_sl', '0.8')::double precision $$;
CREATE OR REPLACE FUNCTION ccr.staffing_max_occupancy() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('staffing_max_occupancy', '1')::double precision $$;
CREATE OR REPLACE FUNCTION ccr.staffing_shrinkage() RETURNS double precision
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('staffing_shrinkage', '0')::double precision $$;

CREATE OR REPLACE FUNCTION ccr.kpi_fcr_window() RETURNS interval
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('kpi_fcr_window', '7 days')::interval $$;
COMMENT ON FUNCTION ccr.kpi_fcr_window() IS 'repeat-contact FCR window of the KPI views, default 7 days; set with ccr.set_kpi_fcr_window()';
CREATE OR REPLACE FUNCTION ccr.kpi_realtime() RETURNS boolean
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT ccr.setting('kpi_realtime', 'true')::boolean $$;
COMMENT ON FUNCTION ccr.kpi_realtime() IS 'whether the KPI views add the keys changed since the last refresh, computed live (default true); set with ccr.set_kpi_realtime()';

-- Every KPI parameter in one row, read once per query (its subqueries are
-- init plans).  fcr_window is in seconds only, so "7 days" means 604800 s
-- whatever the session's time zone (interval arithmetic on days would
-- follow the session's daylight saving changes).
CREATE OR REPLACE FUNCTION ccr.kpi_params()
	RETURNS TABLE (tz text, threshold_s double precision, short_abandon_s double precision, policy text,
				   fcr_window interval, realtime boolean)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
SELECT (SELECT ccr.timezone()), (SELECT ccr.kpi_threshold_s()), (SELECT ccr.kpi_short_abandon_s()),
	   (SELECT ccr.kpi_policy()), (SELECT extract(epoch FROM ccr.kpi_fcr_window()) * interval '1 second'),
	   (SELECT ccr.kpi_realtime())
$$;
COMMENT ON FUNCTION ccr.kpi_params() IS 'internal: every KPI parameter in one row (time zone, service-level threshold, short-abandon bound, policy, FCR window in seconds, real-time flag)';

-- ---------------------------------------------------------------------------
-- The local bucket of a contact for a grain, and where its contacts end:
-- reading [bucket, kpi_read_until) and keeping the rows of the bucket is
-- exact whatever the zone's offset changes.
CREATE OR REPLACE FUNCTION ccr.kpi_read_until(grain text, bucket timestamptz, tz text) RETURNS timestamptz
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
SELECT CASE grain WHEN 'hour' THEN bucket + interval '2 hours'
				  WHEN 'month' THEN (date_trunc('month', bucket AT TIME ZONE tz) + interval '1 month') AT TIME ZONE tz + interval '2 hours'
				  ELSE (date_trunc('day', bucket AT TIME ZONE tz) + interval '1 day') AT TIME ZONE tz + interval '2 hours' END
$$;
COMMENT ON FUNCTION ccr.kpi_read_until(text, timestamptz, text) IS 'internal: an instant after every contact of the local bucket (hour, day, agent_day or month) starting at bucket';

-- Where a local bucket ends: the start of the next one.  A local hour or
-- day lasts up to 2 hours more or less than nominal (daylight saving), so
-- the next one starts at the first of two truncations past the nominal end.
CREATE OR REPLACE FUNCTION ccr.kpi_bucket_end(grain text, bucket timestamptz, tz text) RETURNS timestamptz
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
SELECT CASE grain WHEN 'month' THEN date_trunc('month', bucket + interval '32 days', tz)
	   ELSE (SELECT min(t) FROM (VALUES (date_trunc(g, bucket + nominal, tz)), (date_trunc(g, bucket + nominal + interval '2 hours', tz))) x(t)
			 WHERE t > bucket) END
FROM (SELECT CASE WHEN grain = 'hour' THEN 'hour' ELSE 'day' END AS g,
			 CASE WHEN grain = 'hour' THEN interval '1 hour' ELSE interval '24 hours' END AS nominal) n
$$;
COMMENT ON FUNCTION ccr.kpi_bucket_end(text, timestamptz, text) IS 'internal: the start of the local bucket (hour, day, agent_day or month in zone tz) after the one starting at bucket';

-- ---------------------------------------------------------------------------
-- What each rollup holds, written once as SQL text and expanded into every
-- function and view below that computes it (the DO blocks): the rebuild
-- and the live views call functions with the caller's rights, while the
-- real-time views compute changed keys in their own body, with their
-- owner's rights (a function inlined into a view would check the reader's
-- rights on ccr.contacts; a SECURITY DEFINER function would be callable by
-- anyone).  p is ccr.kpi_params(); c a contact with its repeat-contact flags.

-- Contacts matching cond, each with its repeat-contact flags (spec
-- "Repeat-contact FCR": first when no contact of the customer lies within
-- the window before, resolved when also none within the window after;
-- contacts at the same instant are ordered by contact_id, so each counts
-- once and in one queue), found by one range scan of (customer, offered_at)
-- over the window on both sides (two probes cost 13-16 % more).
CREATE OR REPLACE FUNCTION ccr.kpi_flagged_contacts_sql(cond text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
-- (OFFSET 0 keeps the flags one column each: a flattened subquery would
-- copy the scan into every expression that reads it)
SELECT format($q$(SELECT c.*, f.first_contact, f.first_contact AND f.no_repeat AS resolved_first_contact
	FROM ccr.contacts c
		 CROSS JOIN LATERAL (
			 SELECT c.customer IS NOT NULL
					AND count(*) FILTER (WHERE d.offered_at < c.offered_at
										 OR (d.offered_at = c.offered_at AND d.contact_id < c.contact_id)) = 0 AS first_contact,
					count(*) FILTER (WHERE d.offered_at > c.offered_at
									 OR (d.offered_at = c.offered_at AND d.contact_id > c.contact_id)) = 0 AS no_repeat
			 FROM ccr.contacts d
			 WHERE d.customer = c.customer
				   AND d.offered_at >= c.offered_at - p.fcr_window AND d.offered_at <= c.offered_at + p.fcr_window
			 OFFSET 0) f
	WHERE %s)$q$, cond)
$f$;
COMMENT ON FUNCTION ccr.kpi_flagged_contacts_sql(text) IS 'internal: SQL text of a subquery of the contacts matching cond with their repeat-contact flags first_contact and resolved_first_contact';

-- The first contacts of the whole history, from one sort per customer
-- instead of a range scan per contact (what the rebuild stores in
-- ccr.kpi_first_contacts; the two agree: the property test compares refresh
-- and rebuild bit for bit).
CREATE OR REPLACE FUNCTION ccr.kpi_history_first_contacts_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$SELECT w.contact_id, date_trunc('hour', w.offered_at, p.tz), w.queue, w.channel,
	   (w.offered_at AT TIME ZONE p.tz)::date, w.agent,
	   w.next_at IS NULL OR w.next_at - w.offered_at > p.fcr_window
FROM ccr.kpi_params() p,
	 LATERAL (SELECT c.contact_id, c.offered_at, c.queue, c.channel, c.agent,
					 lag(c.offered_at) OVER byc AS previous_at, lead(c.offered_at) OVER byc AS next_at
			  FROM ccr.contacts c WHERE c.customer IS NOT NULL
			  WINDOW byc AS (PARTITION BY c.customer ORDER BY c.offered_at, c.contact_id)) w
WHERE w.previous_at IS NULL OR w.offered_at - w.previous_at > p.fcr_window$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_history_first_contacts_sql() IS 'internal: SQL text of the rows of ccr.kpi_first_contacts for the whole history (one sort per customer)';

-- Contacts with the flags the stored rollups count (ccr.kpi_first_contacts).
CREATE OR REPLACE FUNCTION ccr.kpi_counted_contacts_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$(SELECT c.*, f.contact_id IS NOT NULL AS first_contact, coalesce(f.resolved, false) AS resolved_first_contact
	FROM ccr.contacts c LEFT JOIN ccr.kpi_first_contacts f ON f.contact_id = c.contact_id)$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_counted_contacts_sql() IS 'internal: SQL text of a subquery of every contact with the repeat-contact flags ccr.kpi_first_contacts holds for it';

-- The summaries of a set of contacts c.
CREATE OR REPLACE FUNCTION ccr.kpi_contact_aggregates_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$count(*) AS contacts,
	   ccr.sl_agg(c.wait_s, c.answered, p.threshold_s, p.short_abandon_s) AS sl,
	   ccr.aht_agg(c.talk_s, c.hold_s, c.acw_s) AS aht,
	   ccr.rate_agg(c.fcr) AS fcr,
	   ccr.rate_agg(c.resolved) AS resolution,
	   ccr.csat_agg(c.csat_score, c.csat_scale) AS csat,
	   ccr.nps_agg(c.nps_score) AS nps,
	   count(*) FILTER (WHERE c.first_contact) AS first_contacts,
	   count(*) FILTER (WHERE c.resolved_first_contact) AS resolved_first_contacts$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_contact_aggregates_sql() IS 'internal: SQL text of the KPI summaries (contacts, sl, aht, fcr, resolution, csat, nps, first_contacts, resolved_first_contacts) of contacts c';

-- Days and months: the rollup of current hours h.
CREATE OR REPLACE FUNCTION ccr.kpi_rollup_aggregates_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$sum(h.contacts)::bigint AS contacts, ccr.rollup(h.sl) AS sl, ccr.rollup(h.aht) AS aht,
	   ccr.rollup(h.fcr) AS fcr, ccr.rollup(h.resolution) AS resolution, ccr.rollup(h.csat) AS csat,
	   ccr.rollup(h.nps) AS nps, sum(h.first_contacts)::bigint AS first_contacts,
	   sum(h.resolved_first_contacts)::bigint AS resolved_first_contacts$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_rollup_aggregates_sql() IS 'internal: SQL text of the ccr.rollup() of hourly rows h (sums of the counts)';

-- Quality: CES, answered and surveyed of contacts c; QA of evaluations e.
CREATE OR REPLACE FUNCTION ccr.kpi_ces_aggregates_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$-- ccr.contacts keeps no CES scale (only ces_score >= 1): mean of the scores as stored
	   ccr.ces_agg(c.ces_score, greatest(c.ces_score, 2)) AS ces,
	   count(*) FILTER (WHERE c.answered) AS answered,
	   count(*) FILTER (WHERE c.answered AND (c.csat_score IS NOT NULL OR c.nps_score IS NOT NULL
											  OR c.ces_score IS NOT NULL)) AS surveyed$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_ces_aggregates_sql() IS 'internal: SQL text of the CES summary and the answered and surveyed counts of contacts c';
CREATE OR REPLACE FUNCTION ccr.kpi_qa_aggregates_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$ SELECT $q$ccr.qa_agg(e.earned, e.possible, e.auto_fail) AS qa$q$ $f$;
COMMENT ON FUNCTION ccr.kpi_qa_aggregates_sql() IS 'internal: SQL text of the QA summary of evaluations e';

-- One key's rows.  The key columns are SQL expressions (k.bucket, ...);
-- no row when the key has no contacts (any more).
CREATE OR REPLACE FUNCTION ccr.kpi_hour_key_sql(bucket text, queue text, channel text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT %1$s FROM %2$s c WHERE date_trunc('hour', c.offered_at, p.tz) = %3$s HAVING count(*) > 0$q$,
			  ccr.kpi_contact_aggregates_sql(),
			  ccr.kpi_flagged_contacts_sql(format($q$c.offered_at >= %1$s AND c.offered_at < %1$s + interval '2 hours'
				  AND c.channel = %3$s AND (c.queue = %2$s OR (%2$s IS NULL AND c.queue IS NULL))$q$, bucket, queue, channel)),
			  bucket)
$f$;
COMMENT ON FUNCTION ccr.kpi_hour_key_sql(text, text, text) IS 'internal: SQL text of the summaries of one (local hour, queue, channel) key from its contacts';

CREATE OR REPLACE FUNCTION ccr.kpi_agent_key_sql(day text, agent text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT %1$s FROM %2$s c WHERE date_trunc('day', c.offered_at, p.tz) = (%3$s)::timestamp AT TIME ZONE p.tz HAVING count(*) > 0$q$,
			  ccr.kpi_contact_aggregates_sql(),
			  ccr.kpi_flagged_contacts_sql(format($q$c.agent = %2$s AND c.offered_at >= (%1$s)::timestamp AT TIME ZONE p.tz
				  AND c.offered_at < ccr.kpi_read_until('agent_day', (%1$s)::timestamp AT TIME ZONE p.tz, p.tz)$q$, day, agent)),
			  day)
$f$;
COMMENT ON FUNCTION ccr.kpi_agent_key_sql(text, text) IS 'internal: SQL text of the summaries of one (local day, agent) key from its contacts';

-- (from the hours in relation hours: the current ones for the real-time
-- views; the stored ones for the refresh, which keeps each stored period the
-- rollup of its stored hours, so that flag changes added to both agree)
CREATE OR REPLACE FUNCTION ccr.kpi_period_key_from_sql(hours text, grain text, bucket text, queue text, channel text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT %1$s FROM %6$s h
	WHERE h.bucket >= %3$s AND h.bucket < ccr.kpi_read_until(%2$L, %3$s, p.tz) AND date_trunc(%2$L, h.bucket, p.tz) = %3$s
		  AND h.channel = %5$s AND (h.queue = %4$s OR (%4$s IS NULL AND h.queue IS NULL))
	HAVING count(*) > 0$q$, ccr.kpi_rollup_aggregates_sql(), grain, bucket, queue, channel, hours)
$f$;
COMMENT ON FUNCTION ccr.kpi_period_key_from_sql(text, text, text, text, text) IS 'internal: SQL text of the summaries of one (local day or month, queue, channel) key rolled up from its hours in relation hours';

CREATE OR REPLACE FUNCTION ccr.kpi_period_key_sql(grain text, bucket text, queue text, channel text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$ SELECT ccr.kpi_period_key_from_sql('ccr._kpi_hourly_current', grain, bucket, queue, channel) $f$;
COMMENT ON FUNCTION ccr.kpi_period_key_sql(text, text, text, text) IS 'internal: SQL text of the summaries of one (local day or month, queue, channel) key rolled up from its current hours';

-- (QA of an evaluated contact counts on the contact's day, else on that of
-- the evaluation)
CREATE OR REPLACE FUNCTION ccr.kpi_quality_key_sql(day text, agent text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT CASE WHEN cs.n > 0 THEN cs.ces END AS ces, CASE WHEN qs.n > 0 THEN qs.qa END AS qa,
		   CASE WHEN cs.n > 0 THEN cs.answered ELSE 0 END AS answered, CASE WHEN cs.n > 0 THEN cs.surveyed ELSE 0 END AS surveyed
	FROM (SELECT count(*) AS n, %1$s FROM ccr.contacts c
		  WHERE c.agent = %4$s AND c.offered_at >= (%3$s)::timestamp AT TIME ZONE p.tz
				AND c.offered_at < ccr.kpi_read_until('agent_day', (%3$s)::timestamp AT TIME ZONE p.tz, p.tz)
				AND date_trunc('day', c.offered_at, p.tz) = (%3$s)::timestamp AT TIME ZONE p.tz) cs,
		 (SELECT count(*) AS n, %2$s FROM ccr.qa_evaluations e LEFT JOIN ccr.contacts ct ON ct.contact_id = e.contact_id
		  WHERE e.agent = %4$s AND date_trunc('day', coalesce(ct.offered_at, e.evaluated_at), p.tz) = (%3$s)::timestamp AT TIME ZONE p.tz) qs
	WHERE cs.n > 0 OR qs.n > 0$q$, ccr.kpi_ces_aggregates_sql(), ccr.kpi_qa_aggregates_sql(), day, agent)
$f$;
COMMENT ON FUNCTION ccr.kpi_quality_key_sql(text, text) IS 'internal: SQL text of the quality summaries of one (local day, agent) key';

DO $do$
DECLARE
	summary_columns text := $c$bucket timestamptz, k1 text, k2 text, contacts bigint,
				   sl ccr.sl_summary, aht ccr.aht_summary, fcr ccr.rate_summary, resolution ccr.rate_summary,
				   csat ccr.csat_summary, nps ccr.nps_summary,
				   first_contacts bigint, resolved_first_contacts bigint$c$;
BEGIN
	-- The summaries of contacts offered in [since, until) per key of a grain:
	-- 'hour', 'day', 'month' (x queue x channel: k1, k2) or 'agent_day' (x
	-- agent: k1).  Inlined into its callers, so their filters reach the
	-- indexes.
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_contact_summaries(since timestamptz, until timestamptz, grain text)
	RETURNS TABLE (%s)
	LANGUAGE sql STABLE
	AS $body$
SELECT date_trunc(CASE WHEN grain = 'agent_day' THEN 'day' ELSE grain END, c.offered_at, p.tz),
	   CASE WHEN grain = 'agent_day' THEN c.agent ELSE c.queue END,
	   CASE WHEN grain = 'agent_day' THEN NULL ELSE c.channel END,
	   %s
FROM ccr.kpi_params() p, LATERAL %s c
WHERE grain <> 'agent_day' OR c.agent IS NOT NULL
GROUP BY 1, 2, 3
$body$$f$, summary_columns, ccr.kpi_contact_aggregates_sql(),
		ccr.kpi_flagged_contacts_sql('c.offered_at >= since AND c.offered_at < until'));

	-- One bucket's summaries for the live views, planned when they are read
	-- with JIT off: the planner prices the flag scans as if they read much
	-- more than one bucket, so with PostgreSQL's default JIT settings each
	-- read compiled its expressions first (the last day of kpi_hourly_live:
	-- 404 ms of CPU with JIT, 76-124 ms without, on 3M contacts).
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_live_summaries(since timestamptz, until timestamptz, grain text)
	RETURNS TABLE (%s)
	LANGUAGE sql STABLE
	SET jit = off
	AS $body$ SELECT * FROM ccr.kpi_contact_summaries(since, until, grain) $body$$f$, summary_columns);

	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_ces_summaries(since timestamptz, until timestamptz)
	RETURNS TABLE (bucket timestamptz, agent text, ces ccr.ces_summary, answered bigint, surveyed bigint)
	LANGUAGE sql STABLE
	AS $body$
SELECT date_trunc('day', c.offered_at, p.tz), c.agent, %s
FROM ccr.contacts c, ccr.kpi_params() p
WHERE c.agent IS NOT NULL AND c.offered_at >= since AND c.offered_at < until
GROUP BY 1, 2
$body$$f$, ccr.kpi_ces_aggregates_sql());

	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_qa_summaries(since timestamptz, until timestamptz)
	RETURNS TABLE (bucket timestamptz, agent text, qa ccr.qa_summary)
	LANGUAGE sql STABLE
	AS $body$
SELECT date_trunc('day', coalesce(ct.offered_at, e.evaluated_at), p.tz), e.agent, %s
FROM ccr.qa_evaluations e
	 LEFT JOIN ccr.contacts ct ON ct.contact_id = e.contact_id
	 CROSS JOIN ccr.kpi_params() p
WHERE coalesce(ct.offered_at, e.evaluated_at) >= since AND coalesce(ct.offered_at, e.evaluated_at) < until
GROUP BY 1, 2
$body$$f$, ccr.kpi_qa_aggregates_sql());
END $do$;
COMMENT ON FUNCTION ccr.kpi_contact_summaries(timestamptz, timestamptz, text) IS 'internal: KPI summaries and repeat-contact FCR counts of the contacts offered in [since, until), per local bucket of grain (hour, day, month: x queue x channel; agent_day: x agent)';
COMMENT ON FUNCTION ccr.kpi_live_summaries(timestamptz, timestamptz, text) IS 'internal: ccr.kpi_contact_summaries of one live bucket, planned with JIT off';
COMMENT ON FUNCTION ccr.kpi_ces_summaries(timestamptz, timestamptz) IS 'internal: CES summary, answered and surveyed contacts per local day and agent of the contacts offered in [since, until)';
COMMENT ON FUNCTION ccr.kpi_qa_summaries(timestamptz, timestamptz) IS 'internal: QA summaries per local day (of the evaluated contact, else of the evaluation) and agent in [since, until)';

CREATE OR REPLACE FUNCTION ccr.kpi_qa_visible(since timestamptz, until timestamptz)
	RETURNS TABLE (bucket timestamptz, agent text, qa ccr.qa_summary)
	LANGUAGE plpgsql STABLE
	AS $$
BEGIN
	IF pg_catalog.has_table_privilege('ccr.qa_evaluations', 'SELECT')
	   AND pg_catalog.has_table_privilege('ccr.contacts', 'SELECT') THEN
		RETURN QUERY SELECT * FROM ccr.kpi_qa_summaries(since, until);
	END IF;
END $$;
COMMENT ON FUNCTION ccr.kpi_qa_visible(timestamptz, timestamptz) IS 'internal: ccr.kpi_qa_summaries for a caller who may read ccr.qa_evaluations, else no rows';

CREATE OR REPLACE FUNCTION ccr.kpi_quality_summaries(since timestamptz, until timestamptz)
	RETURNS TABLE (bucket timestamptz, agent text, ces ccr.ces_summary, qa ccr.qa_summary,
				   answered bigint, surveyed bigint)
	LANGUAGE sql STABLE
	AS $$
SELECT bucket, agent, c.ces, q.qa, coalesce(c.answered, 0), coalesce(c.surveyed, 0)
FROM ccr.kpi_ces_summaries(since, until) c FULL JOIN ccr.kpi_qa_summaries(since, until) q USING (bucket, agent)
$$;
COMMENT ON FUNCTION ccr.kpi_quality_summaries(timestamptz, timestamptz) IS 'internal: CES and QA summaries, answered and surveyed contacts per local day and agent for [since, until)';

-- ---------------------------------------------------------------------------
-- Pending keys, distinct.
CREATE OR REPLACE VIEW ccr._kpi_pending_hour_keys AS
SELECT DISTINCT h.bucket, h.queue, h.channel FROM ccr.kpi_pending_hours h;
COMMENT ON VIEW ccr._kpi_pending_hour_keys IS 'internal: distinct (local hour, queue, channel) keys changed since the last refresh';

CREATE OR REPLACE VIEW ccr._kpi_pending_agent_day_keys AS
SELECT DISTINCT a.day, a.agent FROM ccr.kpi_pending_agent_days a;
COMMENT ON VIEW ccr._kpi_pending_agent_day_keys IS 'internal: distinct (local day, agent) keys changed since the last refresh';

-- The days and months above an hour.
CREATE OR REPLACE FUNCTION ccr.kpi_periods_of(hour timestamptz)
	RETURNS TABLE (grain text, bucket timestamptz)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT g, date_trunc(g, hour, p.tz) FROM ccr.kpi_params() p, unnest(ARRAY['day', 'month']) g $$;
COMMENT ON FUNCTION ccr.kpi_periods_of(timestamptz) IS 'internal: the local day and month (grain, bucket) that contain an hour bucket';

CREATE OR REPLACE VIEW ccr._kpi_pending_period_keys AS
SELECT DISTINCT g.grain, g.bucket, k.queue, k.channel
FROM ccr._kpi_pending_hour_keys k CROSS JOIN LATERAL ccr.kpi_periods_of(k.bucket) g;
COMMENT ON VIEW ccr._kpi_pending_period_keys IS 'internal: distinct (grain day or month, local bucket, queue, channel) keys above the pending hours';

-- Contacts pending for their repeat-contact FCR flags only: each with the
-- keys its flags are counted in (those of ccr.kpi_first_contacts when it is
-- counted there, else its own) and, with flags, the differences of its two
-- flags from what is counted.  Keys also pending as changed keys are
-- recomputed whole instead (their readers skip these rows).
CREATE OR REPLACE FUNCTION ccr.kpi_fcr_delta_columns_sql() RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT $q$CASE WHEN o.contact_id IS NULL THEN date_trunc('hour', c.offered_at, p.tz) ELSE o.bucket END AS bucket,
	   CASE WHEN o.contact_id IS NULL THEN c.queue ELSE o.queue END AS queue,
	   CASE WHEN o.contact_id IS NULL THEN c.channel ELSE o.channel END AS channel,
	   CASE WHEN o.contact_id IS NULL THEN (c.offered_at AT TIME ZONE p.tz)::date ELSE o.day END AS day,
	   CASE WHEN o.contact_id IS NULL THEN c.agent ELSE o.agent END AS agent$q$
$f$;
COMMENT ON FUNCTION ccr.kpi_fcr_delta_columns_sql() IS 'internal: SQL text of the hour and agent-day key columns a contact c''s flags are counted in (those of its ccr.kpi_first_contacts row o, else its own)';

CREATE OR REPLACE FUNCTION ccr.kpi_fcr_pending_sql(with_flags boolean) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
SELECT format($q$SELECT %s%s
FROM (SELECT DISTINCT i.contact_id FROM ccr.kpi_pending_fcr i) i
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL %s c
	 LEFT JOIN ccr.kpi_first_contacts o ON o.contact_id = i.contact_id
%s$q$,
	ccr.kpi_fcr_delta_columns_sql(),
	CASE WHEN with_flags THEN $q$,
	   c.first_contact::integer - (o.contact_id IS NOT NULL)::integer AS d_first,
	   c.resolved_first_contact::integer - coalesce(o.resolved, false)::integer AS d_resolved$q$ ELSE '' END,
	CASE WHEN with_flags THEN ccr.kpi_flagged_contacts_sql('c.contact_id = i.contact_id')
		 ELSE '(SELECT * FROM ccr.contacts c WHERE c.contact_id = i.contact_id)' END,
	-- (the keys are listed whatever ccr.kpi_realtime(): its readers decide)
	CASE WHEN with_flags THEN 'WHERE p.realtime' ELSE '' END)
$f$;
COMMENT ON FUNCTION ccr.kpi_fcr_pending_sql(boolean) IS 'internal: SQL text of the contacts pending for their repeat-contact FCR flags, with the hour and agent-day keys they are counted in and (with_flags) the differences d_first, d_resolved of their flags from ccr.kpi_first_contacts';

DO $do$
BEGIN
	EXECUTE 'CREATE OR REPLACE VIEW ccr._kpi_fcr_pending_keys AS ' || ccr.kpi_fcr_pending_sql(false);
	EXECUTE 'CREATE OR REPLACE VIEW ccr._kpi_fcr_pending_deltas AS ' || ccr.kpi_fcr_pending_sql(true);
END $do$;
COMMENT ON VIEW ccr._kpi_fcr_pending_keys IS 'internal: the hour and agent-day keys of the contacts pending for their repeat-contact FCR flags';
COMMENT ON VIEW ccr._kpi_fcr_pending_deltas IS 'internal: the contacts pending for their repeat-contact FCR flags with their keys and flag differences d_first, d_resolved from what the rollups count (none with ccr.set_kpi_realtime(false))';

-- ---------------------------------------------------------------------------
-- Current rows: stored rows of clean keys, and pending keys computed live
-- (stored rows only with ccr.set_kpi_realtime(false)).  Filters on bucket,
-- day, queue or agent reach both the rollup's index and the pending keys.
DO $do$
BEGIN
	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._kpi_hourly_current AS
-- clean keys, and keys whose contacts only changed FCR flags (stored row
-- plus the differences)
SELECT r.bucket, r.queue, r.channel, r.contacts, r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps,
	   r.first_contacts + coalesce(d.d_first, 0) AS first_contacts,
	   r.resolved_first_contacts + coalesce(d.d_resolved, 0) AS resolved_first_contacts
FROM ccr.kpi_hourly_rollup r
	 LEFT JOIN (SELECT d.bucket, d.queue, d.channel, sum(d.d_first) AS d_first, sum(d.d_resolved) AS d_resolved
				FROM ccr._kpi_fcr_pending_deltas d GROUP BY d.bucket, d.queue, d.channel) d
		 ON d.bucket = r.bucket AND d.channel = r.channel AND d.queue IS NOT DISTINCT FROM r.queue
WHERE NOT EXISTS (SELECT 1 FROM ccr._kpi_pending_hour_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.bucket = r.bucket AND k.queue IS NOT DISTINCT FROM r.queue
						AND k.channel = r.channel)
UNION ALL
SELECT k.bucket, k.queue, k.channel, s.*
FROM ccr._kpi_pending_hour_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime$v$, ccr.kpi_hour_key_sql('k.bucket', 'k.queue', 'k.channel'));

	-- days and months from the stored hours, for [since, until): the rebuild
	-- keeps each stored period the rollup of its stored hours (current hours
	-- would add changes it did not consume)
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_period_summaries(grain text, since timestamptz, until timestamptz)
	RETURNS TABLE (bucket timestamptz, queue text, channel text, contacts bigint,
				   sl ccr.sl_summary, aht ccr.aht_summary, fcr ccr.rate_summary, resolution ccr.rate_summary,
				   csat ccr.csat_summary, nps ccr.nps_summary,
				   first_contacts bigint, resolved_first_contacts bigint)
	LANGUAGE sql STABLE
	AS $body$
SELECT date_trunc(grain, h.bucket, p.tz), h.queue, h.channel, %s
FROM ccr.kpi_hourly_rollup h, ccr.kpi_params() p
WHERE h.bucket >= since AND h.bucket < until
GROUP BY 1, 2, 3
$body$$f$, ccr.kpi_rollup_aggregates_sql());

	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._kpi_daily_current AS
SELECT r.bucket, r.day, r.queue, r.channel, r.contacts, r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps,
	   r.first_contacts + coalesce(d.d_first, 0) AS first_contacts,
	   r.resolved_first_contacts + coalesce(d.d_resolved, 0) AS resolved_first_contacts
FROM ccr.kpi_daily_rollup r
	 LEFT JOIN (SELECT g.bucket, d.queue, d.channel, sum(d.d_first) AS d_first, sum(d.d_resolved) AS d_resolved
				FROM ccr._kpi_fcr_pending_deltas d CROSS JOIN LATERAL ccr.kpi_periods_of(d.bucket) g
				WHERE g.grain = 'day' GROUP BY g.bucket, d.queue, d.channel) d
		 ON d.bucket = r.bucket AND d.channel = r.channel AND d.queue IS NOT DISTINCT FROM r.queue
WHERE NOT EXISTS (SELECT 1 FROM ccr._kpi_pending_period_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.grain = 'day' AND k.bucket = r.bucket
						AND k.queue IS NOT DISTINCT FROM r.queue AND k.channel = r.channel)
UNION ALL
SELECT k.bucket, (k.bucket AT TIME ZONE p.tz)::date, k.queue, k.channel, s.*
FROM ccr._kpi_pending_period_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime AND k.grain = 'day'$v$, ccr.kpi_period_key_sql('day', 'k.bucket', 'k.queue', 'k.channel'));

	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._kpi_monthly_current AS
SELECT r.month, r.bucket, r.queue, r.channel, r.contacts, r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps,
	   r.first_contacts + coalesce(d.d_first, 0) AS first_contacts,
	   r.resolved_first_contacts + coalesce(d.d_resolved, 0) AS resolved_first_contacts
FROM ccr.kpi_monthly_rollup r
	 LEFT JOIN (SELECT g.bucket, d.queue, d.channel, sum(d.d_first) AS d_first, sum(d.d_resolved) AS d_resolved
				FROM ccr._kpi_fcr_pending_deltas d CROSS JOIN LATERAL ccr.kpi_periods_of(d.bucket) g
				WHERE g.grain = 'month' GROUP BY g.bucket, d.queue, d.channel) d
		 ON d.bucket = r.bucket AND d.channel = r.channel AND d.queue IS NOT DISTINCT FROM r.queue
WHERE NOT EXISTS (SELECT 1 FROM ccr._kpi_pending_period_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.grain = 'month' AND k.bucket = r.bucket
						AND k.queue IS NOT DISTINCT FROM r.queue AND k.channel = r.channel)
UNION ALL
SELECT (k.bucket AT TIME ZONE p.tz)::date, k.bucket, k.queue, k.channel, s.*
FROM ccr._kpi_pending_period_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime AND k.grain = 'month'$v$, ccr.kpi_period_key_sql('month', 'k.bucket', 'k.queue', 'k.channel'));

	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._kpi_agent_daily_current AS
SELECT r.bucket, r.day, r.agent, r.contacts, r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps,
	   r.first_contacts + coalesce(d.d_first, 0) AS first_contacts,
	   r.resolved_first_contacts + coalesce(d.d_resolved, 0) AS resolved_first_contacts
FROM ccr.kpi_agent_daily_rollup r
	 LEFT JOIN (SELECT d.day, d.agent, sum(d.d_first) AS d_first, sum(d.d_resolved) AS d_resolved
				FROM ccr._kpi_fcr_pending_deltas d WHERE d.agent IS NOT NULL GROUP BY d.day, d.agent) d
		 ON d.day = r.day AND d.agent = r.agent
WHERE NOT EXISTS (SELECT 1 FROM ccr._kpi_pending_agent_day_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.day = r.day AND k.agent = r.agent)
UNION ALL
SELECT k.day::timestamp AT TIME ZONE p.tz, k.day, k.agent, s.*
FROM ccr._kpi_pending_agent_day_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime$v$, ccr.kpi_agent_key_sql('k.day', 'k.agent'));

	EXECUTE format($v$
CREATE OR REPLACE VIEW ccr._quality_agent_daily_current AS
SELECT r.bucket, r.day, r.agent, r.ces, r.qa, r.answered, r.surveyed
FROM ccr.quality_agent_daily_rollup r
WHERE NOT EXISTS (SELECT 1 FROM ccr._kpi_pending_agent_day_keys k, ccr.kpi_params() p
				  WHERE p.realtime AND k.day = r.day AND k.agent = r.agent)
UNION ALL
SELECT k.day::timestamp AT TIME ZONE p.tz, k.day, k.agent, s.*
FROM ccr._kpi_pending_agent_day_keys k
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (%s) s
WHERE p.realtime$v$, ccr.kpi_quality_key_sql('k.day', 'k.agent'));
END $do$;
COMMENT ON VIEW ccr._kpi_hourly_current IS 'internal: ccr.kpi_hourly_rollup with the keys changed since the last refresh computed now';
COMMENT ON FUNCTION ccr.kpi_period_summaries(text, timestamptz, timestamptz) IS 'internal: KPI summaries per local day or month (grain), queue and channel, rolled up from the stored hourly rows (ccr.kpi_hourly_rollup) in [since, until)';
COMMENT ON VIEW ccr._kpi_daily_current IS 'internal: ccr.kpi_daily_rollup with the days above changed hours rolled up now';
COMMENT ON VIEW ccr._kpi_monthly_current IS 'internal: ccr.kpi_monthly_rollup with the months above changed hours rolled up now';
COMMENT ON VIEW ccr._kpi_agent_daily_current IS 'internal: ccr.kpi_agent_daily_rollup with the (day, agent) keys changed since the last refresh computed now';
COMMENT ON VIEW ccr._quality_agent_daily_current IS 'internal: ccr.quality_agent_daily_rollup with the (day, agent) keys changed since the last refresh computed now';

-- ---------------------------------------------------------------------------
-- The accessor columns of every KPI view, defined once.
CREATE OR REPLACE FUNCTION ccr.kpi_measures(sl ccr.sl_summary, aht ccr.aht_summary, fcr ccr.rate_summary,
											resolution ccr.rate_summary, csat ccr.csat_summary, nps ccr.nps_summary,
											contacts bigint, first_contacts bigint, resolved_first_contacts bigint,
											policy text)
	RETURNS TABLE (offered bigint, answered bigint, abandoned bigint, service_level double precision,
				   abandon_rate double precision, asa_s double precision, aht_s double precision,
				   fcr_rate double precision, resolution_rate double precision, csat double precision,
				   nps double precision, contacts bigint, short_abandons bigint, handled bigint,
				   csat_responses bigint, nps_responses bigint,
				   repeat_fcr_rate double precision, first_contacts bigint)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT coalesce(ccr.offered(sl), 0), coalesce(ccr.answered(sl), 0), coalesce(ccr.abandoned(sl), 0),
	   ccr.service_level(sl, policy), ccr.abandon_rate(sl), ccr.asa(sl), ccr.aht(aht),
	   ccr.rate(fcr), ccr.rate(resolution), ccr.csat(csat), ccr.nps(nps), contacts,
	   coalesce(ccr.short_abandons(sl), 0), coalesce(ccr.handled(aht), 0),
	   coalesce(ccr.responses(csat), 0), coalesce(ccr.responses(nps), 0),
	   resolved_first_contacts::double precision / nullif(first_contacts, 0), first_contacts
$$;
COMMENT ON FUNCTION ccr.kpi_measures(ccr.sl_summary, ccr.aht_summary, ccr.rate_summary, ccr.rate_summary, ccr.csat_summary, ccr.nps_summary, bigint, bigint, bigint, text) IS 'internal: the KPI view columns (offered .. nps_responses, repeat_fcr_rate, first_contacts) of one row of summaries';

-- ---------------------------------------------------------------------------
-- The BI views.  Owner's rights (not security_invoker): GRANT SELECT on a
-- view is all a reader needs.  They expose every queue: see docs/model.md
-- for row-level restrictions.
CREATE OR REPLACE VIEW ccr.kpi_hourly AS
SELECT r.bucket, r.queue, r.channel, m.*
FROM ccr._kpi_hourly_current r
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL ccr.kpi_measures(r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps, r.contacts,
										 r.first_contacts, r.resolved_first_contacts, p.policy) m;

CREATE OR REPLACE VIEW ccr.kpi_daily AS
SELECT r.bucket, r.day, r.queue, r.channel, m.*
FROM ccr._kpi_daily_current r
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL ccr.kpi_measures(r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps, r.contacts,
										 r.first_contacts, r.resolved_first_contacts, p.policy) m;

CREATE OR REPLACE VIEW ccr.kpi_monthly AS
SELECT r.bucket, r.month, r.queue, r.channel, m.*
FROM ccr._kpi_monthly_current r
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL ccr.kpi_measures(r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps, r.contacts,
										 r.first_contacts, r.resolved_first_contacts, p.policy) m;

-- The agent view: the measures, occupancy (presence) and quality columns,
-- in the order 0.2.0 appended them, then the repeat-contact FCR columns.
CREATE OR REPLACE FUNCTION ccr.kpi_agent_columns(r ccr._kpi_agent_daily_current, occupancy double precision,
												 q ccr._quality_agent_daily_current, policy text)
	RETURNS TABLE (bucket timestamptz, day date, agent text, offered bigint, answered bigint, abandoned bigint,
				   service_level double precision, abandon_rate double precision, asa_s double precision,
				   aht_s double precision, fcr_rate double precision, resolution_rate double precision,
				   csat double precision, nps double precision, contacts bigint, short_abandons bigint,
				   handled bigint, csat_responses bigint, nps_responses bigint, occupancy double precision,
				   csat_pct double precision, ces double precision, ces_responses bigint, qa_score double precision,
				   qa_evaluations bigint, qa_auto_fail_rate double precision, survey_response_rate double precision,
				   repeat_fcr_rate double precision, first_contacts bigint)
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$
SELECT r.bucket, r.day, r.agent, m.offered, m.answered, m.abandoned, m.service_level, m.abandon_rate, m.asa_s,
	   m.aht_s, m.fcr_rate, m.resolution_rate, m.csat, m.nps, m.contacts, m.short_abandons, m.handled,
	   m.csat_responses, m.nps_responses, occupancy,
	   100 * m.csat, ccr.ces(q.ces), coalesce(ccr.responses(q.ces), 0), ccr.qa_score(q.qa),
	   coalesce(ccr.evaluations(q.qa), 0), ccr.auto_fail_rate(q.qa),
	   q.surveyed::double precision / nullif(q.answered, 0),
	   m.repeat_fcr_rate, m.first_contacts
FROM ccr.kpi_measures(r.sl, r.aht, r.fcr, r.resolution, r.csat, r.nps, r.contacts,
					  r.first_contacts, r.resolved_first_contacts, policy) m
$$;
COMMENT ON FUNCTION ccr.kpi_agent_columns(ccr._kpi_agent_daily_current, double precision, ccr._quality_agent_daily_current, text) IS 'internal: the columns of ccr.kpi_agent_daily and ccr.kpi_agent_daily_live from one agent-day row, its occupancy and its quality row';

CREATE OR REPLACE VIEW ccr.kpi_agent_daily AS
SELECT x.*
FROM ccr._kpi_agent_daily_current r
	 LEFT JOIN ccr.agent_occupancy_daily_rollup o ON o.day = r.day AND o.agent = r.agent
	 LEFT JOIN ccr._quality_agent_daily_current q ON q.day = r.day AND q.agent = r.agent
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL ccr.kpi_agent_columns(r, o.occupancy, q, p.policy) x;

COMMENT ON VIEW ccr.kpi_hourly IS 'KPIs per local hour, queue and channel: stored rollups plus the contacts written since the last ccr.refresh_kpis() (ccr.set_kpi_realtime()); plain numeric columns for BI tools';
COMMENT ON VIEW ccr.kpi_daily IS 'KPIs per local day, queue and channel: stored rollups plus the contacts written since the last ccr.refresh_kpis(); plain numeric columns for BI tools';
COMMENT ON VIEW ccr.kpi_monthly IS 'KPIs per local month, queue and channel: stored rollups plus the contacts written since the last ccr.refresh_kpis()';
COMMENT ON VIEW ccr.kpi_agent_daily IS 'KPIs per local day and agent: stored rollups plus the contacts written since the last ccr.refresh_kpis(); then occupancy (presence, as of the last refresh) and quality: csat_pct, ces, ces_responses, qa_score, qa_evaluations, qa_auto_fail_rate, survey_response_rate (surveyed / answered contacts: the data has no survey-offered flag), repeat_fcr_rate, first_contacts';
COMMENT ON COLUMN ccr.kpi_hourly.repeat_fcr_rate IS 'repeat-contact FCR: resolved first contacts / first contacts, each contact judged against its customer''s whole history (window ccr.set_kpi_fcr_window(), default 7 days)';
COMMENT ON COLUMN ccr.kpi_hourly.first_contacts IS 'contacts with no contact of the same customer within the FCR window before (the denominator of repeat_fcr_rate)';

-- ---------------------------------------------------------------------------
-- Live views: the same columns computed from ccr.contacts now, with the
-- caller's rights (row-level security applies).  Their buckets come from a
-- series, so a filter on bucket or day reads only that period's contacts
-- through the offered_at index.
-- (until is computed here: a function argument holding a sub-select, as
-- ccr.kpi_params() columns do, would keep ccr.kpi_contact_summaries from
-- being inlined, and a function that is not inlined reads every contact
-- of its bounds through a generic plan)
CREATE OR REPLACE FUNCTION ccr.kpi_live_buckets(grain text)
	RETURNS TABLE (bucket timestamptz, day date, until timestamptz)
	LANGUAGE sql STABLE
	AS $$
WITH p AS (SELECT tz FROM ccr.kpi_params()),
span AS (SELECT min(c.offered_at) AS lo, max(c.offered_at) AS hi FROM ccr.contacts c),
-- every zone's offsets are multiples of 15 minutes, so the local hours are
-- the date_trunc of every quarter of an absolute hour.  But a local hour
-- holds no whole absolute hour only where it is shortened (a half-hour
-- shift, as on Lord Howe), between two absolute hours whose buckets are not
-- an hour apart: the quarters are read there only, a quarter of the work
-- (to one hour past the last contact: its local hour may start after the
-- last whole absolute hour).
utc_hours AS (
	SELECT h.t, h.bucket, lead(h.bucket) OVER (ORDER BY h.t) AS next_bucket
	FROM span, p,
		 LATERAL (SELECT t, date_trunc('hour', t, p.tz) AS bucket
				  FROM generate_series(date_trunc('hour', span.lo), span.hi + interval '1 hour', interval '1 hour') t
				  OFFSET 0) h
	WHERE grain = 'hour')
SELECT b.bucket, (b.bucket AT TIME ZONE p.tz)::date, ccr.kpi_bucket_end(grain, b.bucket, p.tz)
FROM span, p,
	 LATERAL (
		 SELECT DISTINCT u.bucket
		 FROM (SELECT h.bucket FROM utc_hours h
			   UNION ALL
			   SELECT date_trunc('hour', q, p.tz)
			   FROM utc_hours h,
					generate_series(h.t + interval '15 minutes', h.t + interval '45 minutes', interval '15 minutes') q
			   WHERE h.next_bucket - h.bucket <> interval '1 hour') u
		 UNION ALL
		 -- days and months come from their local noons (distinct: a zone may
		 -- skip a whole day), one row each instead of one per hour
		 -- of the history
		 SELECT DISTINCT date_trunc(grain, (d + interval '12 hours') AT TIME ZONE p.tz, p.tz)
		 FROM generate_series(date_trunc(CASE grain WHEN 'month' THEN 'month' ELSE 'day' END, span.lo AT TIME ZONE p.tz),
							  span.hi AT TIME ZONE p.tz,
							  CASE grain WHEN 'month' THEN interval '1 month' ELSE interval '1 day' END) d
		 WHERE grain <> 'hour') b
$$;
COMMENT ON FUNCTION ccr.kpi_live_buckets(text) IS 'internal: every local bucket (hour, day or month in ccr.timezone()) from the first to the last contact, with its local date and where it ends';

CREATE OR REPLACE VIEW ccr.kpi_hourly_live WITH (security_invoker = true) AS
SELECT b.bucket, s.k1 AS queue, s.k2 AS channel, m.*
FROM ccr.kpi_live_buckets('hour') b
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (
		 SELECT * FROM ccr.kpi_live_summaries(b.bucket, b.until, 'hour') x
		 WHERE x.bucket = b.bucket) s
	 CROSS JOIN LATERAL ccr.kpi_measures(s.sl, s.aht, s.fcr, s.resolution, s.csat, s.nps, s.contacts,
										 s.first_contacts, s.resolved_first_contacts, p.policy) m;

CREATE OR REPLACE VIEW ccr.kpi_daily_live WITH (security_invoker = true) AS
SELECT b.bucket, b.day, s.k1 AS queue, s.k2 AS channel, m.*
FROM ccr.kpi_live_buckets('day') b
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (
		 SELECT * FROM ccr.kpi_live_summaries(b.bucket, b.until, 'day') x
		 WHERE x.bucket = b.bucket) s
	 CROSS JOIN LATERAL ccr.kpi_measures(s.sl, s.aht, s.fcr, s.resolution, s.csat, s.nps, s.contacts,
										 s.first_contacts, s.resolved_first_contacts, p.policy) m;

CREATE OR REPLACE VIEW ccr.kpi_monthly_live WITH (security_invoker = true) AS
SELECT b.bucket, b.day AS month, s.k1 AS queue, s.k2 AS channel, m.*
FROM ccr.kpi_live_buckets('month') b
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (
		 SELECT * FROM ccr.kpi_live_summaries(b.bucket, b.until, 'month') x
		 WHERE x.bucket = b.bucket) s
	 CROSS JOIN LATERAL ccr.kpi_measures(s.sl, s.aht, s.fcr, s.resolution, s.csat, s.nps, s.contacts,
										 s.first_contacts, s.resolved_first_contacts, p.policy) m;

-- Quality computed now (the 0.2.0 view, now read by period); QA only for
-- a caller who may read the evaluations (NULL QA columns, not an error).
CREATE OR REPLACE VIEW ccr.quality_agent_daily_live WITH (security_invoker = true) AS
SELECT b.bucket, b.day, s.agent, s.ces, s.qa, s.answered, s.surveyed
FROM ccr.kpi_live_buckets('day') b
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (
		 SELECT bucket, agent, c.ces, q.qa, coalesce(c.answered, 0) AS answered, coalesce(c.surveyed, 0) AS surveyed
		 FROM ccr.kpi_ces_summaries(b.bucket, b.until) c
			  FULL JOIN ccr.kpi_qa_visible(b.bucket, b.until) q USING (bucket, agent)) s
WHERE s.bucket = b.bucket;

-- Occupancy of one agent-day computed now, with the caller's rights, from
-- index probes of that agent and day (ccr.agent_occupancy_key, what the
-- refresh stores); NULL, not an error, for a caller who may not read the
-- presence data.  (Joining ccr.agent_occupancy_daily computed every
-- agent's every day: about 18 s on a year of 3M contacts.)
CREATE OR REPLACE FUNCTION ccr.kpi_occupancy_live(key_day date, key_agent text) RETURNS double precision
	LANGUAGE plpgsql STABLE
	AS $$
BEGIN
	IF NOT (pg_catalog.has_table_privilege('ccr.agent_occupancy_daily', 'SELECT')
			AND pg_catalog.has_table_privilege('ccr.agent_presence_events', 'SELECT')
			AND pg_catalog.has_table_privilege('ccr.asterisk_agent_alias', 'SELECT')
			AND pg_catalog.has_table_privilege('ccr.contacts', 'SELECT')) THEN
		RETURN NULL;
	END IF;
	RETURN (SELECT o.occupancy FROM ccr.agent_occupancy_key(key_day, key_agent) o);
END $$;
COMMENT ON FUNCTION ccr.kpi_occupancy_live(date, text) IS 'internal: the occupancy of one (local day, agent) as ccr.agent_occupancy_daily computes it, for a caller who may read the presence data, else NULL';

-- Per day: the agents' summaries and their quality, both of that day only.
CREATE OR REPLACE VIEW ccr.kpi_agent_daily_live WITH (security_invoker = true) AS
SELECT x.*
FROM ccr.kpi_live_buckets('day') b
	 CROSS JOIN ccr.kpi_params() p
	 CROSS JOIN LATERAL (
		 SELECT ROW(s.bucket, b.day, s.k1, s.contacts, s.sl, s.aht, s.fcr, s.resolution, s.csat, s.nps,
					s.first_contacts, s.resolved_first_contacts)::ccr._kpi_agent_daily_current AS r,
				ROW(q.bucket, b.day, q.agent, q.ces, q.qa, q.answered, q.surveyed)::ccr._quality_agent_daily_current AS q
		 FROM ccr.kpi_live_summaries(b.bucket, b.until, 'agent_day') s
			  LEFT JOIN (SELECT bucket, agent, c.ces, v.qa, coalesce(c.answered, 0) AS answered,
								coalesce(c.surveyed, 0) AS surveyed
						 FROM ccr.kpi_ces_summaries(b.bucket, b.until) c
							  FULL JOIN ccr.kpi_qa_visible(b.bucket, b.until) v USING (bucket, agent)) q
				  ON q.bucket = s.bucket AND q.agent = s.k1
		 WHERE s.bucket = b.bucket) k
	 CROSS JOIN LATERAL ccr.kpi_agent_columns(k.r, ccr.kpi_occupancy_live(b.day, (k.r).agent), k.q, p.policy) x;

COMMENT ON VIEW ccr.kpi_hourly_live IS 'ccr.kpi_hourly computed from ccr.contacts now, with the caller''s rights (row-level security applies); a filter on bucket reads only that period';
COMMENT ON VIEW ccr.kpi_daily_live IS 'ccr.kpi_daily computed from ccr.contacts now, with the caller''s rights (row-level security applies); a filter on bucket or day reads only that period';
COMMENT ON VIEW ccr.kpi_monthly_live IS 'ccr.kpi_monthly computed from ccr.contacts now, with the caller''s rights (row-level security applies); a filter on bucket or month reads only that period';
COMMENT ON VIEW ccr.kpi_agent_daily_live IS 'ccr.kpi_agent_daily computed from ccr.contacts and ccr.qa_evaluations now, with the caller''s rights (row-level security applies)';
