
-- ---------------------------------------------------------------------------
-- QueueMetrics-style reports over Asterisk data (issue 16).
-- ---------------------------------------------------------------------------

CREATE OR REPLACE VIEW ccr.disconnections_daily AS
SELECT (c.offered_at AT TIME ZONE ccr.timezone())::date AS day, c.queue, c.outcome, c.ended_by,
	   count(*) AS contacts
FROM ccr.contacts c
GROUP BY 1, 2, 3, 4;
COMMENT ON VIEW ccr.disconnections_daily IS 'contacts per local day (ccr.timezone(), by offered_at), queue, outcome and ended_by (answered: agent, caller or transfer; NULL when unanswered or not logged)';

-- Bands of 10 s up to 600 s, then one open band; a wait on an edge belongs to
-- the band it ends (10 s is in 0-10), so "wait_s <= 20" is the first two.
CREATE OR REPLACE FUNCTION ccr._wait_band(wait_s double precision) RETURNS integer
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	AS $$ SELECT CASE WHEN wait_s > 600 THEN 600 WHEN wait_s <= 10 THEN 0
					  ELSE (ceil(wait_s / 10)::integer - 1) * 10 END $$;
COMMENT ON FUNCTION ccr._wait_band(double precision) IS 'internal: lower edge of the wait band of ccr.wait_distribution_daily (0 for waits up to 10 s, 600 for waits over 600 s)';

CREATE OR REPLACE VIEW ccr.wait_distribution_daily AS
SELECT (c.offered_at AT TIME ZONE ccr.timezone())::date AS day, c.queue,
	   ccr._wait_band(c.wait_s) AS band_from_s,
	   CASE WHEN ccr._wait_band(c.wait_s) < 600 THEN ccr._wait_band(c.wait_s) + 10 END AS band_to_s,
	   count(*) FILTER (WHERE c.answered) AS answered,
	   count(*) FILTER (WHERE NOT c.answered) AS abandoned
FROM ccr.contacts c
WHERE c.wait_s IS NOT NULL
GROUP BY 1, 2, 3, 4;
COMMENT ON VIEW ccr.wait_distribution_daily IS 'answered and unanswered (every unanswered outcome) contacts per local day, queue and wait band (band_from_s, band_to_s]: 0-10 (waits of 0 included), 10-20, ... 590-600, then 600-NULL; only bands with contacts; the service level at a threshold on a band edge is the sum of the answered in the bands up to it over answered + abandoned';

CREATE OR REPLACE FUNCTION ccr.callbacks_due(at timestamptz DEFAULT now(), lookback interval DEFAULT '24 hours')
	RETURNS TABLE (customer text, queue text, attempts bigint, first_attempt_at timestamptz,
				   last_attempt_at timestamptz, longest_wait_s double precision)
	LANGUAGE plpgsql STABLE SECURITY DEFINER	-- the owner's rights, as the wallboard (docs/wallboard.md)
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $fn$
#variable_conflict use_column
BEGIN
	IF at IS NULL OR lookback IS NULL OR lookback < interval '0' THEN
		RAISE EXCEPTION 'at and lookback must not be NULL and lookback not negative (at %, lookback %)',
			coalesce(at::text, 'NULL'), coalesce(lookback::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY
	WITH missed AS (
		-- unanswered contacts offered in the window and over by "at"; a
		-- contact without a customer (anonymous, unknown) is nobody's
		SELECT c.customer, c.queue, c.offered_at, c.ended_at, c.wait_s
		FROM ccr.contacts c
		WHERE c.offered_at >= callbacks_due.at - lookback AND c.offered_at < callbacks_due.at
		  AND NOT c.answered AND c.ended_at <= callbacks_due.at AND c.customer IS NOT NULL
	), per AS (
		SELECT m.customer, count(*) AS attempts, min(m.offered_at) AS first_at, max(m.offered_at) AS last_at,
			   max(m.wait_s) AS longest,
			   (array_agg(m.queue ORDER BY m.offered_at DESC, m.queue DESC))[1] AS last_queue
		FROM missed m GROUP BY m.customer
	)
	SELECT p.customer, p.last_queue, p.attempts, p.first_at, p.last_at, p.longest
	FROM per p
	WHERE NOT EXISTS (
			-- answered later (any queue)
			SELECT 1 FROM ccr.contacts c
			WHERE c.customer = p.customer AND c.offered_at >= p.last_at AND c.answered
			  AND c.answered_at < callbacks_due.at AND c.answered_at > p.last_at)
	  AND NOT EXISTS (
			-- called back (a CDR call to the number)
			SELECT 1 FROM ccr.asterisk_cdr_calls o
			WHERE o.number = p.customer AND o.called_at > p.last_at AND o.called_at < callbacks_due.at);
END
$fn$;
COMMENT ON FUNCTION ccr.callbacks_due(timestamptz, interval) IS 'numbers to call back: every customer with an unanswered contact offered in [at - lookback, at) whose last one is followed, before at, by neither an answered contact of that customer (any queue) nor a CDR call to that number (ccr.import_cdr); contacts without a customer (anonymous) are never listed; queue of the last unanswered contact, attempts in the window';
REVOKE EXECUTE ON FUNCTION ccr.callbacks_due(timestamptz, interval) FROM PUBLIC;

-- Pauses and login sessions from the presence intervals of ccr.agent_states.
-- A pause starts with a PAUSE/PAUSEALL event and ends with UNPAUSE/UNPAUSEALL
-- or the logoff; an agent logging in again while its last pause event is a
-- PAUSE is not paused by that (Asterisk adds a member unpaused).
CREATE OR REPLACE VIEW ccr.agent_pauses AS
WITH s AS (
	SELECT st.*, (st.paused AND st.logged_in) AS p,
		   lag(st.paused AND st.logged_in) OVER (PARTITION BY st.agent ORDER BY st.state_from) AS p_before,
		   EXISTS (SELECT 1 FROM ccr.agent_presence_events e
				   LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = e.agent
				   WHERE coalesce(al.agent, e.agent) = st.agent AND e.at = st.state_from
					 AND e.event IN ('PAUSE', 'PAUSEALL')) AS pause_event
	FROM ccr.agent_states st
), runs AS (
	-- a pause event while paused starts a new pause (a new reason)
	SELECT s.*, count(*) FILTER (WHERE s.p AND (NOT coalesce(s.p_before, false) OR s.pause_event))
				  OVER (PARTITION BY s.agent ORDER BY s.state_from) AS run
	FROM s
), pz AS (
	SELECT r.agent, r.run, min(r.state_from) AS paused_at,
		   -- NULL while still paused (the last interval is open)
		   CASE WHEN bool_and(r.state_until IS NOT NULL) THEN max(r.state_until) END AS resumed_at
	FROM runs r WHERE r.p GROUP BY r.agent, r.run
), ev AS (
	SELECT pz.*,
		   (SELECT e.at || E'\x1f' || coalesce(e.data1, '') FROM ccr.agent_presence_events e
			LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = e.agent
			WHERE coalesce(al.agent, e.agent) = pz.agent AND e.event IN ('PAUSE', 'PAUSEALL') AND e.at = pz.paused_at
			ORDER BY e.data1 LIMIT 1) AS started_by
	FROM pz
)
SELECT ev.agent, ev.paused_at, ev.resumed_at,
	   NULLIF(split_part(ev.started_by, E'\x1f', 2), '') AS reason,
	   extract(epoch FROM ev.resumed_at - ev.paused_at)::double precision AS pause_s
FROM ev WHERE ev.started_by IS NOT NULL;
COMMENT ON VIEW ccr.agent_pauses IS 'one row per pause of a logged-in agent (a PAUSE/PAUSEALL until UNPAUSE/UNPAUSEALL, the next pause event or logoff; a login does not resume an earlier pause): paused_at, resumed_at (NULL while paused), reason (data1 of the pause event), pause_s';

CREATE OR REPLACE VIEW ccr.agent_sessions AS
WITH s AS (
	SELECT st.*, lag(st.logged_in) OVER (PARTITION BY st.agent ORDER BY st.state_from) AS in_before
	FROM ccr.agent_states st
), runs AS (
	SELECT s.*, count(*) FILTER (WHERE s.logged_in AND NOT coalesce(s.in_before, false))
				  OVER (PARTITION BY s.agent ORDER BY s.state_from) AS run
	FROM s
), sess AS (
	SELECT r.agent, min(r.state_from) AS login_at,
		   CASE WHEN bool_and(r.state_until IS NOT NULL) THEN max(r.state_until) END AS logout_at
	FROM runs r WHERE r.logged_in
	GROUP BY r.agent, r.run
)
SELECT x.agent, x.login_at, x.logout_at,
	   extract(epoch FROM x.logout_at - x.login_at)::double precision AS session_s,
	   coalesce((SELECT sum(p.pause_s) FROM ccr.agent_pauses p
				 WHERE p.agent = x.agent AND p.paused_at >= x.login_at
				   AND (x.logout_at IS NULL OR p.paused_at < x.logout_at)), 0) AS paused_s,
	   (SELECT count(*) FROM ccr.agent_pauses p
		WHERE p.agent = x.agent AND p.paused_at >= x.login_at
		  AND (x.logout_at IS NULL OR p.paused_at < x.logout_at)) AS pauses
FROM sess x;
COMMENT ON VIEW ccr.agent_sessions IS 'one row per login session of an agent (from the first queue membership or agent login to the last logoff): login_at, logout_at and session_s (NULL while logged in), paused_s (the ended pauses of ccr.agent_pauses started in it), pauses started in it';

CREATE OR REPLACE VIEW ccr.call_journeys AS
SELECT c.source_id AS callid,
	   (array_agg(c.queue ORDER BY coalesce(c.enterqueue_at, c.offered_at), c.contact_id))[1] AS first_queue,
	   (array_agg(c.queue ORDER BY coalesce(c.enterqueue_at, c.offered_at) DESC, c.contact_id DESC))[1] AS last_queue,
	   count(*) AS stints,
	   min(c.offered_at) AS offered_at,
	   (array_agg(c.answered ORDER BY coalesce(c.enterqueue_at, c.offered_at) DESC, c.contact_id DESC))[1] AS answered,
	   sum(c.wait_s) AS total_wait_s,
	   (array_agg(c.outcome ORDER BY coalesce(c.enterqueue_at, c.offered_at) DESC, c.contact_id DESC))[1] AS outcome
FROM ccr.contacts c
WHERE c.source = 'asterisk'
GROUP BY c.source_id;
COMMENT ON VIEW ccr.call_journeys IS 'one row per Asterisk call (callid) across the queues and stints it went through, in ENTERQUEUE order: first and last queue, stints, first offered_at, answered (the last stint was), total wait, outcome of the last stint';
