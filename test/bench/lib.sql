-- Benchmark helpers. Timings are taken inside the server, round-robin over the
-- variants being compared (A B C A B C ...), so background noise hits every
-- variant alike; only ratios measured in one run are reported.  The estimate
-- of each variant is its fastest repetition: on a shared machine noise only
-- ever adds time, so the minimum is the most repeatable figure.
CREATE SCHEMA IF NOT EXISTS bench;

-- Nanoseconds this backend has spent on a CPU.  The kernel brings the
-- figure of a running task up to date at scheduler ticks (a few ms), so a
-- query much shorter than a tick can read 0: compare queries of 100 ms or
-- more (the ratio against a 0 baseline is NULL).
CREATE OR REPLACE FUNCTION bench.cpu_ns() RETURNS float8 LANGUAGE sql VOLATILE AS $$
	SELECT split_part(pg_read_file('/proc/' || pg_backend_pid() || '/schedstat'), ' ', 1)::float8
$$;

-- bench.compare(section, labels, queries, reps): fastest wall time of each
-- query and its ratio to the first one (the baseline); then the same for the
-- backend's own CPU time (from /proc/<pid>/schedstat: nanoseconds on a CPU,
-- which excludes time spent waiting for one on a loaded machine).  CPU time
-- is the figure to compare for serial plans; with parallel workers only
-- wall time counts (the workers' CPU time is not the backend's).
CREATE OR REPLACE FUNCTION bench.compare(section text, labels text[], queries text[], reps int DEFAULT 7)
RETURNS TABLE (bench text, variant text, best_ms numeric, ratio numeric, cpu_ms numeric, cpu_ratio numeric)
LANGUAGE plpgsql AS $$
DECLARE
	n int := array_length(queries, 1);
	times float8[][] := array_fill(0::float8, ARRAY[n, reps]);
	cpu float8[][] := array_fill(0::float8, ARRAY[n, reps]);
	t0 timestamptz;
	c0 float8;
	base float8;
	cpu_base float8;
	med float8;
BEGIN
	FOR i IN 1..n LOOP
		EXECUTE queries[i];			-- warm the cache and the plan
	END LOOP;
	FOR r IN 1..reps LOOP
		FOR i IN 1..n LOOP
			c0 := bench.cpu_ns();
			t0 := clock_timestamp();
			EXECUTE queries[i];
			times[i][r] := extract(epoch FROM clock_timestamp() - t0) * 1000;
			cpu[i][r] := (bench.cpu_ns() - c0) / 1e6;
		END LOOP;
	END LOOP;
	FOR i IN 1..n LOOP
		SELECT min(x) INTO med FROM unnest(times[i:i][1:reps]) x;
		IF i = 1 THEN base := med; END IF;
		bench := section;
		variant := labels[i];
		best_ms := round(med::numeric, 1);
		ratio := round((med / nullif(base, 0))::numeric, 2);
		SELECT min(x) INTO med FROM unnest(cpu[i:i][1:reps]) x;
		IF i = 1 THEN cpu_base := med; END IF;
		cpu_ms := round(med::numeric, 1);
		cpu_ratio := round((med / nullif(cpu_base, 0))::numeric, 2);
		RETURN NEXT;
	END LOOP;
END $$;
