-- Parallel aggregation: every aggregate, forced into Partial Aggregate plans
-- under Gather, gives bit for bit the serial answer (summaries compared as
-- text, results with = and as text), with and without leader participation,
-- for grouped and ungrouped queries, empty groups, NULL rows, tiny inputs
-- where some workers see nothing, and no input at all.

-- The aggregate calls under test: label, expression, and the table they read
-- ('calls' = regress.calls, 'summaries' = stored summaries for ccr.rollup).
CREATE TABLE regress.scale_aggs (ord serial, src text, label text, expr text);
INSERT INTO regress.scale_aggs (src, label, expr) VALUES
	('calls', 'service_level', 'ccr.service_level(wait, answered, 20)'),
	('calls', 'service_level_ignore', 'ccr.service_level(wait, answered, 20, ''ignore'', 5)'),
	('calls', 'service_level_positive', 'ccr.service_level(wait, answered, 20, ''positive'', 5)'),
	('calls', 'service_level_answered', 'ccr.service_level(wait, answered, 20, ''answered'', 0)'),
	('calls', 'service_level_iv', 'ccr.service_level(wait * interval ''1 second'', answered, interval ''20 seconds'')'),
	('calls', 'service_level_iv_policy', 'ccr.service_level(wait * interval ''1 second'', answered, interval ''20 seconds'', ''ignore'', interval ''5 seconds'')'),
	('calls', 'sl_agg', 'ccr.sl_agg(wait, answered, 20)::text'),
	('calls', 'sl_agg_short', 'ccr.sl_agg(wait, answered, 20, 5)::text'),
	('calls', 'sl_agg_iv', 'ccr.sl_agg(wait * interval ''1 second'', answered, interval ''20 seconds'')::text'),
	('calls', 'sl_agg_iv_short', 'ccr.sl_agg(wait * interval ''1 second'', answered, interval ''20 seconds'', interval ''5 seconds'')::text'),
	('calls', 'sl_accessors', 'ccr.service_level(ccr.sl_agg(wait, answered, 20, 5), ''positive'')'),
	('calls', 'abandon_rate_flag', 'ccr.abandon_rate(NOT answered)'),
	('calls', 'abandon_rate_wait', 'ccr.abandon_rate(wait, answered, 5)'),
	('calls', 'abandon_rate_iv', 'ccr.abandon_rate(wait * interval ''1 second'', answered, interval ''5 seconds'')'),
	('calls', 'asa', 'ccr.asa(wait, answered)'),
	('calls', 'asa_iv', 'ccr.asa(wait * interval ''1 second'', answered)'),
	('calls', 'aht', 'ccr.aht(talk, hold, acw)'),
	('calls', 'aht_iv', 'ccr.aht(talk * interval ''1 second'', hold * interval ''1 second'', acw * interval ''1 second'')'),
	('calls', 'aht_agg', 'ccr.aht_agg(talk, hold, acw)::text'),
	('calls', 'aht_agg_iv', 'ccr.aht_agg(talk * interval ''1 second'', hold * interval ''1 second'', acw * interval ''1 second'')::text'),
	('calls', 'fcr_rate_flag', 'ccr.fcr_rate(flag)'),
	('calls', 'resolution_rate', 'ccr.resolution_rate(flag)'),
	('calls', 'reopen_rate_flag', 'ccr.reopen_rate(flag)'),
	('calls', 'reopen_rate_count', 'ccr.reopen_rate(reopens)'),
	('calls', 'rate_agg', 'ccr.rate_agg(flag)::text'),
	('calls', 'csat', 'ccr.csat(csat5, 5)'),
	('calls', 'csat_agg', 'ccr.csat_agg(csat5, 5)::text'),
	('calls', 'nps', 'ccr.nps(nps)'),
	('calls', 'nps_agg', 'ccr.nps_agg(nps)::text'),
	('calls', 'duration_agg', 'ccr.duration_agg(talk)::text'),
	('calls', 'duration_agg_iv', 'ccr.duration_agg(wait * interval ''1 second'')::text'),
	('calls', 'duration_p90', 'ccr.percentile(ccr.duration_agg(wait), 0.9)'),
	('calls', 'duration_mean', 'ccr.mean(ccr.duration_agg(talk))'),
	('calls', 'backlog_agg', 'ccr.backlog_agg(at, at + talk * interval ''1 second'', ''2026-03-01 00:00+00'', ''2026-03-15 00:00+00'', interval ''1 day'')::text'),
	('calls', 'ces', 'ccr.ces(csat5, 5)'),
	('calls', 'ces_agg', 'ccr.ces_agg(csat5, 5)::text'),
	('calls', 'qa_score', 'ccr.qa_score(hold, 60, flag)'),
	('calls', 'qa_agg', 'ccr.qa_agg(hold, 60, flag)::text'),
	('summaries', 'rollup_sl', 'ccr.rollup(sl)::text'),
	('summaries', 'rollup_sl_service_level', 'ccr.service_level(ccr.rollup(sl), ''ignore'')'),
	('summaries', 'rollup_rate', 'ccr.rollup(rate)::text'),
	('summaries', 'rollup_aht', 'ccr.rollup(aht)::text'),
	('summaries', 'rollup_aht_aht', 'ccr.aht(ccr.rollup(aht))'),
	('summaries', 'rollup_csat', 'ccr.rollup(csat)::text'),
	('summaries', 'rollup_nps', 'ccr.rollup(nps)::text'),
	('summaries', 'rollup_nps_nps', 'ccr.nps(ccr.rollup(nps))'),
	('summaries', 'rollup_duration', 'ccr.rollup(dur)::text'),
	('summaries', 'rollup_duration_p50', 'ccr.percentile(ccr.rollup(dur), 0.5)'),
	('summaries', 'rollup_backlog', 'ccr.rollup(backlog)::text'),
	('summaries', 'rollup_ces', 'ccr.rollup(ces)::text'),
	('summaries', 'rollup_qa', 'ccr.rollup(qa)::text'),
	-- negative control: differs between the serial and the parallel run, so
	-- the checker must report it
	('control', 'control_differs', 'max(id) + current_setting(''max_parallel_workers_per_gather'')::int');

-- Stored summaries, one per group and block of 500 ids (some all-NULL).
CREATE TABLE regress.scale_summaries AS
SELECT grp, id / 500 AS block,
	   ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS rate,
	   ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat,
	   ccr.nps_agg(nps) AS nps, ccr.duration_agg(talk) AS dur,
	   ccr.backlog_agg(at, at + talk * interval '1 second', '2026-03-01 00:00+00', '2026-03-15 00:00+00', interval '1 day') AS backlog,
	   ccr.ces_agg(csat5, 5) AS ces, ccr.qa_agg(hold, 60, flag) AS qa
FROM regress.calls GROUP BY grp, id / 500;
ANALYZE regress.scale_summaries;

-- Runs query q (its '%s' replaced by the select list of the aggregates of
-- src) once serially and once under forced parallel settings, through
-- EXPLAIN ANALYZE CREATE TABLE AS so the plan checked is the one that
-- produced the rows; then compares every cell.  Settings are SET LOCAL: they
-- end with the statement's transaction.
CREATE FUNCTION regress.scale_par_check(p_shape text, p_src text, q text, leader boolean)
RETURNS TABLE (shape text, leader_participation boolean, partial_plan boolean,
			   workers_launched boolean, rows_serial bigint, rows_parallel bigint,
			   cells bigint, mismatches bigint, mismatching text)
LANGUAGE plpgsql AS $$
DECLARE
	sel text;
	full_q text;
	plan text := '';
	line text;
	lab text;
	bad bigint;
BEGIN
	SELECT string_agg(format('%s AS %I', a.expr, a.label), ', ' ORDER BY a.ord) INTO sel
	FROM regress.scale_aggs a WHERE a.src = p_src;
	full_q := format(q, sel);

	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	EXECUTE 'CREATE TABLE regress.scale_s AS ' || full_q;

	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	PERFORM set_config('parallel_leader_participation', CASE WHEN leader THEN 'on' ELSE 'off' END, true);
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE regress.scale_p AS ' || full_q LOOP
		plan := plan || line || E'\n';
	END LOOP;
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);

	shape := p_shape;
	leader_participation := leader;
	partial_plan := plan ~ 'Gather' AND plan ~ 'Partial (Hash|Group)?Aggregate';
	workers_launched := coalesce((substring(plan FROM 'Workers Launched: ([0-9]+)'))::int, 0) > 0;
	SELECT count(*) INTO rows_serial FROM regress.scale_s;
	SELECT count(*) INTO rows_parallel FROM regress.scale_p;
	cells := 0;
	mismatches := 0;
	mismatching := '';
	FOR lab IN SELECT a.label FROM regress.scale_aggs a WHERE a.src = p_src ORDER BY a.ord LOOP
		EXECUTE format('SELECT count(*) FILTER (WHERE s.%1$I IS DISTINCT FROM p.%1$I
													OR s.%1$I::text IS DISTINCT FROM p.%1$I::text
													OR s.grp IS NULL OR p.grp IS NULL)
						FROM regress.scale_s s FULL JOIN regress.scale_p p ON s.grp = p.grp', lab)
			INTO bad;
		cells := cells + rows_serial;
		mismatches := mismatches + bad;
		IF bad > 0 THEN
			mismatching := mismatching || lab || ' ';
		END IF;
	END LOOP;
	DROP TABLE regress.scale_s, regress.scale_p;
	RETURN NEXT;
END $$;

-- The plan shapes, once in full.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT ccr.sl_agg(wait, answered, 20), ccr.aht(talk, hold, acw) FROM regress.calls;
EXPLAIN (COSTS OFF) SELECT grp, ccr.service_level(wait, answered, 20), ccr.nps_agg(nps) FROM regress.calls GROUP BY grp;
EXPLAIN (COSTS OFF) SELECT grp, ccr.rollup(sl) FROM regress.scale_summaries GROUP BY grp;
RESET ALL;

-- Every aggregate, serial vs parallel, leader participation off and on.
SELECT c.*
FROM (VALUES (false), (true)) l(leader),
	 LATERAL (VALUES
		('grouped', 'calls', 'SELECT grp, %s FROM regress.calls GROUP BY grp'),
		('total', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls'),
		('tiny groups', 'calls', 'SELECT grp, %s FROM regress.calls WHERE mod(id, 997) = 5 GROUP BY grp'),
		('one row', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE id + 0 = 12345'),
		('no rows', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE id + 0 < 0'),
		('null rows only', 'calls', 'SELECT 0 AS grp, %s FROM regress.calls WHERE grp = 9'),
		('rollup grouped', 'summaries', 'SELECT grp, %s FROM regress.scale_summaries GROUP BY grp'),
		('rollup total', 'summaries', 'SELECT 0 AS grp, %s FROM regress.scale_summaries'),
		('rollup no rows', 'summaries', 'SELECT 0 AS grp, %s FROM regress.scale_summaries WHERE block + 0 < 0'),
		('control (must mismatch)', 'control', 'SELECT grp, %s FROM regress.calls GROUP BY grp')
	 ) v(shape, src, q),
	 LATERAL regress.scale_par_check(v.shape, v.src, v.q, l.leader) c;

-- Under parallel plans the answers still match plain SQL, and rolling up the
-- stored summaries equals building the summary directly.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE ccr.hits(rate) IS DISTINCT FROM hits OR ccr.total(rate) IS DISTINCT FROM total) AS rate_bad,
	   count(*) FILTER (WHERE ccr.answered(sl) IS DISTINCT FROM answered_n OR ccr.abandoned(sl) IS DISTINCT FROM abandoned_n) AS sl_bad,
	   count(*) FILTER (WHERE ccr.handled(aht) IS DISTINCT FROM handled) AS aht_bad,
	   count(*) FILTER (WHERE ccr.responses(nps) IS DISTINCT FROM nps_n) AS nps_bad
FROM (SELECT grp, ccr.rate_agg(flag) AS rate, ccr.sl_agg(wait, answered, 20) AS sl,
			 ccr.aht_agg(talk, hold, acw) AS aht, ccr.nps_agg(nps) AS nps,
			 nullif(count(*) FILTER (WHERE flag), 0) AS hits, nullif(count(flag), 0) AS total,
			 count(*) FILTER (WHERE answered AND wait IS NOT NULL) AS answered_n,
			 count(*) FILTER (WHERE NOT answered AND wait IS NOT NULL) AS abandoned_n,
			 nullif(count(talk), 0) AS handled, nullif(count(nps), 0) AS nps_n
	  FROM regress.calls GROUP BY grp) x
WHERE grp <> 9;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE r.sl::text IS DISTINCT FROM d.sl::text
						   OR r.rate::text IS DISTINCT FROM d.rate::text
						   OR r.aht::text IS DISTINCT FROM d.aht::text
						   OR r.csat::text IS DISTINCT FROM d.csat::text
						   OR r.nps::text IS DISTINCT FROM d.nps::text
						   OR r.dur::text IS DISTINCT FROM d.dur::text
						   OR r.backlog::text IS DISTINCT FROM d.backlog::text
						   OR r.ces::text IS DISTINCT FROM d.ces::text
						   OR r.qa::text IS DISTINCT FROM d.qa::text) AS rollup_vs_direct_mismatches
FROM (SELECT grp, ccr.rollup(sl) AS sl, ccr.rollup(rate) AS rate, ccr.rollup(aht) AS aht,
			 ccr.rollup(csat) AS csat, ccr.rollup(nps) AS nps, ccr.rollup(dur) AS dur,
			 ccr.rollup(backlog) AS backlog, ccr.rollup(ces) AS ces, ccr.rollup(qa) AS qa
	  FROM regress.scale_summaries GROUP BY grp) r
	 FULL JOIN
	 (SELECT grp, ccr.sl_agg(wait, answered, 20, 5) AS sl, ccr.rate_agg(flag) AS rate,
			 ccr.aht_agg(talk, hold, acw) AS aht, ccr.csat_agg(csat5, 5) AS csat, ccr.nps_agg(nps) AS nps,
			 ccr.duration_agg(talk) AS dur,
			 ccr.backlog_agg(at, at + talk * interval '1 second', '2026-03-01 00:00+00', '2026-03-15 00:00+00', interval '1 day') AS backlog,
			 ccr.ces_agg(csat5, 5) AS ces, ccr.qa_agg(hold, 60, flag) AS qa
	  FROM regress.calls GROUP BY grp) d USING (grp);
RESET ALL;

-- Combining two empty states.  An aggregate over no rows has a NULL state
-- (the strict combine functions skip it); an all-zero summary is the
-- explicit empty value, and combining two of them gives it back.
SELECT ccr.rate_summary_combine(z, z)::text = z::text AS rate_ok,
	   ccr.rate(ccr.rate_summary_combine(z, z)) IS NULL AS rate_null,
	   (SELECT ccr.rollup(x) FROM (VALUES (NULL::ccr.rate_summary), (NULL)) n(x)) IS NULL AS rollup_of_nulls_is_null
FROM (VALUES ('v=1 hits=0 total=0'::ccr.rate_summary)) v(z);
SELECT ccr.sl_summary_combine(z, z)::text = z::text AS sl_ok,
	   ccr.service_level(ccr.sl_summary_combine(z, z)) IS NULL AS sl_rate_null,
	   ccr.asa(ccr.sl_summary_combine(z, z)) IS NULL AS asa_null
FROM (VALUES ('v=1 threshold=20 short_abandon=5 policy=negative answered=0 answered_within=0 abandoned=0 abandoned_within=0 short_abandons=0 answered_wait_us=0 abandoned_wait_us=0'::ccr.sl_summary)) v(z);
SELECT ccr.aht_summary_combine(z, z)::text = z::text AS aht_ok, ccr.aht(ccr.aht_summary_combine(z, z)) IS NULL AS aht_null
FROM (VALUES ('v=1 handled=0 talk_us=0 hold_us=0 acw_us=0'::ccr.aht_summary)) v(z);
SELECT ccr.csat_summary_combine(z, z)::text = z::text AS csat_ok, ccr.csat(ccr.csat_summary_combine(z, z)) IS NULL AS csat_null
FROM (VALUES ('v=1 responses=0 satisfied=0'::ccr.csat_summary)) v(z);
SELECT ccr.nps_summary_combine(z, z)::text = z::text AS nps_ok, ccr.nps(ccr.nps_summary_combine(z, z)) IS NULL AS nps_null
FROM (VALUES ('v=1 responses=0 promoters=0 detractors=0'::ccr.nps_summary)) v(z);
SELECT ccr.duration_summary_combine(z, z)::text = z::text AS duration_ok,
	   ccr.mean(ccr.duration_summary_combine(z, z)) IS NULL AS mean_null,
	   ccr.percentile(ccr.duration_summary_combine(z, z), 0.5) IS NULL AS percentile_null
FROM (VALUES ('v=1 count=0 zeros=0 sum_us=0 min_positive=0 max=0 buckets='::ccr.duration_summary)) v(z);
SELECT ccr.ces_summary_combine(z, z)::text = z::text AS ces_ok, ccr.ces(ccr.ces_summary_combine(z, z)) IS NULL AS ces_null
FROM (VALUES ('v=1 responses=0 score_sum=0'::ccr.ces_summary)) v(z);
SELECT ccr.qa_summary_combine(z, z)::text = z::text AS qa_ok, ccr.qa_score(ccr.qa_summary_combine(z, z)) IS NULL AS qa_null
FROM (VALUES ('v=1 evaluations=0 auto_failed=0 earned_micro=0 possible_micro=0'::ccr.qa_summary)) v(z);
-- a backlog grid with nothing in it (the only contact is after the grid)
SELECT ccr.backlog_summary_combine(z, z)::text = z::text AS backlog_ok,
	   (SELECT sum(open_at_start + opened + closed) FROM ccr.backlog(ccr.backlog_summary_combine(z, z))) = 0 AS backlog_all_zero
FROM (SELECT ccr.backlog_agg(t, t, '2026-01-01 00:00+00', '2026-01-03 00:00+00', interval '1 day') AS z
	  FROM (VALUES (timestamptz '2027-01-01 00:00+00')) v(t)) x;
-- an empty summary combined with a real one is the real one, either side
SELECT ccr.rate_summary_combine(z, s)::text = s::text AND ccr.rate_summary_combine(s, z)::text = s::text AS identity_ok
FROM (VALUES ('v=1 hits=0 total=0'::ccr.rate_summary)) v(z),
	 (SELECT ccr.rate_agg(flag) AS s FROM regress.calls) x;
-- the same, through parallel rollup: stored empty summaries change nothing
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TABLE regress.scale_empties AS
SELECT g, 'v=1 hits=0 total=0'::ccr.rate_summary AS rate FROM generate_series(1, 2000) g;
SELECT ccr.rollup(rate)::text AS two_thousand_empties FROM regress.scale_empties;
SELECT ccr.rollup(rate)::text = (SELECT ccr.rate_agg(flag)::text FROM regress.calls) AS empties_plus_real_ok
FROM (SELECT rate FROM regress.scale_empties
	  UNION ALL SELECT ccr.rate_agg(flag) FROM regress.calls) u;
RESET ALL;

DROP TABLE regress.scale_empties;
