
-- ---------------------------------------------------------------------------
-- The live wallboard (issue 16): the state of the queues, agents and calls at
-- an instant, from what the queue_log imports (batch or live trigger) wrote:
-- calls still open in ccr.queue_log_pending, calls that ended in
-- ccr.contacts, presence events, rings.  Every read goes through an index
-- (the calls going on at the instant, one probe per agent and event kind,
-- one local day of contacts), so it does not grow with the log.
-- ---------------------------------------------------------------------------

-- Start of the local day of at in ccr.timezone().
CREATE OR REPLACE FUNCTION ccr._local_day_start(at timestamptz) RETURNS timestamptz
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT date_trunc('day', at AT TIME ZONE ccr.timezone()) AT TIME ZONE ccr.timezone() $$;
COMMENT ON FUNCTION ccr._local_day_start(timestamptz) IS 'internal: local midnight of the day of at in ccr.timezone()';

-- Calls in a queue at an instant, with their answer time (internal).
CREATE OR REPLACE FUNCTION ccr._wallboard_calls(as_of timestamptz)
	RETURNS TABLE (callid text, queue text, customer text, state text, entered_at timestamptz,
				   wait_s double precision, "position" bigint, agent text, answered_at timestamptz)
	LANGUAGE sql STABLE
	AS $fn$
	WITH ended_later AS (
		-- calls that were still going on at "at" and have ended since
		SELECT c.source_id AS callid, c.queue, c.customer, coalesce(c.enterqueue_at, c.offered_at) AS entered_at,
			   CASE WHEN c.answered_at <= as_of THEN c.answered_at END AS answered_at,
			   CASE WHEN c.answered_at <= as_of THEN c.wait_s END AS answer_wait_s,
			   CASE WHEN c.answered_at <= as_of THEN c.agent END AS agent
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
		SELECT e.callid, e.queue, e.customer, e.entered_at, e.answered_at, e.answer_wait_s, e.agent FROM ended_later e
		UNION ALL
		SELECT s.callid, s.queue, s.customer, s.entered_at, s.answered_at,
			   coalesce(s.holdtime, extract(epoch FROM s.answered_at - s.entered_at)::double precision),
			   coalesce(al.agent, NULLIF(s.raw_agent, 'NONE'))
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
		   k.answered_at
	FROM rung k
$fn$;
COMMENT ON FUNCTION ccr._wallboard_calls(timestamptz) IS 'internal: ccr.wallboard_calls_at() with the answer time';

CREATE OR REPLACE FUNCTION ccr.wallboard_calls_at(at timestamptz)
	RETURNS TABLE (callid text, queue text, customer text, state text, entered_at timestamptz,
				   wait_s double precision, "position" bigint, agent text)
	LANGUAGE sql STABLE
	AS $fn$
	SELECT k.callid, k.queue, k.customer, k.state, k.entered_at, k.wait_s, k."position", k.agent
	FROM ccr._wallboard_calls(at) k
$fn$;
COMMENT ON FUNCTION ccr.wallboard_calls_at(timestamptz) IS 'one row per Asterisk call in a queue at the instant: state waiting, ringing (known once the ring ended: queue_log logs a ring at its end) or talking; wait_s so far, or at the answer; position 1 = next among those waiting (by ENTERQUEUE time); agent talking or ringing';

CREATE OR REPLACE VIEW ccr.wallboard_calls AS SELECT * FROM ccr.wallboard_calls_at(now());
COMMENT ON VIEW ccr.wallboard_calls IS 'ccr.wallboard_calls_at(now()): the calls in the queues now';

-- Agents at an instant, with the queues they are members of (internal).
CREATE OR REPLACE FUNCTION ccr._wallboard_agents(as_of timestamptz)
	RETURNS TABLE (agent text, state text, state_since timestamptz, pause_reason text, queue text,
				   callid text, calls_today bigint, talk_today_s double precision, member_of text[])
	LANGUAGE sql STABLE
	AS $fn$
	WITH raw AS (
		-- per agent name as logged: the latest event of each kind before "at"
		SELECT a.agent AS raw_agent, coalesce(al.agent, a.agent) AS agent,
			   m.member_of, m.member_at, lg.logged_in AS agent_login, lg.at AS login_at,
			   pz.paused, pz.at AS pause_at, pz.reason
		FROM (SELECT DISTINCT x.agent FROM ccr.asterisk_agents x) a
		LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = a.agent
		LEFT JOIN LATERAL (
			SELECT array_agg(q.queue ORDER BY q.queue) FILTER (WHERE ev.event = 'ADDMEMBER') AS member_of,
				   max(ev.at) AS member_at
			FROM ccr.asterisk_agents q
			CROSS JOIN LATERAL (
				SELECT e.event, e.at FROM ccr.agent_presence_events e
				WHERE e.agent = q.agent AND e.queue = q.queue AND e.event IN ('ADDMEMBER', 'REMOVEMEMBER')
				  AND e.at <= as_of
				ORDER BY e.at DESC, e.event DESC LIMIT 1) ev
			WHERE q.agent = a.agent AND q.queue <> '') m ON true
		LEFT JOIN LATERAL (
			SELECT e.event IN ('AGENTLOGIN', 'AGENTCALLBACKLOGIN') AS logged_in, e.at FROM ccr.agent_presence_events e
			WHERE e.agent = a.agent AND e.event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF')
			  AND e.at <= as_of
			ORDER BY e.at DESC LIMIT 1) lg ON true
		LEFT JOIN LATERAL (
			SELECT e.event IN ('PAUSE', 'PAUSEALL') AS paused, e.at, NULLIF(e.data1, '') AS reason
			FROM ccr.agent_presence_events e
			WHERE e.agent = a.agent AND e.event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL')
			  AND e.at <= as_of
			ORDER BY e.at DESC, (e.event IN ('PAUSE', 'PAUSEALL')) DESC LIMIT 1) pz ON true
	), per_agent AS (
		-- names mapped to one agent: logged in through any, the latest pause event wins
		SELECT r.agent,
			   coalesce(bool_or(cardinality(r.member_of) > 0 OR r.agent_login), false) AS logged_in,
			   greatest(max(r.member_at), max(r.login_at)) AS presence_at,
			   array_agg(r.raw_agent) AS raw_agents,
			   ARRAY(SELECT DISTINCT u FROM raw r2, unnest(r2.member_of) u WHERE r2.agent = r.agent ORDER BY u) AS member_of,
			   (array_agg(r.paused ORDER BY r.pause_at DESC NULLS LAST))[1] AS paused,
			   max(r.pause_at) AS pause_at,
			   (array_agg(r.reason ORDER BY r.pause_at DESC NULLS LAST))[1] AS reason
		FROM raw r GROUP BY r.agent
	), calls AS (
		SELECT * FROM ccr._wallboard_calls(as_of) WHERE agent IS NOT NULL AND state IN ('talking', 'ringing')
	), today AS (
		SELECT ccr._local_day_start(as_of) AS t0
	)
	SELECT p.agent,
		   CASE WHEN k.state = 'talking' THEN 'on_call' WHEN k.state = 'ringing' THEN 'ringing'
				WHEN NOT p.logged_in THEN 'logged_off' WHEN p.paused THEN 'paused' ELSE 'ready' END,
		   CASE WHEN k.state = 'talking' THEN k.answered_at
				WHEN k.state = 'ringing' THEN (SELECT min(g.ring_from) FROM ccr.asterisk_rings g
											   WHERE g.callid = k.callid AND g.queue = k.queue
												 AND g.ring_from <= as_of AND g.ring_until > as_of)
				WHEN NOT p.logged_in THEN p.presence_at
				WHEN p.paused THEN p.pause_at
				-- ready since the latest of: login, unpause, the end of a call or a ring
				ELSE greatest(p.presence_at, p.pause_at,
							  (SELECT max(c.ended_at) FROM ccr.contacts c WHERE c.agent = p.agent AND c.ended_at <= as_of),
							  (SELECT max(g.ring_until) FROM ccr.asterisk_rings g
							   WHERE g.agent = ANY (p.raw_agents) AND g.ring_until <= as_of
								 AND g.ring_until >= coalesce(greatest(p.presence_at, p.pause_at), '-infinity')))
		   END,
		   CASE WHEN p.paused AND p.logged_in THEN p.reason END,
		   k.queue, k.callid,
		   coalesce(d.calls, 0) + coalesce(o.calls, 0),
		   coalesce(d.talk_s, 0) + coalesce(o.talk_s, 0),
		   coalesce(p.member_of, '{}')
	FROM per_agent p
	CROSS JOIN today
	-- the agent's current call: grouped once, not a scan of every call per agent
	LEFT JOIN (SELECT DISTINCT ON (k.agent) * FROM calls k
			   ORDER BY k.agent, k.state = 'talking' DESC, k.answered_at, k.entered_at) k ON k.agent = p.agent
	-- answered today: ended by "at" (talk as logged), or still talking at "at"
	LEFT JOIN LATERAL (
		SELECT count(*) AS calls,
			   sum(CASE WHEN c.ended_at <= as_of THEN c.talk_s
						ELSE extract(epoch FROM as_of - c.answered_at)::double precision END) AS talk_s
		FROM ccr.contacts c
		WHERE c.agent = p.agent AND c.ended_at >= today.t0
		  AND c.answered_at >= today.t0 AND c.answered_at <= as_of) d ON true
	-- answered today and not ended in the log yet
	LEFT JOIN (
		SELECT k2.agent, count(*) AS calls, sum(extract(epoch FROM as_of - k2.answered_at)::double precision) AS talk_s
		FROM calls k2, today t
		WHERE k2.state = 'talking' AND k2.answered_at >= t.t0
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c WHERE c.source = 'asterisk' AND c.source_id = k2.callid
						  AND c.queue = k2.queue AND c.answered_at = k2.answered_at)
		GROUP BY k2.agent) o ON o.agent = p.agent
$fn$;
COMMENT ON FUNCTION ccr._wallboard_agents(timestamptz) IS 'internal: ccr.wallboard_agents_at() with the queues each agent is a member of';

CREATE OR REPLACE FUNCTION ccr.wallboard_agents_at(at timestamptz)
	RETURNS TABLE (agent text, state text, state_since timestamptz, pause_reason text, queue text,
				   callid text, calls_today bigint, talk_today_s double precision)
	LANGUAGE sql STABLE
	AS $fn$
	SELECT a.agent, a.state, a.state_since, a.pause_reason, a.queue, a.callid, a.calls_today, a.talk_today_s
	FROM ccr._wallboard_agents(at) a
$fn$;
COMMENT ON FUNCTION ccr.wallboard_agents_at(timestamptz) IS 'one row per agent known from presence or calls, at the instant: state on_call, ringing, paused, ready or logged_off (in that precedence), since when, the pause reason, queue and callid of the current call, calls answered today (local day of ccr.timezone()) and their talk seconds up to the instant';

CREATE OR REPLACE VIEW ccr.wallboard_agents AS SELECT * FROM ccr.wallboard_agents_at(now());
COMMENT ON VIEW ccr.wallboard_agents IS 'ccr.wallboard_agents_at(now()): the agents now';

CREATE OR REPLACE FUNCTION ccr.wallboard_queues_at(at timestamptz)
	RETURNS TABLE (queue text, calls_waiting bigint, longest_wait_s double precision,
				   agents_logged_in bigint, agents_ready bigint, agents_on_call bigint, agents_paused bigint,
				   offered_today bigint, answered_today bigint, abandoned_today bigint,
				   service_level_today double precision, abandon_rate_today double precision,
				   asa_today_s double precision)
	LANGUAGE sql STABLE
	AS $fn$
	WITH calls AS (
		SELECT * FROM ccr._wallboard_calls(at)
	), agents AS (
		SELECT a.state, m.queue FROM ccr._wallboard_agents(at) a, unnest(a.member_of) m(queue)
	), day AS (
		-- today's contacts up to "at": those still going on at "at" are
		-- offered, answered once answered_at <= at, unanswered once ended
		SELECT c.queue, c.wait_s,
			   c.answered_at <= at AS answered,
			   c.outcome <> 'answered' AND c.ended_at <= at AS abandoned
		FROM ccr.contacts c
		WHERE c.source = 'asterisk' AND c.offered_at >= ccr._local_day_start(at) AND c.offered_at <= at
		UNION ALL
		-- and the calls whose end is not in the log yet
		SELECT k.queue, k.wait_s, k.answered_at IS NOT NULL, false
		FROM calls k
		WHERE k.entered_at >= ccr._local_day_start(at)
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
		SELECT y.queue, count(*) AS offered, count(*) FILTER (WHERE y.answered) AS answered,
			   count(*) FILTER (WHERE y.abandoned) AS abandoned,
			   count(*) FILTER (WHERE y.answered AND y.wait_s <= t.threshold_s) AS answered_in_sl,
			   avg(y.wait_s) FILTER (WHERE y.answered) AS asa
		FROM day y, (SELECT ccr.kpi_threshold_s() AS threshold_s) t GROUP BY y.queue
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
	LEFT JOIN day_q d ON d.queue = q.queue
$fn$;
COMMENT ON FUNCTION ccr.wallboard_queues_at(timestamptz) IS 'one row per queue at the instant: calls waiting (ringing included) and the longest wait, member agents logged in / ready / on a call / paused, and today''s (local day of ccr.timezone(), up to the instant) offered (waiting calls included), answered, abandoned (every unanswered outcome), service level (answered within ccr.kpi_threshold_s() / answered + abandoned), abandon rate and ASA';

CREATE OR REPLACE VIEW ccr.wallboard_queues AS SELECT * FROM ccr.wallboard_queues_at(now());
COMMENT ON VIEW ccr.wallboard_queues IS 'ccr.wallboard_queues_at(now()): the queues now';
