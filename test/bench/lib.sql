-- Benchmark helpers. Timings are taken inside the server, round-robin over the
-- variants being compared (A B C A B C ...), so background noise hits every
-- variant alike; only ratios measured in one run are reported.  The estimate
-- of each variant is its fastest repetition: on a shared machine noise only
-- ever adds time, so the minimum is the most repeatable figure.
CREATE SCHEMA IF NOT EXISTS bench;

-- bench.compare(section, labels, queries, reps): fastest wall time of each
-- query and its ratio to the first one (the baseline).
CREATE OR REPLACE FUNCTION bench.compare(section text, labels text[], queries text[], reps int DEFAULT 7)
RETURNS TABLE (bench text, variant text, best_ms numeric, ratio numeric)
LANGUAGE plpgsql AS $$
DECLARE
	n int := array_length(queries, 1);
	times float8[][] := array_fill(0::float8, ARRAY[n, reps]);
	t0 timestamptz;
	base float8;
	med float8;
BEGIN
	FOR i IN 1..n LOOP
		EXECUTE queries[i];			-- warm the cache and the plan
	END LOOP;
	FOR r IN 1..reps LOOP
		FOR i IN 1..n LOOP
			t0 := clock_timestamp();
			EXECUTE queries[i];
			times[i][r] := extract(epoch FROM clock_timestamp() - t0) * 1000;
		END LOOP;
	END LOOP;
	FOR i IN 1..n LOOP
		SELECT min(x) INTO med FROM unnest(times[i:i][1:reps]) x;
		IF i = 1 THEN base := med; END IF;
		bench := section;
		variant := labels[i];
		best_ms := round(med::numeric, 1);
		ratio := round((med / base)::numeric, 2);
		RETURN NEXT;
	END LOOP;
END $$;
