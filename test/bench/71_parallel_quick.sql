-- A short parallel check (a few minutes): wall time with 0 and 2 workers,
-- round-robin, fastest of 5, same answer required.  70_parallel.sql is the
-- full version over every aggregate.
SET jit = off;
SELECT setseed(0.3) \gset
DROP TABLE IF EXISTS bench.pq;
CREATE TABLE bench.pq AS
SELECT (1 + floor(random() * (:rows / 8)))::bigint AS customer,
	   timestamptz '2026-01-01 00:00+00' + g * interval '3 seconds' AS at,
	   round((random() * random() * 120)::numeric, 2)::float8 AS wait,
	   random() < 0.85 AS answered,
	   round((30 + random() * 600)::numeric, 2)::float8 AS talk,
	   CASE WHEN g % 3 = 0 THEN NULL ELSE round((random() * 60)::numeric, 2)::float8 END AS hold,
	   round((random() * 90)::numeric, 2)::float8 AS acw,
	   CASE WHEN g % 11 = 0 THEN NULL ELSE random() < 0.7 END AS flag
FROM generate_series(1, :rows) g;
VACUUM ANALYZE bench.pq;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

CREATE OR REPLACE FUNCTION bench.speedup(label text, q text, reps int DEFAULT 5)
RETURNS TABLE (aggregate text, serial_ms numeric, two_workers_ms numeric, speedup numeric, same_answer boolean)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	best0 float8 := 'Infinity';
	best2 float8 := 'Infinity';
	a0 text;
	a2 text;
BEGIN
	FOR r IN 0..reps LOOP	-- round 0 warms up
		PERFORM set_config('max_parallel_workers_per_gather', '0', true);
		t0 := clock_timestamp();
		EXECUTE q INTO a0;
		IF r > 0 THEN best0 := least(best0, extract(epoch FROM clock_timestamp() - t0) * 1000); END IF;
		PERFORM set_config('max_parallel_workers_per_gather', '2', true);
		t0 := clock_timestamp();
		EXECUTE q INTO a2;
		IF r > 0 THEN best2 := least(best2, extract(epoch FROM clock_timestamp() - t0) * 1000); END IF;
	END LOOP;
	aggregate := label;
	serial_ms := round(best0::numeric, 1);
	two_workers_ms := round(best2::numeric, 1);
	speedup := round((best0 / best2)::numeric, 2);
	same_answer := a0 IS NOT DISTINCT FROM a2;
	RETURN NEXT;
END $$;

SELECT * FROM bench.speedup('count(*)', 'SELECT count(*)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('service_level', 'SELECT ccr.service_level(wait, answered, 20)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('sl_agg', 'SELECT ccr.sl_agg(wait, answered, 20)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('fcr_rate(boolean)', 'SELECT ccr.fcr_rate(flag)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('aht', 'SELECT ccr.aht(talk, hold, acw)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('duration_agg p90', 'SELECT ccr.percentile(ccr.duration_agg(talk), 0.9)::text FROM bench.pq')
UNION ALL SELECT * FROM bench.speedup('fcr_rate(customer, at, 7 days)', $q$SELECT ccr.fcr_rate(customer, at, interval '7 days')::text FROM bench.pq$q$, 3);
