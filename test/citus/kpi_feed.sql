-- The user's side of the KPI layer on Citus (test/suites/citus_kpi.sh): a
-- PBX's raw calls table, its mapping onto ccr.contacts (docs/model.md "Map
-- your own table") and the function that feeds ccr.contacts from it.  Run
-- on the Citus coordinator with -v distribute=1 (pbx.calls distributed by
-- caller before anything reads it) and on the single-node reference without.
SET client_min_messages = warning;
CREATE SCHEMA pbx;
CREATE TABLE pbx.calls (
	call_uuid bigint NOT NULL, caller text NOT NULL, queue_name text NOT NULL, media text NOT NULL,
	agent_login text, enqueued timestamptz NOT NULL, connected timestamptz, disconnected timestamptz,
	outcome text NOT NULL, talk_seconds float8, hold_seconds float8, wrap_seconds float8,
	transferred boolean, resolved boolean, fcr boolean, csat int, nps int, ces int,
	PRIMARY KEY (caller, call_uuid));
\if :{?distribute}
SET citus.shard_count = 8;
SELECT create_distributed_table('pbx.calls', 'caller') AS _distributed \gset
\endif

-- Deterministic calls g in [lo, hi) (hash-based, no random()): about two
-- calls per caller, unanswered ones, calls with no end (no wait), chats.
CREATE FUNCTION pbx.u(g bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
	$$ SELECT (hashint8(g * 7919 + salt) & 2147483647)::float8 / 2147483648.0 $$;
CREATE FUNCTION pbx.gen(lo bigint, hi bigint) RETURNS SETOF pbx.calls LANGUAGE sql STABLE AS $$
SELECT g, 'cust-' || (1 + floor(pbx.u(g, 1) * 6000))::int,
	   (ARRAY['support', 'sales', 'billing', 'tech'])[1 + g % 4],
	   CASE WHEN g % 5 = 0 THEN 'chat' ELSE 'voice' END,
	   CASE WHEN a THEN 'agent-' || (1 + floor(pbx.u(g, 2) * 20))::int END,
	   t0, CASE WHEN a THEN t0 + w * interval '1 second' END,
	   CASE WHEN g % 43 = 0 AND NOT a THEN NULL
			WHEN a THEN t0 + (w + talk) * interval '1 second' ELSE t0 + w * interval '1 second' END,
	   CASE WHEN a THEN 'answered' WHEN g % 6 = 0 THEN 'timeout' ELSE 'abandoned' END,
	   CASE WHEN a THEN talk END,
	   CASE WHEN a AND g % 3 = 0 THEN round((pbx.u(g, 7) * 60)::numeric, 3)::float8 END,
	   CASE WHEN a AND g % 5 <> 1 THEN round((pbx.u(g, 8) * 120)::numeric, 3)::float8 END,
	   g % 17 = 0,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE pbx.u(g, 10) < 0.6 END,
	   CASE WHEN g % 7 = 0 THEN NULL ELSE pbx.u(g, 9) < 0.7 END,
	   CASE WHEN g % 3 = 1 THEN 1 + floor(pbx.u(g, 12) * 5)::int END,
	   CASE WHEN g % 4 = 1 THEN floor(pbx.u(g, 13) * 11)::int END,
	   CASE WHEN g % 3 = 2 THEN 1 + floor(pbx.u(g, 14) * 7)::int END
FROM generate_series(lo, hi - 1) g,
	 LATERAL (SELECT pbx.u(g, 3) < 0.8 AS a,
					 timestamptz '2026-01-05 00:00 Europe/Paris' + g * interval '1 minute'
					 + floor(pbx.u(g, 4) * 50) * interval '1 second' AS t0,
					 round((pbx.u(g, 5) * pbx.u(g, 6) * 90)::numeric, 3)::float8 AS w,
					 round((30 + pbx.u(g, 11) * 600)::numeric, 3)::float8 AS talk) x
$$;

-- The mapping and the feed (docs/model.md, docs/scale-out.md "The KPI
-- layer on Citus").  ORDER BY: contact ids in call order, so ties at one
-- instant are ordered alike on every database.
CREATE VIEW pbx.contacts_for_ccr AS
SELECT 'pbx'::text AS source, c.call_uuid::text AS source_id, c.media AS channel, c.queue_name AS queue,
	   c.agent_login AS agent, c.caller AS customer, NULL::text AS reason, NULL::text AS ticket_id,
	   c.enqueued AS offered_at, c.connected AS answered_at, c.disconnected AS ended_at, c.outcome,
	   c.talk_seconds AS talk_s, c.hold_seconds AS hold_s, c.wrap_seconds AS acw_s, c.transferred,
	   c.resolved, c.fcr, c.csat AS csat_score, CASE WHEN c.csat IS NOT NULL THEN 5 END AS csat_scale,
	   c.nps AS nps_score, c.ces AS ces_score, c.call_uuid
FROM pbx.calls c;
CREATE FUNCTION pbx.sync_ccr(since timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, reason, ticket_id,
		   offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s, transferred, resolved, fcr,
		   csat_score, csat_scale, nps_score, ces_score)
	SELECT source, source_id, channel, queue, agent, customer, reason, ticket_id,
		   offered_at, answered_at, ended_at, outcome, talk_s, hold_s, acw_s, transferred, resolved, fcr,
		   csat_score, csat_scale, nps_score, ces_score
	FROM pbx.contacts_for_ccr WHERE offered_at >= since ORDER BY call_uuid
	ON CONFLICT (source, source_id, queue, stint) DO UPDATE
	   SET channel = EXCLUDED.channel, agent = EXCLUDED.agent, customer = EXCLUDED.customer,
		   offered_at = EXCLUDED.offered_at, answered_at = EXCLUDED.answered_at, ended_at = EXCLUDED.ended_at,
		   outcome = EXCLUDED.outcome, talk_s = EXCLUDED.talk_s, hold_s = EXCLUDED.hold_s, acw_s = EXCLUDED.acw_s,
		   transferred = EXCLUDED.transferred, resolved = EXCLUDED.resolved, fcr = EXCLUDED.fcr,
		   csat_score = EXCLUDED.csat_score, csat_scale = EXCLUDED.csat_scale, nps_score = EXCLUDED.nps_score,
		   ces_score = EXCLUDED.ces_score;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- The KPI buckets in a zone with an offset (local days are not UTC days).
SELECT ccr.set_timezone('Europe/Paris') AS _tz \gset
