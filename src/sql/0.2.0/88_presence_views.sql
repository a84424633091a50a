
-- ---------------------------------------------------------------------------
-- Agent presence and occupancy (from ccr.agent_presence_events).
-- ---------------------------------------------------------------------------

-- An agent's state from one presence event to the next.  Logged in: member of
-- at least one queue (ADDMEMBER without a later REMOVEMEMBER, per queue) or
-- logged in as an agent (AGENTLOGIN/AGENTCALLBACKLOGIN without LOGOFF).
-- Paused: the agent's latest PAUSE/PAUSEALL is later than its latest
-- UNPAUSE/UNPAUSEALL (pausing in one queue counts as paused).
CREATE VIEW ccr.agent_states AS
WITH ev AS (
	SELECT coalesce(al.agent, e.agent) AS agent, e.at, e.queue, e.event
	FROM ccr.agent_presence_events e
	LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = e.agent
), deltas AS (
	SELECT agent, at,
		   (event = 'ADDMEMBER')::int
			 - coalesce(lag((event = 'ADDMEMBER')::int) OVER (PARTITION BY agent, queue ORDER BY at, event), 0) AS d_member,
		   0 AS d_login, NULL::boolean AS paused
	FROM ev WHERE event IN ('ADDMEMBER', 'REMOVEMEMBER')
	UNION ALL
	SELECT agent, at, 0,
		   (event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN'))::int
			 - coalesce(lag((event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN'))::int) OVER (PARTITION BY agent ORDER BY at, event), 0),
		   NULL
	FROM ev WHERE event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
	UNION ALL
	SELECT agent, at, 0, 0, event IN ('PAUSE', 'PAUSEALL')
	FROM ev WHERE event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
), instants AS (
	SELECT agent, at, sum(d_member) AS d_member, sum(d_login) AS d_login, bool_or(paused) AS paused
	FROM deltas GROUP BY agent, at
), running AS (
	SELECT agent, at,
		   sum(d_member) OVER w AS queues,
		   sum(d_login) OVER w AS logins,
		   paused,
		   count(paused) OVER w AS pause_grp,
		   lead(at) OVER w AS next_at
	FROM instants
	WINDOW w AS (PARTITION BY agent ORDER BY at)
)
SELECT agent,
	   at AS state_from,
	   next_at AS state_until,
	   (queues > 0 OR logins > 0) AS logged_in,
	   coalesce(first_value(paused) OVER (PARTITION BY agent, pause_grp ORDER BY at), false) AS paused,
	   queues::integer AS queues
FROM running;
COMMENT ON VIEW ccr.agent_states IS 'agent presence as intervals [state_from, state_until) (state_until NULL: until now): logged_in (member of a queue or logged in as an agent), paused, number of queues; from ccr.agent_presence_events, names mapped by ccr.asterisk_agent_alias';

-- Logged-in, paused and handle seconds per agent and bucket.  Handle time is
-- talk + hold + after-call work of the contacts the agent answered in the
-- bucket (by answered_at).  Open states (no later event) run to the latest
-- event loaded (presence or Asterisk contact end).
CREATE FUNCTION ccr.agent_occupancy(since timestamptz, until timestamptz, step interval)
	RETURNS TABLE (bucket timestamptz, agent text, logged_in_s double precision, paused_s double precision,
				   available_s double precision, handled bigint, handle_s double precision,
				   occupancy double precision)
	LANGUAGE plpgsql STABLE
	AS $fn$
#variable_conflict use_column
BEGIN
	IF since IS NULL OR until IS NULL OR step IS NULL THEN
		RAISE EXCEPTION 'since, until and step must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF step <= interval '0' OR until < since THEN
		RAISE EXCEPTION 'step must be positive and until not before since (step %, since %, until %)', step, since, until
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY
	WITH b AS (
		SELECT g AS b0, least(g + step, until) AS b1
		FROM generate_series(since, until, step) g WHERE g < until
	), data_end AS (
		SELECT greatest((SELECT max(e.at) FROM ccr.agent_presence_events e),
						(SELECT max(c.ended_at) FROM ccr.contacts c WHERE c.source = 'asterisk')) AS t
	), s AS (
		SELECT st.agent, st.state_from, coalesce(st.state_until, greatest(d.t, st.state_from)) AS state_until, st.paused
		FROM ccr.agent_states st, data_end d
		WHERE st.logged_in AND st.state_from < until AND (st.state_until IS NULL OR st.state_until > since)
	), pres AS (
		SELECT b.b0, s.agent,
			   sum(extract(epoch FROM least(s.state_until, b.b1) - greatest(s.state_from, b.b0)))::float8 AS logged_in_s,
			   coalesce(sum(extract(epoch FROM least(s.state_until, b.b1) - greatest(s.state_from, b.b0)))
						FILTER (WHERE s.paused), 0)::float8 AS paused_s
		FROM s JOIN b ON s.state_from < b.b1 AND s.state_until > b.b0
		GROUP BY b.b0, s.agent
	), h AS (
		SELECT b.b0, c.agent, count(*) AS handled,
			   sum(coalesce(c.talk_s, 0) + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0)) AS handle_s
		FROM ccr.contacts c JOIN b ON c.answered_at >= b.b0 AND c.answered_at < b.b1
		WHERE c.agent IS NOT NULL
		GROUP BY b.b0, c.agent
	)
	SELECT coalesce(p.b0, h.b0), coalesce(p.agent, h.agent), p.logged_in_s, p.paused_s,
		   p.logged_in_s - p.paused_s, coalesce(h.handled, 0), coalesce(h.handle_s, 0),
		   coalesce(h.handle_s, 0) / nullif(p.logged_in_s - p.paused_s, 0)
	FROM pres p FULL JOIN h ON h.b0 = p.b0 AND h.agent = p.agent
	ORDER BY 1, 2;
END
$fn$;
COMMENT ON FUNCTION ccr.agent_occupancy(timestamptz, timestamptz, interval) IS 'per bucket of generate_series(since, until, step) and agent: logged-in, paused and available (logged in, not paused) seconds from ccr.agent_states, contacts handled and handle seconds (talk+hold+acw, by answered_at), occupancy = handle_s / available_s (NULL without presence; may exceed 1 when calls are handled while logged out or paused)';

-- The same per local day (ccr.timezone()), over all the data.
CREATE VIEW ccr.agent_occupancy_daily AS
WITH z AS (
	SELECT ccr.timezone() AS tz
), data_end AS (
	SELECT greatest((SELECT max(e.at) FROM ccr.agent_presence_events e),
					(SELECT max(c.ended_at) FROM ccr.contacts c WHERE c.source = 'asterisk')) AS t
), s AS (
	SELECT st.agent, st.state_from, coalesce(st.state_until, greatest(d.t, st.state_from)) AS state_until, st.paused
	FROM ccr.agent_states st, data_end d
	WHERE st.logged_in
), pieces AS (
	SELECT s.agent, day::date AS day, s.paused,
		   extract(epoch FROM least(s.state_until, ((day + interval '1 day')::timestamp AT TIME ZONE z.tz))
							  - greatest(s.state_from, (day::timestamp AT TIME ZONE z.tz)))::float8 AS secs
	FROM s, z,
		 generate_series((s.state_from AT TIME ZONE z.tz)::date::timestamp,
						 (s.state_until AT TIME ZONE z.tz)::date::timestamp, interval '1 day') day
), pres AS (
	SELECT agent, day, sum(secs) AS logged_in_s, coalesce(sum(secs) FILTER (WHERE paused), 0) AS paused_s
	FROM pieces WHERE secs > 0 GROUP BY agent, day
), h AS (
	SELECT c.agent, (c.answered_at AT TIME ZONE z.tz)::date AS day, count(*) AS handled,
		   sum(coalesce(c.talk_s, 0) + coalesce(c.hold_s, 0) + coalesce(c.acw_s, 0)) AS handle_s
	FROM ccr.contacts c, z
	WHERE c.agent IS NOT NULL AND c.answered_at IS NOT NULL
	GROUP BY 1, 2
)
SELECT coalesce(p.day, h.day) AS day, coalesce(p.agent, h.agent) AS agent,
	   p.logged_in_s, p.paused_s, p.logged_in_s - p.paused_s AS available_s,
	   coalesce(h.handled, 0) AS handled, coalesce(h.handle_s, 0)::float8 AS handle_s,
	   coalesce(h.handle_s, 0) / nullif(p.logged_in_s - p.paused_s, 0) AS occupancy
FROM pres p FULL JOIN h ON h.day = p.day AND h.agent = p.agent;
COMMENT ON VIEW ccr.agent_occupancy_daily IS 'per local day (ccr.timezone()) and agent: logged_in_s, paused_s, available_s, handled, handle_s, occupancy = handle_s / available_s; computed when read';

-- Occupancy in the agent KPI view.  The presence-based figures are kept in
-- their own rollup keyed like ccr.kpi_agent_daily_rollup (day, agent), which
-- ccr.refresh_kpis() finds and refreshes with the others; the views get an
-- `occupancy` column appended, whatever the columns before it are (their
-- definition is read back, so this fragment does not copy it).
CREATE MATERIALIZED VIEW ccr.agent_occupancy_daily_rollup AS
SELECT day, agent, logged_in_s, paused_s, available_s, handled, handle_s, occupancy
FROM ccr.agent_occupancy_daily;
CREATE UNIQUE INDEX agent_occupancy_daily_rollup_key ON ccr.agent_occupancy_daily_rollup (day, agent);
COMMENT ON MATERIALIZED VIEW ccr.agent_occupancy_daily_rollup IS 'ccr.agent_occupancy_daily as of the last ccr.refresh_kpis(); read by ccr.kpi_agent_daily.occupancy';

-- The live view runs with the caller's rights: occupancy is NULL (not an
-- error) for a caller who may not read ccr.agent_occupancy_daily.
CREATE FUNCTION ccr.agent_occupancy_visible()
	RETURNS TABLE (day date, agent text, occupancy double precision)
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	AS $fn$
BEGIN
	IF NOT pg_catalog.has_table_privilege('ccr.agent_occupancy_daily', 'SELECT') THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT o.day, o.agent, o.occupancy FROM ccr.agent_occupancy_daily o;
END
$fn$;
COMMENT ON FUNCTION ccr.agent_occupancy_visible() IS 'ccr.agent_occupancy_daily (day, agent, occupancy) if the caller may read it, else no rows; for ccr.kpi_agent_daily_live';

DO $$
BEGIN
	EXECUTE format($v$CREATE OR REPLACE VIEW ccr.kpi_agent_daily AS
		SELECT k.*, o.occupancy
		FROM (%s) k
		LEFT JOIN ccr.agent_occupancy_daily_rollup o ON o.day = k.day AND o.agent = k.agent$v$,
		rtrim(pg_catalog.pg_get_viewdef('ccr.kpi_agent_daily'::regclass), E'; \n'));
	-- CREATE OR REPLACE resets the options: security_invoker is restated
	EXECUTE format($v$CREATE OR REPLACE VIEW ccr.kpi_agent_daily_live WITH (security_invoker = true) AS
		SELECT k.*, o.occupancy
		FROM (%s) k
		LEFT JOIN ccr.agent_occupancy_visible() o ON o.day = k.day AND o.agent = k.agent$v$,
		rtrim(pg_catalog.pg_get_viewdef('ccr.kpi_agent_daily_live'::regclass), E'; \n'));
END $$;
COMMENT ON COLUMN ccr.kpi_agent_daily.occupancy IS 'handle time / logged-in, not paused time of the agent that day (from queue_log presence; NULL without presence events); see ccr.agent_occupancy_daily';
COMMENT ON COLUMN ccr.kpi_agent_daily_live.occupancy IS 'handle time / logged-in, not paused time of the agent that day (from queue_log presence; NULL without presence events)';
