
-- ===================== presence rollups: definitions, capture, refresh =====================
-- ccr.agent_occupancy_daily_rollup (storage in src/sql/0.3.0/12_presence_rollups.sql)
-- is kept by (local day, agent) key.  Its reference is the 0.2.0 view
-- ccr.agent_occupancy_daily; pending keys are recomputed by
-- ccr.agent_occupancy_keys(days, agents), the same computation restricted to
-- those agents and days.  Keys come from
--   - contacts: the local day of answered_at and the agent (the contacts
--     capture, ccr.kpi_contact_changes_sql());
--   - presence events: an event changes its agent's state from its instant
--     until the agent's next event of the same kind (membership: of the same
--     queue), or to the end of the data when there is none;
--   - the end of the data (latest presence event or Asterisk contact end):
--     an agent whose last state is logged in is logged in until it, so when
--     it moves, the days between the old and the new end change.

CREATE OR REPLACE FUNCTION ccr.kpi_presence_data_end() RETURNS timestamptz
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
BEGIN
	RETURN (
SELECT greatest((SELECT max(e.at) FROM ccr.agent_presence_events e),
				(SELECT max(c.ended_at) FROM ccr.contacts c WHERE c.source = 'asterisk')));
END $$;
COMMENT ON FUNCTION ccr.kpi_presence_data_end() IS 'internal: the end of the loaded data an open presence state runs to (latest presence event or Asterisk contact end), as in ccr.agent_occupancy_daily';

-- The names an agent's presence events are logged under: those that
-- ccr.asterisk_agent_alias maps to it, and its own unless it is an alias of
-- another agent.
CREATE OR REPLACE FUNCTION ccr.kpi_presence_names(key_agent text) RETURNS text[]
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
BEGIN
	RETURN (
SELECT array(SELECT key_agent WHERE NOT EXISTS (SELECT 1 FROM ccr.asterisk_agent_alias a WHERE a.alias = key_agent)
			 UNION
			 SELECT a.alias FROM ccr.asterisk_agent_alias a WHERE a.agent = key_agent));
END $$;
COMMENT ON FUNCTION ccr.kpi_presence_names(text) IS 'internal: the logged names (ccr.agent_presence_events.agent) whose events are the presence of an agent';

-- The events before an instant that decide an agent's state at it, as
-- ccr.agent_states computes it: per queue the latest membership event, the
-- latest login event, and the pause events of the latest instant with one
-- (each in the order of the view's windows: at, then event).  Replaying
-- these and the later events gives the same states as replaying the whole
-- history; index probes only (the queues by a skip scan).
CREATE OR REPLACE FUNCTION ccr.kpi_presence_seed(names text[], before timestamptz)
	RETURNS TABLE (queue text, at timestamptz, event text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
WITH RECURSIVE n AS (SELECT DISTINCT unnest(names) AS name),
qs(name, queue) AS (
	SELECT n.name, (SELECT min(e.queue) FROM ccr.agent_presence_events e
					WHERE e.agent = n.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.at < before)
	FROM n
	UNION ALL
	SELECT qs.name, (SELECT min(e.queue) FROM ccr.agent_presence_events e
					 WHERE e.agent = qs.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.queue > qs.queue
						   AND e.at < before)
	FROM qs WHERE qs.queue IS NOT NULL),
member AS (
	SELECT DISTINCT ON (qs.queue) qs.queue, l.at, l.event
	FROM qs CROSS JOIN LATERAL (
		SELECT e.at, e.event FROM ccr.agent_presence_events e
		WHERE e.agent = qs.name AND e.queue = qs.queue AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.at < before
		ORDER BY e.at DESC, e.event DESC LIMIT 1) l
	WHERE qs.queue IS NOT NULL
	ORDER BY qs.queue, l.at DESC, l.event DESC),
login AS (
	SELECT l.queue, l.at, l.event
	FROM n CROSS JOIN LATERAL (
		SELECT e.queue, e.at, e.event FROM ccr.agent_presence_events e
		WHERE e.agent = n.name AND e.event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
			  AND e.at < before
		ORDER BY e.at DESC, e.event DESC LIMIT 1) l
	ORDER BY l.at DESC, l.event DESC LIMIT 1),
pause_at AS (
	SELECT max(l.at) AS at
	FROM n CROSS JOIN LATERAL (
		SELECT e.at FROM ccr.agent_presence_events e
		WHERE e.agent = n.name AND e.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL') AND e.at < before
		ORDER BY e.at DESC LIMIT 1) l)
SELECT queue, at, event FROM member
UNION ALL
SELECT queue, at, event FROM login
UNION ALL
SELECT e.queue, e.at, e.event
FROM pause_at pa JOIN ccr.agent_presence_events e
	 ON e.agent = ANY (names) AND e.at = pa.at AND e.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL');
END $$;
COMMENT ON FUNCTION ccr.kpi_presence_seed(text[], timestamptz) IS 'internal: the presence events of the given logged names before an instant that decide the state at it (latest membership event per queue, latest login event, pause events of the latest pause instant)';

-- The (local day, agent) rows of ccr.agent_occupancy_daily for a set of
-- keys (none for a key whose agent has neither presence nor answered
-- contacts that day): the view's computation over each agent's seed events
-- at the start of the day, its events of the day and the instant of its
-- next event after it, for all keys in one statement (a refresh's hundred
-- agent-days cost one plan run, not one each).  Index probes per key only.
-- Runs with its caller's rights: the refresh (owner) and, per agent-day,
-- ccr.kpi_agent_daily_live (through ccr.agent_occupancy_key).
CREATE OR REPLACE FUNCTION ccr.agent_occupancy_keys(key_days date[], key_agents text[])
	RETURNS TABLE (day date, agent text, logged_in_s double precision, paused_s double precision,
				   available_s double precision, handled bigint, handle_s double precision,
				   occupancy double precision)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
WITH k AS (SELECT DISTINCT u.day, u.agent FROM unnest(key_days, key_agents) u(day, agent)),
-- per agent, once: its logged names, and whether they have any event (most
-- agents of a center without Asterisk have none: no probes for them)
a AS MATERIALIZED (
	SELECT d.agent, n.names, EXISTS (SELECT 1 FROM ccr.agent_presence_events e WHERE e.agent = ANY (n.names)) AS present
	FROM (SELECT DISTINCT k.agent FROM k) d CROSS JOIN LATERAL (SELECT ccr.kpi_presence_names(d.agent) AS names) n),
p AS MATERIALIZED (
	SELECT k.day AS k_day, k.agent AS k_agent, x.tz, a.names, a.present,
		   k.day::timestamp AT TIME ZONE x.tz AS d0, (k.day::timestamp + interval '1 day') AT TIME ZONE x.tz AS d1,
		   de.data_end
	FROM k JOIN a ON a.agent = k.agent, ccr.kpi_params() x, (SELECT ccr.kpi_presence_data_end() AS data_end) de),
ev AS (
	SELECT p.k_day, p.k_agent, s.queue, s.at, s.event
	FROM p, LATERAL ccr.kpi_presence_seed(p.names, p.d0) s WHERE p.present
	UNION ALL
	SELECT p.k_day, p.k_agent, e.queue, e.at, e.event
	FROM p CROSS JOIN LATERAL (
		SELECT e.queue, e.at, e.event FROM ccr.agent_presence_events e
		WHERE e.agent = ANY (p.names) AND e.at >= p.d0 AND e.at < p.d1
			  AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
							  'AGENTCALLBACKLOGOFF', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')) e
	WHERE p.present),
after AS (
	SELECT p.k_day, p.k_agent, min(l.at) AS at
	FROM p, unnest(p.names) n(name) CROSS JOIN LATERAL (
		SELECT e.at FROM ccr.agent_presence_events e
		WHERE e.agent = n.name AND e.at >= p.d1
			  AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
							  'AGENTCALLBACKLOGOFF', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
		ORDER BY e.at LIMIT 1) l
	WHERE p.present
	GROUP BY p.k_day, p.k_agent),
-- from here as ccr.agent_states, per key
deltas AS (
	SELECT ev.k_day, ev.k_agent, ev.at,
		   (ev.event = 'ADDMEMBER')::int
			 - coalesce(lag((ev.event = 'ADDMEMBER')::int)
						OVER (PARTITION BY ev.k_day, ev.k_agent, ev.queue ORDER BY ev.at, ev.event), 0) AS d_member,
		   0 AS d_login, NULL::boolean AS paused
	FROM ev WHERE ev.event IN ('ADDMEMBER', 'REMOVEMEMBER')
	UNION ALL
	SELECT ev.k_day, ev.k_agent, ev.at, 0,
		   (ev.event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN'))::int
			 - coalesce(lag((ev.event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN'))::int)
						OVER (PARTITION BY ev.k_day, ev.k_agent ORDER BY ev.at, ev.event), 0),
		   NULL
	FROM ev WHERE ev.event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
	UNION ALL
	SELECT ev.k_day, ev.k_agent, ev.at, 0, 0, ev.event IN ('PAUSE', 'PAUSEALL')
	FROM ev WHERE ev.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
	UNION ALL
	-- the next instant after the day: only where the day's last state ends
	SELECT after.k_day, after.k_agent, after.at, 0, 0, NULL FROM after WHERE after.at IS NOT NULL
), instants AS (
	SELECT d.k_day, d.k_agent, d.at, sum(d.d_member) AS d_member, sum(d.d_login) AS d_login,
		   bool_or(d.paused) AS paused
	FROM deltas d GROUP BY d.k_day, d.k_agent, d.at
), running AS (
	SELECT i.k_day, i.k_agent, i.at, sum(i.d_member) OVER w AS queues, sum(i.d_login) OVER w AS logins, i.paused,
		   count(i.paused) OVER w AS pause_grp, lead(i.at) OVER w AS next_at
	FROM instants i
	WINDOW w AS (PARTITION BY i.k_day, i.k_agent ORDER BY i.at)
), states AS (
	SELECT r.k_day, r.k_agent, r.at AS state_from, r.next_at AS state_until,
		   (r.queues > 0 OR r.logins > 0) AS logged_in,
		   coalesce(first_value(r.paused) OVER (PARTITION BY r.k_day, r.k_agent, r.pause_grp ORDER BY r.at), false)
			 AS paused
	FROM running r
), pieces AS (
	SELECT st.k_day, st.k_agent,
		   extract(epoch FROM least(coalesce(st.state_until, greatest(p.data_end, st.state_from)), p.d1)
							  - greatest(st.state_from, p.d0))::float8 AS secs,
		   st.paused
	FROM states st JOIN p ON p.k_day = st.k_day AND p.k_agent = st.k_agent
	WHERE st.logged_in
), pres AS (
	SELECT x.k_day, x.k_agent, sum(x.secs) AS logged_in_s, coalesce(sum(x.secs) FILTER (WHERE x.paused), 0) AS paused_s
	FROM pieces x WHERE x.secs > 0
	GROUP BY x.k_day, x.k_agent
), h AS (
	SELECT p.k_day, p.k_agent, hh.handled, hh.handle_s
	FROM p CROSS JOIN LATERAL (
		SELECT count(*) AS handled, sum(coalesce(c.talk_s, 0) + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0)) AS handle_s
		FROM ccr.contacts c
		WHERE c.agent = p.k_agent AND c.answered_at IS NOT NULL
			  AND c.answered_at >= p.d0 - interval '3 hours' AND c.answered_at < p.d1 + interval '3 hours'
			  AND (c.answered_at AT TIME ZONE p.tz)::date = p.k_day) hh
	WHERE hh.handled > 0
)
SELECT p.k_day, p.k_agent, pres.logged_in_s, pres.paused_s, pres.logged_in_s - pres.paused_s,
	   coalesce(h.handled, 0), coalesce(h.handle_s, 0)::float8,
	   coalesce(h.handle_s, 0) / nullif(pres.logged_in_s - pres.paused_s, 0)
FROM p LEFT JOIN pres ON pres.k_day = p.k_day AND pres.k_agent = p.k_agent
	 LEFT JOIN h ON h.k_day = p.k_day AND h.k_agent = p.k_agent
WHERE pres.logged_in_s IS NOT NULL OR h.handled IS NOT NULL;
END $$;
GRANT EXECUTE ON FUNCTION ccr.agent_occupancy_keys(date[], text[]) TO PUBLIC;
COMMENT ON FUNCTION ccr.agent_occupancy_keys(date[], text[]) IS 'internal: the ccr.agent_occupancy_daily rows of a set of (local day, agent) keys, given as two arrays of the same length (no row for a key whose agent has neither presence nor answered contacts that day), from index probes of each agent and day';

-- One key of ccr.agent_occupancy_keys.
CREATE OR REPLACE FUNCTION ccr.agent_occupancy_key(key_day date, key_agent text)
	RETURNS TABLE (logged_in_s double precision, paused_s double precision, available_s double precision,
				   handled bigint, handle_s double precision, occupancy double precision)
	LANGUAGE sql STABLE
	ROWS 1
	AS $$
SELECT s.logged_in_s, s.paused_s, s.available_s, s.handled, s.handle_s, s.occupancy
FROM ccr.agent_occupancy_keys(ARRAY[key_day], ARRAY[key_agent]) s
$$;
GRANT EXECUTE ON FUNCTION ccr.agent_occupancy_key(date, text) TO PUBLIC;
COMMENT ON FUNCTION ccr.agent_occupancy_key(date, text) IS 'internal: the ccr.agent_occupancy_daily row of one (local day, agent) key (no row when the agent has neither presence nor answered contacts that day), from index probes of that agent and day';

-- The agents whose last presence state is logged in (it runs to the end of
-- the data), with the instant it began.
CREATE OR REPLACE FUNCTION ccr.kpi_presence_open_agents()
	RETURNS TABLE (agent text, state_from timestamptz)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
WITH RECURSIVE logged(name) AS (
	SELECT min(e.agent) FROM ccr.agent_presence_events e
	UNION ALL
	SELECT (SELECT min(e.agent) FROM ccr.agent_presence_events e WHERE e.agent > l.name)
	FROM logged l WHERE l.name IS NOT NULL),
agents AS (
	SELECT DISTINCT coalesce(al.agent, l.name) AS agent
	FROM logged l LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = l.name
	WHERE l.name IS NOT NULL)
SELECT a.agent, s.last_at
FROM agents a CROSS JOIN LATERAL (
	SELECT max(x.at) AS last_at,
		   coalesce(bool_or(x.event = 'ADDMEMBER' OR x.event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN')), false) AS logged_in
	FROM ccr.kpi_presence_seed(ccr.kpi_presence_names(a.agent), 'infinity') x) s
WHERE s.logged_in;
END $$;
COMMENT ON FUNCTION ccr.kpi_presence_open_agents() IS 'internal: agents whose last presence state (ccr.agent_states, state_until NULL) is logged in, and when it began';

-- ---------------------------------------------------------------------------
-- Capture.  Presence events: per agent, kind (membership: and queue) of
-- the changed events, the days from the earliest of them to the agent's
-- next event of that kind after the latest (through the end of the data
-- when there is none).
CREATE OR REPLACE FUNCTION ccr.kpi_presence_changes_sql(changed_rows text)
	RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
WITH changed AS (%s),
p AS (SELECT tz FROM ccr.kpi_params()),
g AS (
	SELECT coalesce(al.agent, c.agent) AS agent,
		   CASE WHEN c.event IN ('ADDMEMBER', 'REMOVEMEMBER') THEN 'member'
				WHEN c.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL') THEN 'pause' ELSE 'login' END AS kind,
		   CASE WHEN c.event IN ('ADDMEMBER', 'REMOVEMEMBER') THEN c.queue END AS queue,
		   min(c.at) AS lo, max(c.at) AS hi
	FROM changed c LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = c.agent
	WHERE c.event IN ('ADDMEMBER', 'REMOVEMEMBER', 'AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN',
					  'AGENTCALLBACKLOGOFF', 'PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
	GROUP BY 1, 2, 3)
INSERT INTO ccr.kpi_pending_occupancy (agent, from_day, to_day)
SELECT g.agent, (g.lo AT TIME ZONE p.tz)::date, (nx.at AT TIME ZONE p.tz)::date
FROM g CROSS JOIN p
	 CROSS JOIN LATERAL (
		 SELECT min(e.at) AS at FROM ccr.agent_presence_events e
		 WHERE e.agent = ANY (ccr.kpi_presence_names(g.agent)) AND e.at > g.hi
			   AND CASE g.kind WHEN 'member' THEN e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.queue = g.queue
							   WHEN 'pause' THEN e.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
							   ELSE e.event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF') END) nx
$q$, changed_rows)
$fn$;
COMMENT ON FUNCTION ccr.kpi_presence_changes_sql(text) IS 'internal: the statement that logs the occupancy keys (agent, day range) of the changed presence events a query over a trigger''s transition tables returns (agent, queue, at, event)';

SELECT ccr.kpi_define_capture('kpi_capture_presence', 'ccr.kpi_presence_changes_sql', 'agent, queue, at, event');
COMMENT ON FUNCTION ccr.kpi_capture_presence() IS 'internal: statement trigger on ccr.agent_presence_events logging the occupancy keys a statement changed (generated from ccr.kpi_presence_changes_sql())';

-- A changed alias moves whole histories between agents, a TRUNCATE empties
-- them: the next refresh recomputes the rollup whole.
CREATE OR REPLACE FUNCTION ccr.kpi_capture_presence_all() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	UPDATE ccr.kpi_rollups SET data_end = NULL WHERE rollup IN ('agent_occupancy_daily_rollup', 'queue_presence_hourly');
	RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_capture_presence_all() FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_capture_presence_all() IS 'internal: statement trigger (aliases changed, presence events or contacts truncated): the next ccr.refresh_kpis() recomputes ccr.agent_occupancy_daily_rollup and ccr.queue_presence_hourly whole';

DO $$
DECLARE
	ev text;
BEGIN
	FOREACH ev IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
		EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER %s ON ccr.agent_presence_events REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_presence()',
					   'ccr_kpi_capture_' || lower(ev), ev,
					   CASE ev WHEN 'INSERT' THEN 'NEW TABLE AS ccr_new_rows'
							   WHEN 'DELETE' THEN 'OLD TABLE AS ccr_old_rows'
							   ELSE 'OLD TABLE AS ccr_old_rows NEW TABLE AS ccr_new_rows' END);
	END LOOP;
END $$;
CREATE OR REPLACE TRIGGER ccr_kpi_capture_truncate AFTER TRUNCATE ON ccr.agent_presence_events
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_presence_all();
CREATE OR REPLACE TRIGGER ccr_kpi_capture_presence_truncate AFTER TRUNCATE ON ccr.contacts
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_presence_all();
CREATE OR REPLACE TRIGGER ccr_kpi_capture_alias AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ccr.asterisk_agent_alias
	FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_presence_all();

-- ---------------------------------------------------------------------------
-- Refresh (rebuild = true: recompute whole).  Called by ccr.refresh_kpis()
-- and ccr.rebuild_kpis(), which hold the refresh lock.
CREATE OR REPLACE FUNCTION ccr.kpi_refresh_presence(rebuild boolean)
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	old_end timestamptz;
	new_end timestamptz;
	tz text := ccr.timezone();
BEGIN
	concurrent := true;
	SELECT r.data_end INTO old_end FROM ccr.kpi_rollups r WHERE r.rollup = 'agent_occupancy_daily_rollup';
	-- before the recompute: if the data grows meanwhile, the next refresh
	-- covers the difference again
	new_end := coalesce(ccr.kpi_presence_data_end(), '-infinity');
	IF rebuild OR old_end IS NULL THEN
		DELETE FROM ccr.kpi_pending_occupancy;
		DELETE FROM ccr.agent_occupancy_daily_rollup;
		INSERT INTO ccr.agent_occupancy_daily_rollup
		SELECT o.day, o.agent, o.logged_in_s, o.paused_s, o.available_s, o.handled, o.handle_s, o.occupancy
		FROM ccr.agent_occupancy_daily o;
		ANALYZE ccr.agent_occupancy_daily_rollup;
	ELSE
		IF to_regclass('pg_temp.kpi_occupancy_keys') IS NOT NULL THEN
			DROP TABLE pg_temp.kpi_occupancy_keys;
		END IF;
		CREATE TEMP TABLE kpi_occupancy_keys (day date, agent text) ON COMMIT DROP;
		-- A range open at its end (the agent's last event of a kind
		-- changed): its last state may have been the open one, which ran to
		-- the old end of the data and now runs to the new one, or ends.
		WITH gone AS (DELETE FROM ccr.kpi_pending_occupancy RETURNING agent, from_day, to_day)
		INSERT INTO kpi_occupancy_keys
		SELECT d::date, g.agent
		FROM gone g,
			 generate_series(CASE WHEN g.to_day IS NULL AND least(old_end, new_end) > '-infinity'
								  THEN least(g.from_day, (least(old_end, new_end) AT TIME ZONE tz)::date)
								  ELSE g.from_day END::timestamp,
							 coalesce(g.to_day, (greatest(old_end, new_end) AT TIME ZONE tz)::date)::timestamp,
							 interval '1 day') d;
		-- agents still logged in: the days the end of the data moved over
		-- (those whose last state changed since are ranges open at their end)
		IF new_end IS DISTINCT FROM old_end AND greatest(old_end, new_end) > '-infinity' THEN
			INSERT INTO kpi_occupancy_keys
			SELECT d::date, o.agent
			FROM ccr.kpi_presence_open_agents() o,
				 generate_series((greatest(least(old_end, new_end), o.state_from) AT TIME ZONE tz)::date::timestamp,
								 (greatest(old_end, new_end) AT TIME ZONE tz)::date::timestamp, interval '1 day') d;
		END IF;
		DELETE FROM ccr.agent_occupancy_daily_rollup r USING (SELECT DISTINCT * FROM kpi_occupancy_keys) k
		WHERE r.day = k.day AND r.agent = k.agent;
		-- (both arrays from one scan: their elements pair up)
		INSERT INTO ccr.agent_occupancy_daily_rollup
		SELECT s.*
		FROM (SELECT array_agg(k.day) AS days, array_agg(k.agent) AS agents FROM kpi_occupancy_keys k) a
			 CROSS JOIN LATERAL ccr.agent_occupancy_keys(a.days, a.agents) s;
	END IF;
	UPDATE ccr.kpi_rollups SET data_end = new_end WHERE rollup = 'agent_occupancy_daily_rollup';
	matview := 'ccr.agent_occupancy_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('agent_occupancy_daily_rollup', t0);
	RETURN NEXT;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_refresh_presence(boolean) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_refresh_presence(boolean) IS 'internal: brings ccr.agent_occupancy_daily_rollup up to date (the pending keys, and the days the end of the data moved over for agents still logged in), or recomputes it whole (rebuild, or when the data end it was computed with is unknown); called by ccr.refresh_kpis() and ccr.rebuild_kpis()';

-- ===================== ccr.queue_presence_hourly by (local hour, queue) key =====================
-- Keys come from membership events (an event changes its agent's span in
-- the queue from its instant to the agent's next membership event in the
-- queue, and may move the queue's first event, which lies before that) and
-- from the end of the data: every queue's hours between the old and the
-- new end (its coverage, and the open spans of members, run to it).

CREATE OR REPLACE FUNCTION ccr.kpi_queue_presence_data_end() RETURNS timestamptz
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
BEGIN
	RETURN (
-- = greatest(max(e.at), max(coalesce(c.ended_at, c.answered_at, c.offered_at))): each contact's
-- ended_at >= answered_at >= offered_at
SELECT greatest((SELECT max(e.at) FROM ccr.agent_presence_events e),
				(SELECT max(c.ended_at) FROM ccr.contacts c),
				(SELECT max(c.answered_at) FROM ccr.contacts c WHERE c.ended_at IS NULL AND c.answered_at IS NOT NULL),
				(SELECT max(c.offered_at) FROM ccr.contacts c)));
END $$;
COMMENT ON FUNCTION ccr.kpi_queue_presence_data_end() IS 'internal: the end of the loaded data of ccr.queue_presence_hourly (latest presence event or contact instant), from four index probes';

-- Every row, as the 0.2.0 materialized view computed them (for a rebuild).
CREATE OR REPLACE FUNCTION ccr.kpi_queue_presence_all()
	RETURNS TABLE (bucket timestamptz, queue text, logged_in_s double precision, covered_s double precision)
	LANGUAGE sql STABLE
	AS $$
WITH params AS (
	SELECT ccr.timezone() AS tz, ccr.kpi_queue_presence_data_end() AS data_end
), ev AS (
	SELECT coalesce(al.agent, e.agent) AS agent, e.queue, e.at, e.event = 'ADDMEMBER' AS member
	FROM ccr.agent_presence_events e
		 LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = e.agent
	WHERE e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
), spans AS (
	SELECT ev.agent, ev.queue, ev.at AS span_from,
		   coalesce(lead(ev.at) OVER (PARTITION BY ev.agent, ev.queue ORDER BY ev.at, ev.member), p.data_end) AS span_until,
		   ev.member
	FROM ev, params p
), coverage AS (
	SELECT ev.queue, min(ev.at) AS covered_from, p.data_end, p.tz
	FROM ev, params p GROUP BY ev.queue, p.data_end, p.tz
), hours AS (
	SELECT cv.queue, h AS bucket,
		   extract(epoch FROM least(h + interval '1 hour', cv.data_end) - greatest(h, cv.covered_from))::double precision AS covered_s
	FROM coverage cv,
		 generate_series(date_trunc('hour', cv.covered_from, cv.tz), cv.data_end, interval '1 hour') h
	WHERE h < cv.data_end
), logged AS (
	SELECT s.queue, h AS bucket,
		   sum(extract(epoch FROM least(h + interval '1 hour', s.span_until) - greatest(h, s.span_from)))::double precision AS logged_in_s
	FROM spans s, params p,
		 generate_series(date_trunc('hour', s.span_from, p.tz), s.span_until, interval '1 hour') h
	WHERE s.member AND s.span_until > s.span_from AND h < s.span_until
	GROUP BY 1, 2
)
SELECT hr.bucket, hr.queue, coalesce(l.logged_in_s, 0) AS logged_in_s, hr.covered_s
FROM hours hr LEFT JOIN logged l USING (queue, bucket)
WHERE hr.covered_s > 0
$$;
COMMENT ON FUNCTION ccr.kpi_queue_presence_all() IS 'internal: every row of ccr.queue_presence_hourly computed from all presence events (the 0.2.0 definition), for a rebuild';

-- One (local hour, queue) row of the 0.2.0 definition of
-- ccr.queue_presence_hourly, or none: the spans of each agent in the queue
-- from its last membership event before the hour to its first after it.
CREATE OR REPLACE FUNCTION ccr.queue_presence_key(key_bucket timestamptz, key_queue text)
	RETURNS TABLE (logged_in_s double precision, covered_s double precision)
	LANGUAGE plpgsql STABLE
	ROWS 1
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	SET plan_cache_mode = force_generic_plan
	AS $$
BEGIN
	RETURN QUERY
WITH RECURSIVE p AS (
	SELECT x.tz, ccr.kpi_queue_presence_data_end() AS data_end, key_bucket AS h0, key_bucket + interval '1 hour' AS h1
	FROM ccr.kpi_params() x),
logged(name) AS (
	SELECT min(e.agent) FROM ccr.agent_presence_events e
	WHERE e.queue = key_queue AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
	UNION ALL
	SELECT (SELECT min(e.agent) FROM ccr.agent_presence_events e
			WHERE e.queue = key_queue AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.agent > l.name)
	FROM logged l WHERE l.name IS NOT NULL),
names AS (
	SELECT l.name, coalesce(al.agent, l.name) AS agent
	FROM logged l LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = l.name
	WHERE l.name IS NOT NULL),
coverage AS (
	SELECT min(f.at) AS covered_from
	FROM names n CROSS JOIN LATERAL (
		SELECT e.at FROM ccr.agent_presence_events e
		WHERE e.queue = key_queue AND e.agent = n.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
		ORDER BY e.at LIMIT 1) f),
ev AS (
	-- per agent the last event before the hour (in the view's order: at, member)
	(SELECT DISTINCT ON (n.agent) n.agent, l.at, l.member
	FROM names n, p CROSS JOIN LATERAL (
		SELECT e.at, e.event = 'ADDMEMBER' AS member FROM ccr.agent_presence_events e
		WHERE e.queue = key_queue AND e.agent = n.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.at < p.h0
		ORDER BY e.at DESC, e.event DESC LIMIT 1) l
	ORDER BY n.agent, l.at DESC, l.member DESC)
	UNION ALL
	SELECT n.agent, e.at, e.event = 'ADDMEMBER'
	FROM names n, p, ccr.agent_presence_events e
	WHERE e.queue = key_queue AND e.agent = n.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
		  AND e.at >= p.h0 AND e.at < p.h1
	UNION ALL
	-- and the first after it (where the hour's last span ends)
	(SELECT DISTINCT ON (n.agent) n.agent, l.at, l.member
	FROM names n, p CROSS JOIN LATERAL (
		SELECT e.at, e.event = 'ADDMEMBER' AS member FROM ccr.agent_presence_events e
		WHERE e.queue = key_queue AND e.agent = n.name AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.at >= p.h1
		ORDER BY e.at, e.event LIMIT 1) l
	ORDER BY n.agent, l.at, l.member)),
-- from here as the 0.2.0 definition, for one queue and hour
spans AS (
	SELECT ev.at AS span_from,
		   coalesce(lead(ev.at) OVER (PARTITION BY ev.agent ORDER BY ev.at, ev.member), p.data_end) AS span_until,
		   ev.member
	FROM ev, p),
lg AS (
	SELECT sum(extract(epoch FROM least(p.h1, s.span_until) - greatest(p.h0, s.span_from)))::double precision AS logged_in_s
	FROM spans s, p
	WHERE s.member AND s.span_until > s.span_from AND s.span_from < p.h1 AND s.span_until > p.h0),
hr AS (
	SELECT extract(epoch FROM least(p.h1, p.data_end) - greatest(p.h0, cv.covered_from))::double precision AS covered_s
	FROM coverage cv, p
	WHERE p.h0 >= date_trunc('hour', cv.covered_from, p.tz) AND p.h0 < p.data_end)
SELECT coalesce(lg.logged_in_s, 0), hr.covered_s
FROM hr, lg
WHERE hr.covered_s > 0;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.queue_presence_key(timestamptz, text) FROM PUBLIC;
COMMENT ON FUNCTION ccr.queue_presence_key(timestamptz, text) IS 'internal: the ccr.queue_presence_hourly row of one (local hour, queue) key (none outside the queue''s presence data), from index probes of that queue''s agents around the hour';

-- Capture: membership events, per queue and agent.
CREATE OR REPLACE FUNCTION ccr.kpi_queue_presence_changes_sql(changed_rows text)
	RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
WITH changed AS (%s),
p AS (SELECT tz FROM ccr.kpi_params()),
g AS (
	SELECT c.queue, coalesce(al.agent, c.agent) AS agent, min(c.at) AS lo, max(c.at) AS hi
	FROM changed c LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = c.agent
	WHERE c.event IN ('ADDMEMBER', 'REMOVEMEMBER')
	GROUP BY 1, 2)
INSERT INTO ccr.kpi_pending_queue_presence (queue, from_hour, to_hour)
SELECT g.queue, date_trunc('hour', g.lo, p.tz), date_trunc('hour', nx.at, p.tz)
FROM g CROSS JOIN p
	 CROSS JOIN LATERAL (
		 SELECT min(e.at) AS at FROM ccr.agent_presence_events e
		 WHERE e.queue = g.queue AND e.agent = ANY (ccr.kpi_presence_names(g.agent)) AND e.at > g.hi
			   AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')) nx
$q$, changed_rows)
$fn$;
COMMENT ON FUNCTION ccr.kpi_queue_presence_changes_sql(text) IS 'internal: the statement that logs the queue presence keys (queue, hour range) of the changed membership events a query over a trigger''s transition tables returns (agent, queue, at, event)';

-- The presence trigger function, regenerated with both statements.
DO $do$
DECLARE
	cols CONSTANT text := 'agent, queue, at, event';
	ins CONSTANT text := format('SELECT %s FROM ccr_new_rows', cols);
	del CONSTANT text := format('SELECT %s FROM ccr_old_rows', cols);
	upd CONSTANT text := format('SELECT %s FROM ccr_old_rows UNION ALL SELECT %s FROM ccr_new_rows', cols, cols);
BEGIN
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.kpi_capture_presence() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $body$
BEGIN
	IF TG_OP = 'INSERT' THEN %s; %s;
	ELSIF TG_OP = 'DELETE' THEN %s; %s;
	ELSE %s; %s;
	END IF;
	RETURN NULL;
END $body$$f$,
		ccr.kpi_presence_changes_sql(ins), ccr.kpi_queue_presence_changes_sql(ins),
		ccr.kpi_presence_changes_sql(del), ccr.kpi_queue_presence_changes_sql(del),
		ccr.kpi_presence_changes_sql(upd), ccr.kpi_queue_presence_changes_sql(upd));
END $do$;

CREATE OR REPLACE FUNCTION ccr.kpi_refresh_queue_presence(rebuild boolean)
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	old_end timestamptz;
	new_end timestamptz;
	tz text := ccr.timezone();
BEGIN
	concurrent := true;
	SELECT r.data_end INTO old_end FROM ccr.kpi_rollups r WHERE r.rollup = 'queue_presence_hourly';
	new_end := coalesce(ccr.kpi_queue_presence_data_end(), '-infinity');
	IF rebuild OR old_end IS NULL THEN
		DELETE FROM ccr.kpi_pending_queue_presence;
		DELETE FROM ccr.queue_presence_hourly;
		INSERT INTO ccr.queue_presence_hourly SELECT * FROM ccr.kpi_queue_presence_all();
		ANALYZE ccr.queue_presence_hourly;
	ELSE
		IF to_regclass('pg_temp.kpi_queue_presence_keys') IS NOT NULL THEN
			DROP TABLE pg_temp.kpi_queue_presence_keys;
		END IF;
		CREATE TEMP TABLE kpi_queue_presence_keys (bucket timestamptz, queue text) ON COMMIT DROP;
		WITH gone AS (DELETE FROM ccr.kpi_pending_queue_presence RETURNING queue, from_hour, to_hour)
		INSERT INTO kpi_queue_presence_keys
		SELECT h, g.queue
		FROM gone g,
			 generate_series(g.from_hour, coalesce(g.to_hour, date_trunc('hour', greatest(old_end, new_end), tz)),
							 interval '1 hour') h;
		IF new_end IS DISTINCT FROM old_end AND least(old_end, new_end) > '-infinity' THEN
			INSERT INTO kpi_queue_presence_keys
			SELECT h, q.queue
			FROM (WITH RECURSIVE qs(queue) AS (
					  SELECT min(e.queue) FROM ccr.agent_presence_events e WHERE e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
					  UNION ALL
					  SELECT (SELECT min(e.queue) FROM ccr.agent_presence_events e
							  WHERE e.event IN ('ADDMEMBER', 'REMOVEMEMBER') AND e.queue > qs.queue)
					  FROM qs WHERE qs.queue IS NOT NULL)
				  SELECT qs.queue FROM qs WHERE qs.queue IS NOT NULL) q,
				 generate_series(date_trunc('hour', least(old_end, new_end), tz),
								 date_trunc('hour', greatest(old_end, new_end), tz), interval '1 hour') h;
		END IF;
		DELETE FROM ccr.queue_presence_hourly r USING (SELECT DISTINCT * FROM kpi_queue_presence_keys) k
		WHERE r.bucket = k.bucket AND r.queue = k.queue;
		INSERT INTO ccr.queue_presence_hourly
		SELECT k.bucket, k.queue, s.logged_in_s, s.covered_s
		FROM (SELECT DISTINCT * FROM kpi_queue_presence_keys) k
			 CROSS JOIN LATERAL ccr.queue_presence_key(k.bucket, k.queue) s;
	END IF;
	UPDATE ccr.kpi_rollups SET data_end = new_end WHERE rollup = 'queue_presence_hourly';
	matview := 'ccr.queue_presence_hourly'::regclass;
	seconds := ccr.kpi_note_refresh('queue_presence_hourly', t0);
	RETURN NEXT;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_refresh_queue_presence(boolean) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_refresh_queue_presence(boolean) IS 'internal: brings ccr.queue_presence_hourly up to date (the pending keys, and every queue''s hours the end of the data moved over), or recomputes it whole (rebuild, or when the data end it was computed with is unknown); called by ccr.refresh_kpis() and ccr.rebuild_kpis()';
