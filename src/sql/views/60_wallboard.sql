
-- ---------------------------------------------------------------------------
-- The live wallboard (issue 16): the state of the queues, agents and calls at
-- an instant, from what the queue_log imports (batch or live trigger) wrote:
-- calls still open in ccr.queue_log_pending, calls that ended in
-- ccr.contacts, presence events, rings.  Every read goes through an index
-- (the calls going on at the instant, one probe per agent and event kind,
-- one local day of contacts), so it does not grow with the log.
--
-- The three wallboard_*_at functions run with their owner's rights (SECURITY
-- DEFINER, search_path pinned, not executable by PUBLIC): a reader needs
-- SELECT on the views and EXECUTE on these functions, not the tables behind
-- them (docs/wallboard.md, "Privileges").  They are plpgsql so that each
-- read is planned with "at" known (a SECURITY DEFINER SQL function is planned
-- with its parameters unknown); the internal functions they call are plain
-- SQL, inlined into that one query.
-- ---------------------------------------------------------------------------

-- Start of the local day of at in ccr.timezone().
CREATE OR REPLACE FUNCTION ccr._local_day_start(at timestamptz) RETURNS timestamptz
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT date_trunc('day', at AT TIME ZONE ccr.timezone()) AT TIME ZONE ccr.timezone() $$;
COMMENT ON FUNCTION ccr._local_day_start(timestamptz) IS 'internal: local midnight of the day of at in ccr.timezone()';

-- Calls in a queue at an instant, with their answer time (internal).
CREATE OR REPLACE FUNCTION ccr._wallboard_calls(as_of timestamptz)
	RETURNS TABLE (callid text, queue text, customer text, state text, entered_at timestamptz,
				   wait_s double precision, "position" bigint, agent text, answered_at timestamptz,
				   is_contact boolean)
	LANGUAGE sql STABLE
	AS $fn$
	WITH ended_later AS (
		-- calls that were still going on at "at" and have ended since
		SELECT c.source_id AS callid, c.queue, c.customer, coalesce(c.enterqueue_at, c.offered_at) AS entered_at,
			   CASE WHEN c.answered_at <= as_of THEN c.answered_at END AS answered_at,
			   CASE WHEN c.answered_at <= as_of THEN c.wait_s END AS answer_wait_s,
			   CASE WHEN c.answered_at <= as_of THEN c.agent END AS agent,
			   true AS is_contact
		FROM ccr.contacts c
		WHERE c.source = 'asterisk' AND c.ended_at > as_of AND c.offered_at <= as_of
		  AND coalesce(c.enterqueue_at, c.offered_at) <= as_of
	), open_lines AS (
		SELECT p.callid, p.queue, p.visit, l."time", l.event, l.agent, l.data
		FROM ccr.queue_log_pending p, ccr.parse_queue_log_line(p.line) l
		WHERE l."time" <= as_of
	), still_open AS (
		-- calls whose end is not in the log yet
		SELECT o.callid, o.queue,
			   coalesce(ccr._asterisk_customer(max(o.data[2]) FILTER (WHERE o.event = 'ENTERQUEUE')),
						(SELECT m.customer FROM ccr.asterisk_cdr_customers m WHERE m.uniqueid = o.callid)) AS customer,
			   min(o."time") FILTER (WHERE o.event = 'ENTERQUEUE') AS entered_at,
			   max(o."time") FILTER (WHERE o.event = 'CONNECT') AS answered_at,
			   -- Asterisk's holdtime, as the contact will have it
			   max(CASE WHEN o.data[1] ~ '^\s*[0-9]{1,9}\s*$' THEN btrim(o.data[1])::double precision END)
				   FILTER (WHERE o.event = 'CONNECT') AS holdtime,
			   max(o.agent) FILTER (WHERE o.event = 'CONNECT') AS raw_agent
		FROM open_lines o
		GROUP BY o.callid, o.queue, o.visit
		HAVING count(*) FILTER (WHERE o.event = 'ENTERQUEUE') > 0
	), calls AS (
		SELECT e.callid, e.queue, e.customer, e.entered_at, e.answered_at, e.answer_wait_s, e.agent, e.is_contact
		FROM ended_later e
		UNION ALL
		SELECT s.callid, s.queue, s.customer, s.entered_at, s.answered_at,
			   coalesce(s.holdtime, extract(epoch FROM s.answered_at - s.entered_at)::double precision),
			   coalesce(al.agent, NULLIF(s.raw_agent, 'NONE')), false
		FROM still_open s LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = s.raw_agent
	), rung AS (
		-- a waiting call whose agent's phone rings at "at" (known once the ring ended)
		SELECT k.*, r.agent AS ring_agent, r.ring_from
		FROM calls k
		LEFT JOIN LATERAL (
			SELECT coalesce(al.agent, g.agent) AS agent, g.ring_from FROM ccr.asterisk_rings g
			LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = g.agent
			WHERE k.answered_at IS NULL AND g.callid = k.callid AND g.queue = k.queue
			  AND g.ring_from <= as_of AND g.ring_until > as_of
			ORDER BY g.ring_from, g.agent LIMIT 1) r ON true
	)
	SELECT k.callid, k.queue, k.customer,
		   CASE WHEN k.answered_at IS NOT NULL THEN 'talking' WHEN k.ring_agent IS NOT NULL THEN 'ringing' ELSE 'waiting' END,
		   k.entered_at,
		   CASE WHEN k.answered_at IS NOT NULL THEN k.answer_wait_s
				ELSE extract(epoch FROM as_of - k.entered_at)::double precision END,
		   CASE WHEN k.answered_at IS NULL THEN
				row_number() OVER (PARTITION BY k.queue, k.answered_at IS NULL ORDER BY k.entered_at, k.callid) END,
		   coalesce(k.agent, k.ring_agent),
		   k.answered_at, k.is_contact
	FROM rung k
$fn$;
COMMENT ON FUNCTION ccr._wallboard_calls(timestamptz) IS 'internal: ccr.wallboard_calls_at() with the answer time and whether the call is a contact already (its end is in the log, after as_of)';


CREATE OR REPLACE FUNCTION ccr.wallboard_calls_at(at timestamptz)
	RETURNS TABLE (callid text, queue text, customer text, state text, entered_at timestamptz,
				   wait_s double precision, "position" bigint, agent text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan	-- planned knowing "at", as a query of the view would be
	AS $fn$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT k.callid, k.queue, k.customer, k.state, k.entered_at, k.wait_s, k."position", k.agent
	FROM ccr._wallboard_calls(at) k;
END
$fn$;
COMMENT ON FUNCTION ccr.wallboard_calls_at(timestamptz) IS 'one row per Asterisk call in a queue at the instant: state waiting, ringing (known once the ring ended: queue_log logs a ring at its end) or talking; wait_s so far, or at the answer; position 1 = next among those waiting (by ENTERQUEUE time); agent talking or ringing';
REVOKE EXECUTE ON FUNCTION ccr.wallboard_calls_at(timestamptz) FROM PUBLIC;

CREATE OR REPLACE VIEW ccr.wallboard_calls AS SELECT * FROM ccr.wallboard_calls_at(now());
COMMENT ON VIEW ccr.wallboard_calls IS 'ccr.wallboard_calls_at(now()): the calls in the queues now';

-- Every agent's presence at an instant (internal): the latest event of each
-- kind before it, one index probe per agent name (and queue) and kind; names
-- mapped to one agent (ccr.asterisk_agent_alias) are logged in through any,
-- the latest pause event wins.
CREATE OR REPLACE FUNCTION ccr._wallboard_presence(as_of timestamptz)
	RETURNS TABLE (agent text, raw_agents text[], logged_in boolean, presence_at timestamptz,
				   paused boolean, pause_at timestamptz, pause_reason text, member_of text[])
	LANGUAGE sql STABLE
	AS $fn$
	WITH names AS (
		SELECT a.agent AS raw_agent, coalesce(al.agent, a.agent) AS agent
		FROM (SELECT DISTINCT x.agent FROM ccr.asterisk_agents x) a
		LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = a.agent
	), members AS (
		-- the queues whose latest ADDMEMBER / REMOVEMEMBER is an ADDMEMBER
		SELECT n.agent, array_agg(DISTINCT q.queue ORDER BY q.queue) FILTER (WHERE ev.event = 'ADDMEMBER') AS member_of,
			   max(ev.at) AS member_at
		FROM names n
		JOIN ccr.asterisk_agents q ON q.agent = n.raw_agent AND q.queue <> ''
		CROSS JOIN LATERAL (
			SELECT e.event, e.at FROM ccr.agent_presence_events e
			WHERE e.agent = q.agent AND e.queue = q.queue AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
			  AND e.at <= as_of
			ORDER BY e.at DESC, e.event DESC LIMIT 1) ev
		GROUP BY n.agent
	), per_name AS (
		SELECT n.agent, n.raw_agent, lg.logged_in, lg.at AS login_at, pz.paused, pz.at AS pause_at, pz.reason
		FROM names n
		LEFT JOIN LATERAL (
			SELECT e.event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN') AS logged_in, e.at FROM ccr.agent_presence_events e
			WHERE e.agent = n.raw_agent AND e.event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
			  AND e.at <= as_of
			ORDER BY e.at DESC LIMIT 1) lg ON true
		LEFT JOIN LATERAL (
			SELECT e.event IN ('PAUSE', 'PAUSEALL') AS paused, e.at, NULLIF(e.data1, '') AS reason
			FROM ccr.agent_presence_events e
			WHERE e.agent = n.raw_agent AND e.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
			  AND e.at <= as_of
			-- at one instant a pause (PAUSE, PAUSEALL) before an unpause
			ORDER BY e.at DESC, e.event LIMIT 1) pz ON true
	), per_agent AS (
		SELECT r.agent, array_agg(r.raw_agent) AS raw_agents, bool_or(r.logged_in) AS agent_login,
			   max(r.login_at) AS login_at,
			   (array_agg(r.paused ORDER BY r.pause_at DESC NULLS LAST))[1] AS paused,
			   max(r.pause_at) AS pause_at,
			   (array_agg(r.reason ORDER BY r.pause_at DESC NULLS LAST))[1] AS reason
		FROM per_name r GROUP BY r.agent
	)
	SELECT p.agent, p.raw_agents,
		   coalesce(cardinality(m.member_of) > 0, false) OR coalesce(p.agent_login, false),
		   greatest(m.member_at, p.login_at),
		   p.paused, p.pause_at, p.reason,
		   coalesce(m.member_of, '{}')
	FROM per_agent p LEFT JOIN members m ON m.agent = p.agent
$fn$;
COMMENT ON FUNCTION ccr._wallboard_presence(timestamptz) IS 'internal: every agent''s presence at the instant (logged in, since when, paused and why, member queues), for the wallboard';

-- An agent's wallboard state: a call first, then presence (internal).
CREATE OR REPLACE FUNCTION ccr._wallboard_agent_state(call_state text, logged_in boolean, paused boolean)
	RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $fn$
	SELECT CASE WHEN call_state = 'talking' THEN 'on_call' WHEN call_state = 'ringing' THEN 'ringing'
				WHEN NOT logged_in THEN 'logged_off' WHEN paused THEN 'paused' ELSE 'ready' END
$fn$;
COMMENT ON FUNCTION ccr._wallboard_agent_state(text, boolean, boolean) IS 'internal: on_call, ringing, logged_off, paused or ready, in that precedence, from the state of the agent''s call (talking, ringing or NULL) and presence';

CREATE OR REPLACE FUNCTION ccr.wallboard_agents_at(at timestamptz)
	RETURNS TABLE (agent text, state text, state_since timestamptz, pause_reason text, queue text,
				   callid text, calls_today bigint, talk_today_s double precision)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan	-- planned knowing "at", as a query of the view would be
	AS $fn$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH calls AS (
		SELECT * FROM ccr._wallboard_calls(at) k WHERE k.agent IS NOT NULL AND k.state IN ('talking', 'ringing')
	), today AS (
		SELECT ccr._local_day_start(at) AS t0
	), ended_today AS (
		-- the contacts agents answered today (ended by "at": talk as logged;
		-- still talking at "at": time so far) and their last end before "at":
		-- one index range of today's contacts, grouped, not a probe per agent
		SELECT c.agent,
			   count(*) FILTER (WHERE c.answered_at >= t.t0 AND c.answered_at <= at) AS calls,
			   sum(CASE WHEN c.ended_at <= at THEN c.talk_s
						ELSE extract(epoch FROM at - c.answered_at)::double precision END)
				   FILTER (WHERE c.answered_at >= t.t0 AND c.answered_at <= at) AS talk_s,
			   max(c.ended_at) FILTER (WHERE c.ended_at <= at) AS last_end
		FROM ccr.contacts c, today t
		WHERE c.ended_at >= t.t0 AND c.agent IS NOT NULL
		GROUP BY c.agent
	), rung_today AS (
		-- each agent's last ring today up to "at", under any of its names
		SELECT coalesce(al.agent, g.agent) AS agent, max(g.ring_until) AS last_ring
		FROM ccr.asterisk_rings g
		LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = g.agent
		CROSS JOIN today t
		WHERE g.ring_until >= t.t0 AND g.ring_until <= at
		GROUP BY 1
	), open_today AS (
		-- answered today and not ended in the log yet (not a contact)
		SELECT k.agent, count(*) AS calls, sum(extract(epoch FROM at - k.answered_at)::double precision) AS talk_s
		FROM calls k, today t
		WHERE k.state = 'talking' AND NOT k.is_contact AND k.answered_at >= t.t0
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c WHERE c.source = 'asterisk' AND c.source_id = k.callid
						  AND c.queue = k.queue AND c.answered_at = k.answered_at)
		GROUP BY k.agent
	)
	SELECT p.agent,
		   ccr._wallboard_agent_state(k.state, p.logged_in, p.paused),
		   CASE WHEN k.state = 'talking' THEN k.answered_at
				WHEN k.state = 'ringing' THEN (SELECT min(g.ring_from) FROM ccr.asterisk_rings g
											   WHERE g.callid = k.callid AND g.queue = k.queue
												 AND g.ring_from <= at AND g.ring_until > at)
				WHEN NOT p.logged_in THEN p.presence_at
				WHEN p.paused THEN p.pause_at
				-- ready since the latest of: login, unpause, the end of a call or
				-- a ring (before today: one index probe, only when none today)
				ELSE greatest(p.presence_at, p.pause_at,
							  coalesce(e.last_end,
									   (SELECT max(c.ended_at) FROM ccr.contacts c WHERE c.agent = p.agent AND c.ended_at <= at)),
							  coalesce(r.last_ring,
									   (SELECT max(g.ring_until) FROM unnest(p.raw_agents) n(name)
										CROSS JOIN LATERAL (
											SELECT g.ring_until FROM ccr.asterisk_rings g
											WHERE g.agent = n.name AND g.ring_until <= at
											ORDER BY g.ring_until DESC LIMIT 1) g)))
		   END,
		   CASE WHEN p.paused AND p.logged_in THEN p.pause_reason END,
		   k.queue, k.callid,
		   coalesce(e.calls, 0) + coalesce(o.calls, 0),
		   coalesce(e.talk_s, 0) + coalesce(o.talk_s, 0)
	FROM ccr._wallboard_presence(at) p
	-- the agent's current call: grouped once, not a scan of every call per agent
	LEFT JOIN (SELECT DISTINCT ON (k.agent) * FROM calls k
			   ORDER BY k.agent, k.state = 'talking' DESC, k.answered_at, k.entered_at) k ON k.agent = p.agent
	LEFT JOIN ended_today e ON e.agent = p.agent
	LEFT JOIN rung_today r ON r.agent = p.agent
	LEFT JOIN open_today o ON o.agent = p.agent;
END
$fn$;
COMMENT ON FUNCTION ccr.wallboard_agents_at(timestamptz) IS 'one row per agent known from presence or calls, at the instant: state on_call, ringing, paused, ready or logged_off (in that precedence), since when, the pause reason, queue and callid of the current call, calls answered today (local day of ccr.timezone()) and their talk seconds up to the instant';
REVOKE EXECUTE ON FUNCTION ccr.wallboard_agents_at(timestamptz) FROM PUBLIC;

CREATE OR REPLACE VIEW ccr.wallboard_agents AS SELECT * FROM ccr.wallboard_agents_at(now());
COMMENT ON VIEW ccr.wallboard_agents IS 'ccr.wallboard_agents_at(now()): the agents now';

CREATE OR REPLACE FUNCTION ccr.wallboard_queues_at(at timestamptz)
	RETURNS TABLE (queue text, calls_waiting bigint, longest_wait_s double precision,
				   agents_logged_in bigint, agents_ready bigint, agents_on_call bigint, agents_paused bigint,
				   offered_today bigint, answered_today bigint, abandoned_today bigint,
				   service_level_today double precision, abandon_rate_today double precision,
				   asa_today_s double precision)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan	-- planned knowing "at", as a query of the view would be
	AS $fn$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH calls AS (
		SELECT * FROM ccr._wallboard_calls(at)
	), agents AS (
		-- each agent's state (its call first, as in wallboard_agents_at) in
		-- each queue it is a member of
		SELECT ccr._wallboard_agent_state(k.state, p.logged_in, p.paused) AS state, m.queue
		FROM ccr._wallboard_presence(at) p
		LEFT JOIN (SELECT k.agent, CASE WHEN bool_or(k.state = 'talking') THEN 'talking' ELSE 'ringing' END AS state
				   FROM calls k WHERE k.agent IS NOT NULL AND k.state IN ('talking', 'ringing')
				   GROUP BY k.agent) k ON k.agent = p.agent
		CROSS JOIN unnest(p.member_of) m(queue)
	), day AS (
		-- today's contacts up to "at": those still going on at "at" are
		-- offered, answered once answered_at <= at, unanswered once ended
		SELECT c.queue, c.wait_s,
			   c.answered_at <= at AS answered,
			   c.outcome <> 'answered' AND c.ended_at <= at AS abandoned
		FROM ccr.contacts c
		WHERE c.source = 'asterisk' AND c.offered_at >= (SELECT ccr._local_day_start(at)) AND c.offered_at <= at
		UNION ALL
		-- and the calls whose end is not in the log yet
		SELECT k.queue, k.wait_s, k.answered_at IS NOT NULL, false
		FROM calls k
		WHERE NOT k.is_contact AND k.entered_at >= (SELECT ccr._local_day_start(at))
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c WHERE c.source = 'asterisk' AND c.source_id = k.callid
						  AND c.queue = k.queue AND c.ended_at > at AND c.offered_at <= at)
	), calls_q AS (
		-- one pass per source, grouped by queue (a subquery per queue and
		-- figure rescanned the whole set once per queue)
		SELECT k.queue, count(*) FILTER (WHERE k.state <> 'talking') AS waiting,
			   max(k.wait_s) FILTER (WHERE k.state <> 'talking') AS longest
		FROM calls k GROUP BY k.queue
	), agents_q AS (
		SELECT a.queue, count(*) FILTER (WHERE a.state <> 'logged_off') AS logged_in,
			   count(*) FILTER (WHERE a.state = 'ready') AS ready,
			   count(*) FILTER (WHERE a.state = 'on_call') AS on_call,
			   count(*) FILTER (WHERE a.state = 'paused') AS paused
		FROM agents a GROUP BY a.queue
	), day_q AS (
		-- the threshold read once (a function call per row cost more than the rest)
		SELECT y.queue, count(*) AS offered, count(*) FILTER (WHERE y.answered) AS answered,
			   count(*) FILTER (WHERE y.abandoned) AS abandoned,
			   count(*) FILTER (WHERE y.answered AND y.wait_s <= (SELECT ccr.kpi_threshold_s())) AS answered_in_sl,
			   avg(y.wait_s) FILTER (WHERE y.answered) AS asa
		FROM day y GROUP BY y.queue
	), q AS (
		SELECT queue FROM calls_q UNION SELECT queue FROM agents_q UNION SELECT queue FROM day_q
	)
	-- plain "=" joins: a NULL queue gets zero counts, as a per-queue count would
	SELECT q.queue,
		   coalesce(k.waiting, 0), k.longest,
		   coalesce(a.logged_in, 0), coalesce(a.ready, 0), coalesce(a.on_call, 0), coalesce(a.paused, 0),
		   coalesce(d.offered, 0), coalesce(d.answered, 0), coalesce(d.abandoned, 0),
		   d.answered_in_sl::double precision / NULLIF(d.answered + d.abandoned, 0),
		   d.abandoned::double precision / NULLIF(d.answered + d.abandoned, 0),
		   d.asa
	FROM q
	LEFT JOIN calls_q k ON k.queue = q.queue
	LEFT JOIN agents_q a ON a.queue = q.queue
	LEFT JOIN day_q d ON d.queue = q.queue;
END
$fn$;
COMMENT ON FUNCTION ccr.wallboard_queues_at(timestamptz) IS 'one row per queue at the instant: calls waiting (ringing included) and the longest wait, member agents logged in / ready / on a call / paused, and today''s (local day of ccr.timezone(), up to the instant) offered (waiting calls included), answered, abandoned (every unanswered outcome), service level (answered within ccr.kpi_threshold_s() / answered + abandoned), abandon rate and ASA';
REVOKE EXECUTE ON FUNCTION ccr.wallboard_queues_at(timestamptz) FROM PUBLIC;

CREATE OR REPLACE VIEW ccr.wallboard_queues AS SELECT * FROM ccr.wallboard_queues_at(now());
COMMENT ON VIEW ccr.wallboard_queues IS 'ccr.wallboard_queues_at(now()): the queues now';
