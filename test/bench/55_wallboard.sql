-- Wallboard read times with 500 agents, 200 calls waiting and 100 talking
-- over a long log (60 000 finished calls over 30 days, 3 000 of them today),
-- and the live trigger's cost per queue_log row against ccr.import_queue_log
-- per row, on the same kind of rows.  Times in the server; quote `uptime`.
\set QUIET on
SET TimeZone = 'UTC';
CREATE TEMP TABLE ql (id bigserial, line text);
-- 500 agents, each a member of 2 of 10 queues; every 10th paused
INSERT INTO ql (line)
SELECT format('%s|NONE|q%s|agent%s|ADDMEMBER|', extract(epoch FROM date_trunc('day', now()) - interval '31 days')::bigint,
			  (a + k) % 10, a)
FROM generate_series(1, 500) a, generate_series(0, 1) k;
INSERT INTO ql (line)
SELECT format('%s|NONE|q%s|agent%s|PAUSE|lunch', extract(epoch FROM now() - interval '5 minutes')::bigint, a % 10, a)
FROM generate_series(10, 500, 10) a;
-- finished calls: 57 000 over the past 30 days, 3 000 today (before now)
INSERT INTO ql (line)
SELECT l FROM (
	SELECT i, k, CASE k
		WHEN 0 THEN format('%s|h%s|q%s|NONE|ENTERQUEUE||+1555%s|1', t, i, i % 10, i % 20000)
		WHEN 1 THEN format('%s|h%s|q%s|agent%s|CONNECT|%s|h%s.b|2', t + w, i, i % 10, i % 500 + 1, w, i)
		ELSE format('%s|h%s|q%s|agent%s|COMPLETEAGENT|%s|120|1', t + w + 120, i, i % 10, i % 500 + 1, w) END AS l
	FROM (SELECT i, (i * 7919) % 90 AS w,
				 CASE WHEN i <= 57000 THEN extract(epoch FROM date_trunc('day', now()) - interval '30 days')::bigint + i * 45
					  ELSE extract(epoch FROM greatest(date_trunc('day', now()), now() - interval '6 hours'))::bigint + (i - 57000) * 5 END AS t
		  FROM generate_series(1, 60000) i) c, generate_series(0, 2) k
	WHERE to_timestamp(t + w + 120) < now() - interval '1 minute'
) g ORDER BY split_part(l, '|', 1)::bigint, l;
-- now: 100 talking, 200 waiting
INSERT INTO ql (line)
SELECT format('%s|t%s|q%s|NONE|ENTERQUEUE||+1666%s|1', extract(epoch FROM now())::bigint - 100, i, i % 10, i) FROM generate_series(1, 100) i
UNION ALL
SELECT format('%s|t%s|q%s|agent%s|CONNECT|10|t%s.b|2', extract(epoch FROM now())::bigint - 90, i, i % 10, i * 3, i) FROM generate_series(1, 100) i
UNION ALL
SELECT format('%s|w%s|q%s|NONE|ENTERQUEUE||+1777%s|%s', extract(epoch FROM now())::bigint - 300 + i, i, i % 10, i, i / 10 + 1) FROM generate_series(1, 200) i;
SELECT * FROM ccr.import_queue_log('ql');
ANALYZE;
\set QUIET off
SELECT (SELECT count(*) FROM ccr.contacts) AS contacts, (SELECT count(*) FROM ccr.wallboard_calls) AS calls_now,
	   (SELECT count(*) FROM ccr.wallboard_agents) AS agents,
	   (SELECT count(*) FROM ccr.agent_presence_events) AS presence_events;

-- each read 25 times back to back, round-robin over the variants 5 times;
-- best round per variant (noise only adds); CPU from /proc/<pid>/schedstat
-- over the 25 runs (one read is shorter than its resolution).  Every column
-- is read, as a dashboard does: a count(*) lets the planner drop the columns
-- (and their subqueries) nobody reads, and measures less than a read.
CREATE TEMP TABLE reads (variant text, q text, wall_ms float8[] DEFAULT '{}', cpu_ms float8[] DEFAULT '{}');
INSERT INTO reads (variant, q) VALUES
('wallboard_calls', 'SELECT * FROM ccr.wallboard_calls'),
('wallboard_agents', 'SELECT * FROM ccr.wallboard_agents'),
('wallboard_queues', 'SELECT * FROM ccr.wallboard_queues'),
('wallboard_queues_at(yesterday 10:42)', $$SELECT * FROM ccr.wallboard_queues_at(date_trunc('day', now()) - interval '1 day' + interval '10 hours 42 minutes')$$);
DO $$
DECLARE r record; c0 float8; t0 timestamptz; k int;
BEGIN
	FOR round IN 1..5 LOOP
		FOR r IN SELECT * FROM reads ORDER BY variant LOOP
			c0 := bench.cpu_ns(); t0 := clock_timestamp();
			FOR k IN 1..25 LOOP EXECUTE r.q; END LOOP;
			UPDATE reads SET wall_ms = wall_ms || extract(epoch FROM clock_timestamp() - t0) * 1000 / 25,
							 cpu_ms = cpu_ms || (bench.cpu_ns() - c0) / 1e6 / 25
			WHERE variant = r.variant;
		END LOOP;
	END LOOP;
END $$;
SELECT variant, round((SELECT min(x) FROM unnest(wall_ms) x)::numeric, 2) AS best_wall_ms_per_read,
	   round((SELECT min(x) FROM unnest(cpu_ms) x)::numeric, 2) AS best_cpu_ms_per_read
FROM reads ORDER BY variant;

-- trigger vs import, per row: 1 500 rows (500 calls) each way
CREATE TABLE rt (id bigserial, line text);
CREATE TABLE batch (id bigserial, line text);
INSERT INTO rt (line) SELECT replace(line, '|w', '|L') FROM (
	SELECT format('%s|w%s|q%s|NONE|ENTERQUEUE||+1888%s|1', extract(epoch FROM now())::bigint - 60, i, i % 10, i) AS line, i, 0 AS k FROM generate_series(1, 500) i
	UNION ALL SELECT format('%s|w%s|q%s|agent%s|CONNECT|5|x|2', extract(epoch FROM now())::bigint - 55, i, i % 10, i % 500 + 1), i, 1 FROM generate_series(1, 500) i
	UNION ALL SELECT format('%s|w%s|q%s|agent%s|COMPLETECALLER|5|30|1', extract(epoch FROM now())::bigint - 25, i, i % 10, i % 500 + 1), i, 2 FROM generate_series(1, 500) i
	ORDER BY k, i) s;
INSERT INTO batch (line) SELECT replace(line, '|L', '|B') FROM rt ORDER BY id;
CREATE TABLE live (id bigserial, line text);
SELECT ccr.attach_queue_log('live');
CREATE TEMP TABLE cost (path text, rows bigint, cpu_ms float8, wall_ms float8);
DO $$
DECLARE c0 float8; t0 timestamptz; r record;
BEGIN
	c0 := bench.cpu_ns(); t0 := clock_timestamp();
	FOR r IN SELECT line FROM rt ORDER BY id LOOP
		INSERT INTO live (line) VALUES (r.line);
	END LOOP;
	INSERT INTO cost VALUES ('trigger, one INSERT per row', 1500, (bench.cpu_ns() - c0) / 1e6,
							 extract(epoch FROM clock_timestamp() - t0) * 1000);
	c0 := bench.cpu_ns(); t0 := clock_timestamp();
	PERFORM ccr.import_queue_log('batch');
	INSERT INTO cost VALUES ('import_queue_log, one call for all rows', 1500, (bench.cpu_ns() - c0) / 1e6,
							 extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;
SELECT path, rows, round((cpu_ms / rows)::numeric, 3) AS cpu_ms_per_row, round((wall_ms / rows)::numeric, 3) AS wall_ms_per_row,
	   round((cpu_ms / (SELECT c.cpu_ms FROM cost c WHERE c.path LIKE 'import%'))::numeric, 1) AS cpu_ratio_to_import
FROM cost ORDER BY path DESC;
SELECT (SELECT count(*) FROM ccr.contacts WHERE source_id LIKE 'L%') AS live_contacts,
	   (SELECT count(*) FROM ccr.contacts WHERE source_id LIKE 'B%') AS batch_contacts;
SELECT ccr.detach_queue_log('live');
