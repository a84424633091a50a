-- QueueMetrics-style reports against a plain-SQL reading of the raw lines:
-- 240 generated calls (deterministic, waits on the band edges) plus the
-- awkward events of real logs: a restart cutting a call, a call left
-- pending, transfers into another queue, an IVR loop (a second stint),
-- anonymous callers, a callback found in the CDR; pauses and sessions.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
SELECT ccr.set_timezone('UTC');

CREATE TABLE regress.rp_ql (id serial, line text);
-- generated calls: 2026-04-01 06:00 UTC on, one every 10 minutes
CREATE TABLE regress.rp_calls AS
SELECT i, 'g' || i AS callid,
	   CASE WHEN regress.rand(56, i) < 0.5 THEN 'sales' ELSE 'support' END AS queue,
	   1775023200 + i * 600 AS t0,
	   CASE WHEN i % 11 = 0 THEN 'anonymous' ELSE '+1666' || (i % 37) END AS caller,
	   CASE i WHEN 1 THEN 0 WHEN 2 THEN 10 WHEN 3 THEN 20 WHEN 4 THEN 600 WHEN 5 THEN 601 WHEN 6 THEN 11
			  ELSE regress.rand_int(57, i, 0, 700) END AS w,
	   regress.rand(58, i) < 0.6 AS ans,
	   1 + regress.rand_int(59, i, 0, 4) AS pos
FROM generate_series(1, 240) i;
INSERT INTO regress.rp_ql (line)
SELECT l FROM (
	SELECT i, 0 AS k, format('%s|%s|%s|NONE|ENTERQUEUE||%s|%s', t0, callid, queue, caller, pos) AS l FROM regress.rp_calls
	UNION ALL
	SELECT i, 1, format('%s|%s|%s|Alice|CONNECT|%s|%s.b|2', t0 + w, callid, queue, w, callid) FROM regress.rp_calls WHERE ans
	UNION ALL
	SELECT i, 2, CASE i % 3 WHEN 0 THEN format('%s|%s|%s|Alice|COMPLETEAGENT|%s|60|%s', t0 + w + 60, callid, queue, w, pos)
					 WHEN 1 THEN format('%s|%s|%s|Alice|COMPLETECALLER|%s|60|%s', t0 + w + 60, callid, queue, w, pos)
					 ELSE format('%s|%s|%s|Alice|BLINDTRANSFER|300|ctx|%s|60|%s', t0 + w + 60, callid, queue, w, pos) END
	FROM regress.rp_calls WHERE ans
	UNION ALL
	SELECT i, 2, CASE i % 4 WHEN 0 THEN format('%s|%s|%s|NONE|ABANDON|%s|%s|%s', t0 + w, callid, queue, greatest(pos - 1, 1), pos, w)
					 WHEN 1 THEN format('%s|%s|%s|NONE|EXITWITHTIMEOUT|%s|%s|%s', t0 + w, callid, queue, pos, pos, w)
					 WHEN 2 THEN format('%s|%s|%s|NONE|EXITEMPTY|%s|%s|%s', t0 + w, callid, queue, pos, pos, w)
					 ELSE format('%s|%s|%s|NONE|EXITWITHKEY|5|%s|%s|%s', t0 + w, callid, queue, pos, pos, w) END
	FROM regress.rp_calls WHERE NOT ans
) g ORDER BY i, k;
-- the awkward ones (2026-04-03, after the generated calls)
INSERT INTO regress.rp_ql (line) VALUES
-- an attended transfer from sales into support: one journey, two queues
('1775210000|x1|sales|NONE|ENTERQUEUE||+1777001|1'),
('1775210005|x1|sales|Bob|CONNECT|5|x1.b|2'),
('1775210065|x1|sales|Bob|ATTENDEDTRANSFER|BRIDGE|b|5|60|1'),
('1775210066|x1|support|NONE|ENTERQUEUE||+1777001|1'),
('1775210070|x1|support|Alice|CONNECT|4|x1.c|2'),
('1775210130|x1|support|Alice|COMPLETECALLER|4|60|1'),
-- an IVR loop: abandoned in sales, back in sales and answered (stint 2)
('1775210200|j1|sales|NONE|ENTERQUEUE||+1777002|2'),
('1775210230|j1|sales|NONE|EXITWITHKEY|0|1|2|30'),
('1775210240|j1|sales|NONE|ENTERQUEUE||+1777002|1'),
('1775210250|j1|sales|Bob|CONNECT|10|j1.b|2'),
('1775210300|j1|sales|Bob|COMPLETEAGENT|10|50|1'),
-- transferred from sales into support, abandoned there: not answered
('1775210400|j2|sales|NONE|ENTERQUEUE||+1777003|1'),
('1775210403|j2|sales|Bob|CONNECT|3|j2.b|2'),
('1775210430|j2|sales|Bob|TRANSFER|300|ctx|3|27|1'),
('1775210431|j2|support|NONE|ENTERQUEUE||+1777003|1'),
('1775210481|j2|support|NONE|ABANDON|1|1|50'),
-- a missed caller called back by an agent (CDR below)
('1775210500|cb|sales|NONE|ENTERQUEUE||+1777004|1'),
('1775210520|cb|sales|NONE|ABANDON|1|1|20'),
-- a restart cuts a waiting call; a call still waiting at the end of the log
('1775210600|r1|sales|NONE|ENTERQUEUE||+1777005|1'),
('1775210700|NONE|NONE|NONE|QUEUESTART|'),
('1775210800|p1|sales|NONE|ENTERQUEUE||+1777006|1'),
-- presence: Alice pauses twice, logs off paused, comes back, pauses again (open)
('1775030400|NONE|sales|Alice|ADDMEMBER|'),
('1775034000|NONE|sales|Alice|PAUSE|break'),
('1775034900|NONE|sales|Alice|UNPAUSE|'),
('1775044800|NONE|sales|Alice|PAUSE|lunch'),
('1775048400|NONE|sales|Alice|REMOVEMEMBER|'),
('1775052000|NONE|sales|Alice|ADDMEMBER|'),
('1775055600|NONE|NONE|Alice|PAUSEALL|meeting'),
('1775030400|NONE|sales|Bob|ADDMEMBER|'),
('1775030400|NONE|support|Bob|ADDMEMBER|'),
('1775062800|NONE|sales|Bob|REMOVEMEMBER|'),
('1775062800|NONE|support|Bob|REMOVEMEMBER|');
SELECT * FROM ccr.import_queue_log('regress.rp_ql');
CREATE TABLE regress.rp_cdr (calldate timestamptz, clid text, src text, dst text, uniqueid text);
INSERT INTO regress.rp_cdr VALUES ('2026-04-03 10:30:00+00', '"Agent" <201>', '201', '+1777004', 'out1'),
	('2026-03-01 10:00:00+00', '"Agent" <201>', '201', '+16661', 'out0');	-- before: clears nothing
SELECT * FROM ccr.import_cdr('regress.rp_cdr');

-- the raw lines read by plain SQL: one row per end event
CREATE VIEW regress.rp_ends AS
SELECT split_part(line, '|', 2) AS callid, split_part(line, '|', 3) AS queue, split_part(line, '|', 5) AS event,
	   split_part(line, '|', 1)::bigint AS t, string_to_array(line, '|') AS f
FROM regress.rp_ql
WHERE split_part(line, '|', 5) IN ('COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER',
								   'ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY');
-- each finished stint: day of its ENTERQUEUE (the latest one before the end), outcome, ended_by, wait
CREATE VIEW regress.rp_stints AS
SELECT e.callid, e.queue, e.event,
	   (SELECT to_timestamp(max(split_part(q.line, '|', 1)::bigint))::date FROM regress.rp_ql q
		WHERE split_part(q.line, '|', 2) = e.callid AND split_part(q.line, '|', 3) = e.queue
		  AND split_part(q.line, '|', 5) = 'ENTERQUEUE' AND split_part(q.line, '|', 1)::bigint <= e.t) AS day,
	   CASE e.event WHEN 'ABANDON' THEN 'abandoned' WHEN 'EXITWITHTIMEOUT' THEN 'timeout' WHEN 'EXITEMPTY' THEN 'exit_empty'
		   WHEN 'EXITWITHKEY' THEN 'exit_key' ELSE 'answered' END AS outcome,
	   CASE e.event WHEN 'COMPLETEAGENT' THEN 'agent' WHEN 'COMPLETECALLER' THEN 'caller'
		   WHEN 'TRANSFER' THEN 'transfer' WHEN 'BLINDTRANSFER' THEN 'transfer' WHEN 'ATTENDEDTRANSFER' THEN 'transfer' END AS ended_by,
	   -- holdtime / waittime as logged
	   (CASE WHEN e.event LIKE 'COMPLETE%' THEN e.f[6] WHEN e.event LIKE '%TRANSFER' THEN e.f[8]
			 WHEN e.event = 'EXITWITHKEY' THEN e.f[9] ELSE e.f[8] END)::integer AS w
FROM regress.rp_ends e;

SELECT count(*) AS stints, count(*) FILTER (WHERE outcome = 'answered') AS answered FROM regress.rp_stints;

-- disconnections_daily: 0 and 0
SELECT (SELECT count(*) FROM (SELECT day, queue, outcome, ended_by, count(*) FROM regress.rp_stints GROUP BY 1, 2, 3, 4
		EXCEPT SELECT * FROM ccr.disconnections_daily) x) AS missing,
	   (SELECT count(*) FROM (SELECT * FROM ccr.disconnections_daily
		EXCEPT SELECT day, queue, outcome, ended_by, count(*) FROM regress.rp_stints GROUP BY 1, 2, 3, 4) x) AS unexpected;
SELECT * FROM ccr.disconnections_daily WHERE day = '2026-04-03' ORDER BY queue, outcome, ended_by;

-- wait_distribution_daily: integer waits, band = the (10k, 10k+10] holding it, 0 in the first, over 600 in the last
CREATE VIEW regress.rp_bands AS
SELECT day, queue, CASE WHEN w = 0 THEN 0 WHEN w > 600 THEN 600 ELSE (w - 1) / 10 * 10 END AS band_from_s,
	   count(*) FILTER (WHERE outcome = 'answered') AS answered, count(*) FILTER (WHERE outcome <> 'answered') AS abandoned
FROM regress.rp_stints GROUP BY 1, 2, 3;
SELECT (SELECT count(*) FROM (SELECT day, queue, band_from_s, CASE WHEN band_from_s < 600 THEN band_from_s + 10 END, answered, abandoned
		FROM regress.rp_bands EXCEPT SELECT * FROM ccr.wait_distribution_daily) x) AS missing,
	   (SELECT count(*) FROM (SELECT * FROM ccr.wait_distribution_daily
		EXCEPT SELECT day, queue, band_from_s, CASE WHEN band_from_s < 600 THEN band_from_s + 10 END, answered, abandoned
		FROM regress.rp_bands) x) AS unexpected;
-- the edges: 0, 10 in 0-10; 11, 20 in 10-20; 600 in 590-600; 601 in 600-
SELECT c.w, d.band_from_s, d.band_to_s
FROM regress.rp_calls c
JOIN ccr.contacts k ON k.source_id = c.callid
JOIN ccr.wait_distribution_daily d ON d.day = (k.offered_at AT TIME ZONE 'UTC')::date AND d.queue = k.queue
	 AND d.band_from_s = ccr._wait_band(k.wait_s)
WHERE c.i <= 6 ORDER BY c.w;
-- service level at 20 s from the bands = straight from the contacts
SELECT regress.close(
	(SELECT sum(answered) FILTER (WHERE band_to_s <= 20)::float8 / sum(answered + abandoned) FROM ccr.wait_distribution_daily),
	(SELECT count(*) FILTER (WHERE outcome = 'answered' AND w <= 20)::float8 / count(*) FROM regress.rp_stints)) AS sl20_exact;

-- call_journeys: per callid, stints in ENTERQUEUE order
CREATE VIEW regress.rp_journeys AS
WITH s AS (
	SELECT st.*, (SELECT max(split_part(q.line, '|', 1)::bigint) FROM regress.rp_ql q
				  WHERE split_part(q.line, '|', 2) = st.callid AND split_part(q.line, '|', 3) = st.queue
					AND split_part(q.line, '|', 5) = 'ENTERQUEUE' AND q.line NOT LIKE '%|ENTERQUEUE||%|%|%'
					AND split_part(q.line, '|', 1)::bigint <= (SELECT max(e.t) FROM regress.rp_ends e
																WHERE e.callid = st.callid AND e.queue = st.queue AND e.event = st.event)) AS et
	FROM regress.rp_stints st
)
SELECT callid, count(*) AS stints,
	   (SELECT s2.queue FROM regress.rp_stints s2 JOIN regress.rp_ends e2 USING (callid, queue, event)
		WHERE s2.callid = s.callid ORDER BY e2.t LIMIT 1) AS first_queue,
	   (SELECT s2.queue FROM regress.rp_stints s2 JOIN regress.rp_ends e2 USING (callid, queue, event)
		WHERE s2.callid = s.callid ORDER BY e2.t DESC LIMIT 1) AS last_queue,
	   (SELECT s2.outcome FROM regress.rp_stints s2 JOIN regress.rp_ends e2 USING (callid, queue, event)
		WHERE s2.callid = s.callid ORDER BY e2.t DESC LIMIT 1) AS outcome,
	   sum(w)::float8 AS total_wait_s
FROM s GROUP BY callid;
SELECT (SELECT count(*) FROM (SELECT callid, stints, first_queue, last_queue, outcome, outcome = 'answered', total_wait_s FROM regress.rp_journeys
		EXCEPT SELECT callid, stints, first_queue, last_queue, outcome, answered, total_wait_s FROM ccr.call_journeys) x) AS missing,
	   (SELECT count(*) FROM (SELECT callid, stints, first_queue, last_queue, outcome, answered, total_wait_s FROM ccr.call_journeys
		EXCEPT SELECT callid, stints, first_queue, last_queue, outcome, outcome = 'answered', total_wait_s FROM regress.rp_journeys) x) AS unexpected;
SELECT * FROM ccr.call_journeys WHERE callid IN ('x1', 'j1', 'j2', 'cb') ORDER BY callid;
SELECT count(*) AS cut_or_pending_journeys FROM ccr.call_journeys WHERE callid IN ('r1', 'p1');

-- callbacks_due: a customer's unanswered stints in the window, none answered
-- after the last one, no CDR call to the number after it; anonymous is nobody
CREATE FUNCTION regress.rp_due(at timestamptz, lookback interval) RETURNS TABLE (customer text, attempts bigint, last_at timestamptz)
LANGUAGE sql AS $$
	WITH st AS (
		SELECT s.callid, s.queue, s.outcome,
			   (SELECT split_part(q.line, '|', 7) FROM regress.rp_ql q WHERE split_part(q.line, '|', 2) = s.callid
				  AND split_part(q.line, '|', 3) = s.queue AND split_part(q.line, '|', 5) = 'ENTERQUEUE' LIMIT 1) AS caller,
			   to_timestamp((SELECT e.t FROM regress.rp_ends e WHERE e.callid = s.callid AND e.queue = s.queue AND e.event = s.event) - s.w) AS offered,
			   to_timestamp((SELECT e.t FROM regress.rp_ends e WHERE e.callid = s.callid AND e.queue = s.queue AND e.event = s.event)) AS ended
		FROM regress.rp_stints s
	), missed AS (
		SELECT caller, count(*) AS n, max(offered) AS last_at FROM st
		WHERE outcome <> 'answered' AND caller <> 'anonymous' AND offered >= at - lookback AND offered < at AND ended <= at
		GROUP BY caller
	)
	SELECT m.caller, m.n, m.last_at FROM missed m
	WHERE NOT EXISTS (SELECT 1 FROM st a WHERE a.caller = m.caller AND a.outcome = 'answered'
					  AND a.offered + make_interval(secs => (SELECT w FROM regress.rp_stints x WHERE x.callid = a.callid AND x.queue = a.queue LIMIT 1)) > m.last_at
					  AND a.offered + make_interval(secs => (SELECT w FROM regress.rp_stints x WHERE x.callid = a.callid AND x.queue = a.queue LIMIT 1)) < at)
	  AND NOT EXISTS (SELECT 1 FROM regress.rp_cdr c WHERE c.dst = m.caller AND c.calldate > m.last_at AND c.calldate < at)
$$;
SELECT at, (SELECT count(*) FROM (SELECT * FROM regress.rp_due(at, lb) EXCEPT
			SELECT customer, attempts, last_attempt_at FROM ccr.callbacks_due(at, lb)) x) AS missing,
		   (SELECT count(*) FROM (SELECT customer, attempts, last_attempt_at FROM ccr.callbacks_due(at, lb) EXCEPT
			SELECT * FROM regress.rp_due(at, lb)) x) AS unexpected,
		   (SELECT count(*) FROM ccr.callbacks_due(at, lb)) AS due
FROM (VALUES ('2026-04-01 12:00:00+00'::timestamptz, interval '24 hours'), ('2026-04-02 12:00:00+00', '24 hours'),
			 ('2026-04-02 23:00:00+00', '3 hours'), ('2026-04-03 10:10:00+00', '2 days'), ('2026-04-03 12:00:00+00', '2 days')) v(at, lb)
ORDER BY at;
SELECT customer, queue, attempts FROM ccr.callbacks_due('2026-04-03 10:10:00+00', '1 hour') ORDER BY customer;
SELECT count(*) AS cb_after_cdr_call FROM ccr.callbacks_due('2026-04-03 12:00:00+00', '1 hour') WHERE customer = '+1777004';
SELECT count(*) AS anonymous_listed FROM ccr.callbacks_due('2026-04-03 12:00:00+00', '30 days') WHERE customer IS NULL OR customer = 'anonymous';
SELECT regress.err($$SELECT * FROM ccr.callbacks_due('2026-04-03 12:00:00+00', '-1 hour')$$);
SELECT regress.err($$SELECT * FROM ccr.callbacks_due(NULL, '1 hour')$$);

-- pauses and sessions, worked out by hand
SELECT agent, paused_at, resumed_at, reason, pause_s FROM ccr.agent_pauses ORDER BY agent, paused_at;
SELECT agent, login_at, logout_at, session_s, paused_s, pauses FROM ccr.agent_sessions ORDER BY agent, login_at;
SELECT (SELECT array_agg(row(reason, pause_s)::text ORDER BY paused_at) FROM ccr.agent_pauses WHERE agent = 'Alice')
	   = ARRAY['(break,900)', '(lunch,3600)', '(meeting,)'] AS alice_pauses_ok,
	   (SELECT array_agg(row(session_s, paused_s, pauses)::text ORDER BY login_at) FROM ccr.agent_sessions WHERE agent = 'Alice')
	   = ARRAY['(18000,4500,2)', '(,0,1)'] AS alice_sessions_ok,
	   (SELECT array_agg(row(session_s, paused_s, pauses)::text) FROM ccr.agent_sessions WHERE agent = 'Bob')
	   = ARRAY['(32400,0,0)'] AS bob_sessions_ok;
SELECT regress.reset_model();
