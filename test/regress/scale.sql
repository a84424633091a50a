\set ECHO none
-- The aggregate list and the checkers of the scale files (75_parallel,
-- 76_partitionwise, 77_fcr_scale): regress.scale_aggs (recreated with the
-- aggregates of every family; a file adds its own rows after including this),
-- regress.scale_par_check (serial vs forced parallel), regress.scale_pw_check
-- (plain table vs partition-wise aggregation) and regress.make_scale_months()
-- (the rows of regress.calls over seven months, plain and partitioned by
-- month).  Idempotent and quiet, like setup.sql.
SELECT current_setting('client_min_messages') AS regress_saved_cmm \gset
SET client_min_messages = warning;

-- The aggregate calls under test: label, expression, and the table they read
-- ('calls' = regress.calls, 'summaries' = stored summaries for ccr.rollup).
DROP TABLE IF EXISTS regress.scale_aggs;
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

-- Compares every aggregate column of src between tables a and b, joined by
-- grp, as value and as text (a row missing on either side is a mismatch):
-- cells = rows of a times columns, and the labels that differ.
CREATE OR REPLACE FUNCTION regress.scale_cells(p_src text, a text, b text,
											   OUT cells bigint, OUT mismatches bigint, OUT mismatching text)
LANGUAGE plpgsql AS $$
DECLARE
	lab text;
	bad bigint;
	n bigint;
BEGIN
	EXECUTE 'SELECT count(*) FROM ' || a INTO n;
	cells := 0;
	mismatches := 0;
	mismatching := '';
	FOR lab IN SELECT x.label FROM regress.scale_aggs x WHERE x.src = p_src ORDER BY x.ord LOOP
		EXECUTE format('SELECT count(*) FILTER (WHERE a.%1$I IS DISTINCT FROM b.%1$I
													OR a.%1$I::text IS DISTINCT FROM b.%1$I::text
													OR a.grp IS NULL OR b.grp IS NULL)
						FROM %2$s a FULL JOIN %3$s b ON a.grp = b.grp', lab, a, b)
			INTO bad;
		cells := cells + n;
		mismatches := mismatches + bad;
		IF bad > 0 THEN
			mismatching := mismatching || lab || ' ';
		END IF;
	END LOOP;
END $$;

-- Runs query q (its '%s' replaced by the select list of the aggregates of
-- src) once serially and once under forced parallel settings, through
-- EXPLAIN ANALYZE CREATE TABLE AS so the plan checked is the one that
-- produced the rows; then compares every cell.  Settings are SET LOCAL: they
-- end with the statement's transaction.
CREATE OR REPLACE FUNCTION regress.scale_par_check(p_shape text, p_src text, q text, leader boolean)
RETURNS TABLE (shape text, leader_participation boolean, partial_plan boolean,
			   workers_launched boolean, rows_serial bigint, rows_parallel bigint,
			   cells bigint, mismatches bigint, mismatching text)
LANGUAGE plpgsql AS $$
DECLARE
	sel text;
	full_q text;
	plan text := '';
	line text;
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
	SELECT c.cells, c.mismatches, c.mismatching INTO cells, mismatches, mismatching
	FROM regress.scale_cells(p_src, 'regress.scale_s', 'regress.scale_p') c;
	DROP TABLE regress.scale_s, regress.scale_p;
	RETURN NEXT;
END $$;

-- Runs query q ('%1$s' = the select list of the aggregates of src, '%2$s' =
-- the table) on the plain table with partition-wise aggregation off and on
-- the partitioned one with it on (through EXPLAIN ANALYZE CREATE TABLE AS, so
-- the plan checked produced the rows), optionally with forced parallel
-- plans, and compares every cell as value and as text.
CREATE OR REPLACE FUNCTION regress.scale_pw_check(p_shape text, p_src text, q text, flat text, part text, par boolean)
RETURNS TABLE (shape text, parallel boolean, partial_aggregation text,
			   rows_flat bigint, rows_part bigint, cells bigint, mismatches bigint, mismatching text)
LANGUAGE plpgsql AS $$
DECLARE
	sel text;
	plan text := '';
	line text;
	n int;
BEGIN
	SELECT string_agg(format('%s AS %I', a.expr, a.label), ', ' ORDER BY a.ord) INTO sel
	FROM regress.scale_aggs a WHERE a.src = p_src;

	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	PERFORM set_config('enable_partitionwise_aggregate', 'off', true);
	EXECUTE 'CREATE TABLE regress.scale_f AS ' || format(q, sel, flat);

	PERFORM set_config('enable_partitionwise_aggregate', 'on', true);
	IF par THEN
		PERFORM set_config('parallel_setup_cost', '0', true);
		PERFORM set_config('parallel_tuple_cost', '0', true);
		PERFORM set_config('min_parallel_table_scan_size', '0', true);
		PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	END IF;
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) CREATE TABLE regress.scale_p AS '
						|| format(q, sel, part) LOOP
		plan := plan || line || E'\n';
	END LOOP;
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	PERFORM set_config('enable_partitionwise_aggregate', 'off', true);

	shape := p_shape;
	parallel := par;
	-- Serially: one Partial Aggregate per scanned partition, under an
	-- Append.  In parallel the planner picks, by cost, partial aggregates per
	-- partition under a Parallel Append or one above it: any partial plan.
	n := CASE WHEN plan ~ 'Append' THEN
		(SELECT count(*) FROM regexp_matches(plan, 'Partial (Hash|Group)?Aggregate', 'g'))::int ELSE 0 END;
	partial_aggregation := CASE WHEN n = 0 THEN 'none'
								WHEN par THEN 'parallel partial'
								ELSE format('per partition (%s)', n) END;
	SELECT count(*) INTO rows_flat FROM regress.scale_f;
	SELECT count(*) INTO rows_part FROM regress.scale_p;
	SELECT c.cells, c.mismatches, c.mismatching INTO cells, mismatches, mismatching
	FROM regress.scale_cells(p_src, 'regress.scale_f', 'regress.scale_p') c;
	DROP TABLE regress.scale_f, regress.scale_p;
	RETURN NEXT;
END $$;

-- (Re)creates regress.scale_flat, the rows of regress.calls (which must
-- exist: regress.make_calls()) one every 10 minutes from 2026-01-01 UTC with
-- a customer key 1..3000 from regress.rand, and regress.scale_part, the same
-- rows partitioned by UTC month (7 months and a default partition).
CREATE OR REPLACE FUNCTION regress.make_scale_months() RETURNS void LANGUAGE plpgsql
SET client_min_messages = warning SET TimeZone = 'UTC' AS $$
DECLARE
	m timestamptz;
BEGIN
	DROP TABLE IF EXISTS regress.scale_part, regress.scale_flat;
	CREATE TABLE regress.scale_flat AS
	SELECT c.id, c.grp,
		   timestamptz '2026-01-01 00:00+00' + c.id * interval '10 minutes' AS at,
		   regress.rand_int(7601, c.id, 1, 3000) AS customer,
		   c.wait, c.answered, c.talk, c.hold, c.acw, c.flag, c.reopens, c.csat5, c.nps
	FROM regress.calls c;
	ANALYZE regress.scale_flat;
	CREATE TABLE regress.scale_part (LIKE regress.scale_flat) PARTITION BY RANGE (at);
	FOR m IN SELECT generate_series(timestamptz '2026-01-01 00:00+00', '2026-07-01 00:00+00', interval '1 month') LOOP
		EXECUTE format('CREATE TABLE regress.scale_part_%s PARTITION OF regress.scale_part FOR VALUES FROM (%L) TO (%L)',
					   to_char(m, 'YYYY_MM'), m, m + interval '1 month');
	END LOOP;
	CREATE TABLE regress.scale_part_default PARTITION OF regress.scale_part DEFAULT;
	INSERT INTO regress.scale_part SELECT * FROM regress.scale_flat;
	ANALYZE regress.scale_part;
END $$;

SET client_min_messages = :'regress_saved_cmm';
\set ECHO all
