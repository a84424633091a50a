-- Parallel speedup of every aggregate: the same query serially and with the
-- leader + 1 parallel worker, timed round-robin in one run; speedup = best
-- serial time / best time with 1 worker.  Leader + 1 worker is what a 2-core
-- machine can show (2 workers + the leader only queue for the same 2 cores).
-- Every variant's answer (all output columns as text) must be identical to
-- the serial one, and the worker count is the one EXPLAIN ANALYZE reports
-- as launched.  count(*) shows what the scan itself gains.  The load average
-- (uptime) is printed before and after: quote it with the figures.
SET jit = off;
SELECT setseed(0.7) \gset
DROP TABLE IF EXISTS bench.par_calls;
CREATE TABLE bench.par_calls AS
SELECT g AS id,
	   (1 + floor(random() * (:rows / 8)))::bigint AS customer,
	   timestamptz '2026-01-01 00:00+00' + g * interval '3 seconds' AS at,
	   CASE WHEN g % 97 = 0 THEN NULL ELSE round((random() * random() * 120)::numeric, 2)::float8 END AS wait,
	   random() < 0.85 AS answered,
	   round((30 + random() * 600)::numeric, 2)::float8 AS talk,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((random() * 60)::numeric, 2)::float8 END AS hold,
	   round((random() * 90)::numeric, 2)::float8 AS acw,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE random() < 0.7 END AS flag,
	   CASE WHEN g % 7 = 0 THEN NULL ELSE (random() * 3)::int END AS reopens,
	   CASE WHEN g % 4 = 0 THEN 1 + (random() * 4)::int END AS csat,
	   CASE WHEN g % 5 = 0 THEN (random() * 10)::int END AS nps,
	   CASE WHEN g % 6 = 0 THEN 1 + (random() * 6)::int END AS ces
FROM generate_series(1, :rows) g;
ALTER TABLE bench.par_calls ADD COLUMN ended_at timestamptz;
UPDATE bench.par_calls SET ended_at = at + (coalesce(wait, 0) + talk) * interval '1 second';
VACUUM ANALYZE bench.par_calls;

-- Stored summaries, one per 20 contacts, for ccr.rollup.  (fcr_agg is
-- timed through its accessors; its text is canonical, so md5 of it is
-- compared too.)
DROP TABLE IF EXISTS bench.par_summaries;
CREATE TABLE bench.par_summaries AS
SELECT id / 20 AS block, ccr.sl_agg(wait, answered, 20) AS sl, ccr.rate_agg(flag) AS rate,
	   ccr.duration_agg(talk) AS dur, ccr.fcr_agg(customer, at, interval '7 days') AS fcr
FROM bench.par_calls GROUP BY 1;
VACUUM ANALYZE bench.par_summaries;

-- bench.parallel_compare(section, query, reps): the query (one row) with
-- 0 workers and 1 worker (leader participating).
CREATE OR REPLACE FUNCTION bench.parallel_compare(section text, q text, reps int DEFAULT 7)
RETURNS TABLE (bench text, variant text, launched int, best_ms numeric, speedup numeric, identical boolean)
LANGUAGE plpgsql AS $$
DECLARE
	labels text[] := ARRAY['0 workers', '1 worker'];
	workers int[] := ARRAY[0, 1];
	leader text[] := ARRAY['on', 'on'];
	n int := 2;
	wrapped text := 'SELECT t::text FROM (' || q || ') t';
	times float8[][] := array_fill(0::float8, ARRAY[n, reps]);
	answers text[] := array_fill(NULL::text, ARRAY[n]);
	nlaunched int[] := array_fill(0, ARRAY[n]);
	answer text;
	plan text;
	line text;
	t0 timestamptz;
	best float8;
	base float8;
BEGIN
	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	-- warm-up run of each variant gives its answer; EXPLAIN ANALYZE its workers
	FOR i IN 1..n LOOP
		PERFORM set_config('max_parallel_workers_per_gather', workers[i]::text, true);
		PERFORM set_config('parallel_leader_participation', leader[i], true);
		EXECUTE wrapped INTO answer;
		answers[i] := answer;
		IF workers[i] > 0 THEN
			plan := '';
			FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
				plan := plan || line || E'\n';
			END LOOP;
			nlaunched[i] := coalesce(substring(plan FROM 'Workers Launched: ([0-9]+)')::int, 0);
		END IF;
	END LOOP;
	FOR r IN 1..reps LOOP
		FOR i IN 1..n LOOP
			PERFORM set_config('max_parallel_workers_per_gather', workers[i]::text, true);
			PERFORM set_config('parallel_leader_participation', leader[i], true);
			t0 := clock_timestamp();
			EXECUTE wrapped;
			times[i][r] := extract(epoch FROM clock_timestamp() - t0) * 1000;
		END LOOP;
	END LOOP;
	FOR i IN 1..n LOOP
		SELECT min(x) INTO best FROM unnest(times[i:i][1:reps]) x;
		IF i = 1 THEN base := best; END IF;
		bench := section;
		variant := labels[i];
		launched := nlaunched[i];
		best_ms := round(best::numeric, 1);
		speedup := round((base / best)::numeric, 2);
		identical := answers[i] IS NOT DISTINCT FROM answers[1];
		RETURN NEXT;
	END LOOP;
	PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	PERFORM set_config('parallel_leader_participation', 'on', true);
END $$;

\! uptime
\echo 'speedup = best time with 0 workers / best time of the variant, measured round-robin in this run; identical = same answer text as serial'
CREATE TEMP TABLE par_results (bench text, variant text, launched int, best_ms numeric, speedup numeric,
							   identical boolean, ord serial);

INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('count(*) (scan floor)', 'SELECT count(*) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('service_level', 'SELECT ccr.service_level(wait, answered, 20) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('service_level policy', 'SELECT ccr.service_level(wait, answered, 20, ''ignore'', 5) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('sl_agg', 'SELECT ccr.sl_agg(wait, answered, 20, 5) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('abandon_rate(boolean)', 'SELECT ccr.abandon_rate(NOT answered) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('abandon_rate(wait)', 'SELECT ccr.abandon_rate(wait, answered, 5) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('asa', 'SELECT ccr.asa(wait, answered) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('aht', 'SELECT ccr.aht(talk, hold, acw) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('aht_agg', 'SELECT ccr.aht_agg(talk, hold, acw) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('fcr_rate(boolean)', 'SELECT ccr.fcr_rate(flag) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('resolution_rate', 'SELECT ccr.resolution_rate(flag) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('reopen_rate(integer)', 'SELECT ccr.reopen_rate(reopens) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('rate_agg', 'SELECT ccr.rate_agg(flag) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('csat', 'SELECT ccr.csat(csat, 5) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('csat_agg', 'SELECT ccr.csat_agg(csat, 5) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('nps', 'SELECT ccr.nps(nps) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('nps_agg', 'SELECT ccr.nps_agg(nps) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('ces', 'SELECT ccr.ces(ces, 7) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('qa_score', 'SELECT ccr.qa_score(hold, 60, flag) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('duration_agg (p90)', 'SELECT ccr.percentile(ccr.duration_agg(talk), 0.9) FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('backlog_agg (daily)', 'SELECT ccr.backlog_agg(at, ended_at, ''2026-01-01 00:00+00'', ''2026-07-01 00:00+00'', interval ''1 day'') FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('fcr_rate(customer, at, 7 days)', 'SELECT ccr.fcr_rate(customer, at, interval ''7 days'') FROM bench.par_calls');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('fcr_agg accessors', 'SELECT ccr.fcr_rate(s), ccr.first_contacts(s), ccr.repeat_rate(s) FROM (SELECT ccr.fcr_agg(customer, at, interval ''7 days'') AS s FROM bench.par_calls) x');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('fcr_agg summary text (md5)', 'SELECT md5(ccr.fcr_agg(customer, at, interval ''7 days'')::text) FROM bench.par_calls', 3);
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('rollup(sl_summary)', 'SELECT ccr.rollup(sl) FROM bench.par_summaries');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('rollup(rate_summary)', 'SELECT ccr.rollup(rate) FROM bench.par_summaries');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('rollup(duration_summary)', 'SELECT ccr.rollup(dur) FROM bench.par_summaries');
INSERT INTO par_results (bench, variant, launched, best_ms, speedup, identical) SELECT * FROM bench.parallel_compare('rollup(fcr_summary)', 'SELECT ccr.fcr_rate(ccr.rollup(fcr)) FROM bench.par_summaries');

SELECT bench, variant, launched, best_ms, speedup, identical FROM par_results ORDER BY ord;

\! uptime
\echo 'README table: serial and leader + 1 worker, answers identical to serial'
SELECT bench AS aggregate,
	   max(best_ms) FILTER (WHERE variant = '0 workers') AS serial_ms,
	   max(best_ms) FILTER (WHERE variant = '1 worker') AS leader_1_worker_ms,
	   max(speedup) FILTER (WHERE variant = '1 worker') AS speedup,
	   bool_and(identical) AS identical,
	   min(launched) FILTER (WHERE variant = '1 worker') = 1 AS launched_1
FROM par_results GROUP BY bench ORDER BY min(ord);

-- Rollup reads vs raw recomputation: the KPIs of the whole period from
-- stored hourly summaries, against computing them from the raw contacts
-- (serial, so the ratio is per-row work, not worker count).
DROP TABLE IF EXISTS bench.par_hourly;
CREATE TABLE bench.par_hourly AS
SELECT date_trunc('hour', at, 'UTC') AS hour, ccr.sl_agg(wait, answered, 20) AS sl,
	   ccr.aht_agg(talk, hold, acw) AS aht, ccr.rate_agg(flag) AS rate
FROM bench.par_calls GROUP BY 1;
VACUUM ANALYZE bench.par_hourly;
SET max_parallel_workers_per_gather = 0;
\echo 'rollup reads: times_faster = best time recomputing from raw contacts / best time of the variant (serial)'
SELECT bench, variant, best_ms, cpu_ms, round(max(best_ms) OVER () / nullif(best_ms, 0)) AS times_faster
FROM bench.compare('rollup of hourly summaries vs raw',
	ARRAY['raw contacts', 'rollup hourly summaries'], ARRAY[
	'SELECT ccr.service_level(wait, answered, 20), ccr.aht(talk, hold, acw), ccr.fcr_rate(flag) FROM bench.par_calls',
	'SELECT ccr.service_level(ccr.rollup(sl)), ccr.aht(ccr.rollup(aht)), ccr.rate(ccr.rollup(rate)) FROM bench.par_hourly'], 5);
SELECT (SELECT row(ccr.service_level(wait, answered, 20), ccr.aht(talk, hold, acw), ccr.fcr_rate(flag))::text FROM bench.par_calls)
	 = (SELECT row(ccr.service_level(ccr.rollup(sl)), ccr.aht(ccr.rollup(aht)), ccr.rate(ccr.rollup(rate)))::text FROM bench.par_hourly)
	   AS rollup_identical_to_raw;
RESET max_parallel_workers_per_gather;
