
-- ===================== continuous KPI layer: capture, refresh, rebuild =====================

-- ---------------------------------------------------------------------------
-- Change capture.  One statement-level trigger per table and event, with
-- transition tables: the keys of the old and the new rows are logged once
-- per statement.  Owner's rights, so a role that may write ccr.contacts
-- needs no grant on the logs.
--
-- Repeat-contact FCR: a contact added, removed or moved changes the flags
-- of the same customer's contacts within the FCR window before and after
-- it; those are logged in ccr.kpi_pending_fcr (their keys stay: the
-- refresh updates the FCR counts of their keys by the change of their
-- flags).  Contacts of other transactions still open are not seen, but those
-- log their own keys.  A statement of more than kpi_customer_log_limit
-- customers (a bulk load; counted among its first 10 times as many rows)
-- logs the keys of every contact with a customer within the window of its
-- period instead: one range scan rather than a probe per customer.
--
-- The transition rows are read where each part needs them, not copied into
-- a CTE first, and each set of keys is made distinct on its own: on a bulk
-- load of 1M contacts the copy, the ranges of every customer (only their
-- count was used) and one sort of the agent-day keys of every row were most
-- of the capture's time.
CREATE OR REPLACE FUNCTION ccr.kpi_contact_changes_sql(changed_rows text)
	RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
WITH p AS (SELECT tz, fcr_window FROM ccr.kpi_params()),
limits AS (SELECT ccr.setting('kpi_customer_log_limit', '10000')::bigint AS customers),
-- (the customers are counted only when the rows are more than the limit,
-- and among the first ten times as many rows: the count only picks the
-- cheaper path, both log every key that changed)
span AS (
	SELECT CASE WHEN count(*) <= (SELECT l.customers FROM limits l) THEN false
				ELSE (SELECT count(DISTINCT f.customer)
					  FROM (SELECT c.customer FROM (%1$s) c LIMIT (SELECT 10 * l.customers FROM limits l)) f)
					 > (SELECT l.customers FROM limits l) END AS bulk,
		   min(c.offered_at) FILTER (WHERE c.customer IS NOT NULL) AS lo,
		   max(c.offered_at) FILTER (WHERE c.customer IS NOT NULL) AS hi
	FROM (%1$s) c),
-- their neighbours keep their keys: only their flags are pending
logged_fcr AS (
	INSERT INTO ccr.kpi_pending_fcr (contact_id)
	SELECT DISTINCT n.contact_id
	FROM (SELECT c.customer, min(c.offered_at) AS first_at, max(c.offered_at) AS last_at
		  FROM (%1$s) c WHERE c.customer IS NOT NULL AND NOT (SELECT bulk FROM span) GROUP BY c.customer) cu,
		 p, ccr.contacts n
	WHERE n.customer = cu.customer
		  AND n.offered_at >= cu.first_at - p.fcr_window AND n.offered_at <= cu.last_at + p.fcr_window),
-- (rows this transaction wrote are left out of the range: the statements
-- that wrote them logged their keys; a bulk load's own rows were most of
-- what the scan returned)
neighbours AS (
	SELECT n.offered_at, n.queue, n.channel, n.agent
	FROM span, p, ccr.contacts n
	WHERE span.bulk AND n.customer IS NOT NULL
		  AND n.offered_at >= span.lo - p.fcr_window AND n.offered_at <= span.hi + p.fcr_window
		  AND n.xmin <> pg_catalog.xid(pg_catalog.pg_current_xact_id())),
logged_hours AS (
	INSERT INTO ccr.kpi_pending_hours (bucket, queue, channel)
	SELECT DISTINCT date_trunc('hour', t.offered_at, p.tz), t.queue, t.channel
	FROM (SELECT c.offered_at, c.queue, c.channel FROM (%1$s) c
		  UNION ALL SELECT n.offered_at, n.queue, n.channel FROM neighbours n) t, p),
-- occupancy (src/sql/views/42_presence_rollups.sql): the agent's day of answered_at
logged_occupancy AS (
	INSERT INTO ccr.kpi_pending_occupancy (agent, from_day, to_day)
	SELECT o.agent, o.day, o.day
	FROM (SELECT DISTINCT c.agent, (c.answered_at AT TIME ZONE p.tz)::date AS day
		  FROM (%1$s) c, p WHERE c.agent IS NOT NULL AND c.answered_at IS NOT NULL) o)
INSERT INTO ccr.kpi_pending_agent_days (day, agent)
SELECT DISTINCT (t.offered_at AT TIME ZONE p.tz)::date, t.agent
FROM (SELECT c.offered_at, c.agent FROM (%1$s) c WHERE c.agent IS NOT NULL
	  UNION ALL SELECT n.offered_at, n.agent FROM neighbours n WHERE n.agent IS NOT NULL
	  -- QA evaluations of the changed contacts count on the contact's day, or
	  -- on their own when the contact is gone
	  UNION ALL
	  SELECT d.at, e.agent
	  FROM (%1$s) c JOIN ccr.qa_evaluations e ON e.contact_id = c.contact_id
		   CROSS JOIN LATERAL (VALUES (c.offered_at), (e.evaluated_at)) d(at)) t, p
$q$, changed_rows)
$fn$;
COMMENT ON FUNCTION ccr.kpi_contact_changes_sql(text) IS 'internal: the statement that logs the hour and agent-day keys of the changed contacts a query over a trigger''s transition tables returns (contact_id, offered_at, queue, channel, agent, customer, answered_at), and of their repeat-contact FCR neighbours; run by the trigger itself, which alone sees the transition tables';

-- Creates the capture trigger function ccr.<fn>(): for each event, the
-- statement generator(changed_rows) returns for the rows of the transition
-- tables (their columns cols), as static SQL, so each plan is made once per
-- session, not per statement, and with JIT off: on 30M contacts the
-- planner's estimates made PostgreSQL compile the statement, 1 s for an
-- INSERT of 500 contacts.  Every capture function is made by this one.
CREATE OR REPLACE FUNCTION ccr.kpi_define_capture(fn text, generator text, cols text) RETURNS void
	LANGUAGE plpgsql
	AS $def$
DECLARE
	ins text;
	del text;
	upd text;
BEGIN
	EXECUTE format('SELECT %s($1), %s($2), %s($3)', generator, generator, generator) INTO ins, del, upd
		USING format('SELECT %s FROM ccr_new_rows', cols), format('SELECT %s FROM ccr_old_rows', cols),
			  format('SELECT %s FROM ccr_old_rows UNION ALL SELECT %s FROM ccr_new_rows', cols, cols);
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.%I() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	AS $body$
BEGIN
	IF TG_OP = 'INSERT' THEN %s;
	ELSIF TG_OP = 'DELETE' THEN %s;
	ELSE %s;
	END IF;
	RETURN NULL;
END $body$$f$, fn, ins, del, upd);
	-- trigger functions fire whoever writes; nobody calls them directly
	EXECUTE format('REVOKE EXECUTE ON FUNCTION ccr.%I() FROM PUBLIC', fn);
END $def$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_define_capture(text, text, text) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_define_capture(text, text, text) IS 'internal: creates the statement capture trigger function ccr.<fn>() from the SQL text generator(changed_rows) over its transition tables'' columns cols';

-- QA evaluations count on their contact's day, or their own without one.
CREATE OR REPLACE FUNCTION ccr.kpi_qa_changes_sql(changed_rows text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $fn$
SELECT format($q$
INSERT INTO ccr.kpi_pending_agent_days (day, agent)
SELECT DISTINCT (coalesce(ct.offered_at, e.evaluated_at) AT TIME ZONE p.tz)::date, e.agent
FROM (%s) e LEFT JOIN ccr.contacts ct ON ct.contact_id = e.contact_id, ccr.kpi_params() p$q$, changed_rows)
$fn$;
COMMENT ON FUNCTION ccr.kpi_qa_changes_sql(text) IS 'internal: the statement that logs the (day, agent) keys of the changed QA evaluations a query over a trigger''s transition tables returns (contact_id, agent, evaluated_at)';

SELECT ccr.kpi_define_capture('kpi_capture_contacts', 'ccr.kpi_contact_changes_sql',
							  'contact_id, offered_at, queue, channel, agent, customer, answered_at');
SELECT ccr.kpi_define_capture('kpi_capture_qa', 'ccr.kpi_qa_changes_sql', 'contact_id, agent, evaluated_at');
COMMENT ON FUNCTION ccr.kpi_capture_contacts() IS 'internal: statement trigger on ccr.contacts logging the KPI keys a statement changed (generated from ccr.kpi_contact_changes_sql())';
COMMENT ON FUNCTION ccr.kpi_capture_qa() IS 'internal: statement trigger on ccr.qa_evaluations logging the (day, agent) keys a statement changed';

-- TRUNCATE changes every key there is.
CREATE OR REPLACE FUNCTION ccr.kpi_capture_truncate() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'contacts' THEN
		INSERT INTO ccr.kpi_pending_hours (bucket, queue, channel)
		SELECT bucket, queue, channel FROM ccr.kpi_hourly_rollup;
		INSERT INTO ccr.kpi_pending_agent_days (day, agent)
		SELECT day, agent FROM ccr.kpi_agent_daily_rollup;
	END IF;
	INSERT INTO ccr.kpi_pending_agent_days (day, agent)
	SELECT day, agent FROM ccr.quality_agent_daily_rollup;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION ccr.kpi_capture_truncate() IS 'internal: TRUNCATE trigger logging every stored key of the rollups the table feeds';

DO $$
DECLARE
	ev text;
	t text;
BEGIN
	FOR t, ev IN SELECT * FROM (VALUES ('contacts', 'INSERT'), ('contacts', 'UPDATE'), ('contacts', 'DELETE'),
									   ('qa_evaluations', 'INSERT'), ('qa_evaluations', 'UPDATE'),
									   ('qa_evaluations', 'DELETE')) x
	LOOP
		EXECUTE format('CREATE OR REPLACE TRIGGER %I AFTER %s ON ccr.%I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION ccr.%I()',
					   'ccr_kpi_capture_' || lower(ev), ev, t,
					   CASE ev WHEN 'INSERT' THEN 'NEW TABLE AS ccr_new_rows'
							   WHEN 'DELETE' THEN 'OLD TABLE AS ccr_old_rows'
							   ELSE 'OLD TABLE AS ccr_old_rows NEW TABLE AS ccr_new_rows' END,
					   CASE t WHEN 'contacts' THEN 'kpi_capture_contacts' ELSE 'kpi_capture_qa' END);
	END LOOP;
	EXECUTE 'CREATE OR REPLACE TRIGGER ccr_kpi_capture_truncate AFTER TRUNCATE ON ccr.contacts FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_truncate()';
	EXECUTE 'CREATE OR REPLACE TRIGGER ccr_kpi_capture_truncate AFTER TRUNCATE ON ccr.qa_evaluations FOR EACH STATEMENT EXECUTE FUNCTION ccr.kpi_capture_truncate()';
END $$;

-- A direct change of ccr.settings that alters what the rollups count (not
-- through the setters, which rebuild at once) makes the next refresh a
-- rebuild.
CREATE OR REPLACE FUNCTION ccr.kpi_capture_settings() RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF coalesce(NEW.name, OLD.name) IN ('timezone', 'kpi_threshold_s', 'kpi_short_abandon_s', 'kpi_fcr_window')
	   AND (TG_OP <> 'UPDATE' OR NEW.value IS DISTINCT FROM OLD.value OR NEW.name <> OLD.name) THEN
		INSERT INTO ccr.settings (name, value)
		VALUES ('kpi_rebuild_due', format('setting %s changed', coalesce(NEW.name, OLD.name)))
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
	END IF;
	RETURN NULL;
END $$;
COMMENT ON FUNCTION ccr.kpi_capture_settings() IS 'internal: row trigger on ccr.settings: a change of a setting the rollups count with makes the next ccr.refresh_kpis() a rebuild';
CREATE OR REPLACE TRIGGER ccr_kpi_capture_settings AFTER INSERT OR UPDATE OR DELETE ON ccr.settings
	FOR EACH ROW EXECUTE FUNCTION ccr.kpi_capture_settings();

-- Trigger functions fire whoever writes; nobody calls them directly (those
-- of ccr.kpi_define_capture are revoked there).
REVOKE EXECUTE ON FUNCTION ccr.kpi_capture_truncate(), ccr.kpi_capture_settings() FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Refresh.

-- Refreshes every materialized view left in schema ccr (the ones the
-- continuous layer does not keep by key, and any a user adds), each after
-- the materialized views it reads, concurrently where it can.
CREATE OR REPLACE FUNCTION ccr.kpi_refresh_matviews()
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	done oid[] := '{}';
	todo oid[];
	m oid;
	progress boolean;
	t0 timestamptz;
BEGIN
	SELECT coalesce(array_agg(c.oid ORDER BY c.relname), '{}') INTO todo
	FROM pg_class c
	WHERE c.relnamespace = 'ccr'::regnamespace AND c.relkind = 'm'
		  -- 0.2.0 copies a user's view still reads (src/sql/views/99_cleanup.sql)
		  AND c.relname !~ '_020$';

	WHILE cardinality(todo) > 0 LOOP
		progress := false;
		FOREACH m IN ARRAY todo LOOP
			-- ready when every materialized view it reads is done
			CONTINUE WHEN EXISTS (
				WITH RECURSIVE reads(rel) AS (
					SELECT d.refobjid
					FROM pg_rewrite r
						 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
											AND d.refclassid = 'pg_class'::regclass
					WHERE r.ev_class = m AND d.refobjid <> m
					UNION
					-- through plain views, not through other matviews (they
					-- are ordered by their own turn)
					SELECT d.refobjid
					FROM reads
						 JOIN pg_class v ON v.oid = reads.rel AND v.relkind = 'v'
						 JOIN pg_rewrite r ON r.ev_class = v.oid
						 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
											 AND d.refclassid = 'pg_class'::regclass
					WHERE d.refobjid <> v.oid)
				SELECT 1 FROM reads JOIN pg_class c ON c.oid = reads.rel
				WHERE c.relkind = 'm' AND c.oid <> m
					  AND c.oid = ANY (todo) AND NOT c.oid = ANY (done));

			matview := m;
			SELECT c.relispopulated AND EXISTS (
					   SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
					   WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid
							 AND ic.relam = (SELECT a.oid FROM pg_am a WHERE a.amname = 'btree')
							 AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnatts > 0
							 AND NOT 0 = ANY (i.indkey::int2[]))
			INTO concurrent
			FROM pg_class c WHERE c.oid = m;
			t0 := clock_timestamp();
			IF concurrent THEN
				EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', m::regclass);
			ELSE
				EXECUTE format('REFRESH MATERIALIZED VIEW %s', m::regclass);
			END IF;
			seconds := extract(epoch FROM clock_timestamp() - t0);
			PERFORM ccr.kpi_note_refresh((SELECT c.relname::text FROM pg_class c WHERE c.oid = m), t0);
			RETURN NEXT;
			done := done || m;
			todo := array_remove(todo, m);
			progress := true;
		END LOOP;
		IF NOT progress THEN
			RAISE EXCEPTION 'materialized views in schema ccr depend on each other in a cycle: %', todo::regclass[]
				USING ERRCODE = 'invalid_object_definition';
		END IF;
	END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_refresh_matviews() FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_refresh_matviews() IS 'internal: refreshes every materialized view in schema ccr in dependency order, concurrently where possible';

CREATE OR REPLACE FUNCTION ccr.kpi_note_refresh(rollup_name text, started timestamptz) RETURNS double precision
	LANGUAGE sql VOLATILE
	AS $$
INSERT INTO ccr.kpi_rollups AS r (rollup, refresh_order, last_refresh_at, last_refresh_ms)
VALUES (rollup_name, 1000 + (SELECT count(*) FROM ccr.kpi_rollups), started,
		1000 * extract(epoch FROM clock_timestamp() - started))
ON CONFLICT (rollup) DO UPDATE SET last_refresh_at = EXCLUDED.last_refresh_at, last_refresh_ms = EXCLUDED.last_refresh_ms
RETURNING r.last_refresh_ms / 1000
$$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_note_refresh(text, timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_note_refresh(text, timestamptz) IS 'internal: records a rollup''s refresh (start, duration) in ccr.kpi_rollups and returns its seconds';

-- A table's size as the planner knows it (its last ANALYZE): counting the
-- rows of a rollup to decide between a refresh and a rebuild took 280 ms
-- on 30M contacts, more than the refresh.
CREATE OR REPLACE FUNCTION ccr.kpi_estimated_rows(rel regclass) RETURNS bigint
	LANGUAGE sql STABLE
	AS $$ SELECT greatest(c.reltuples, 0)::bigint FROM pg_catalog.pg_class c WHERE c.oid = rel $$;
COMMENT ON FUNCTION ccr.kpi_estimated_rows(regclass) IS 'internal: the row count of a table as of its last ANALYZE (0 before one)';

-- One refresh or rebuild at a time, and the settings stay as they are
-- until it commits.  Readers are never blocked.
CREATE OR REPLACE FUNCTION ccr.kpi_lock() RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	LOCK TABLE ccr.kpi_rollups IN SHARE ROW EXCLUSIVE MODE;
	LOCK TABLE ccr.settings IN SHARE MODE;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_lock() FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_lock() IS 'internal: serializes refreshes and rebuilds, and holds the settings still until commit';

-- After a refresh the logs are near empty: plans that read them should know
-- it.  When autovacuum is on one of them, ANALYZE would wait for it a
-- deadlock_timeout and then cancel it; the refresh skips the ANALYZE instead
-- (autovacuum leaves a row count of its own; the next refresh analyzes).
CREATE OR REPLACE FUNCTION ccr.kpi_analyze_unheld(VARIADIC rels regclass[]) RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	EXECUTE format('LOCK TABLE %s IN SHARE UPDATE EXCLUSIVE MODE NOWAIT', array_to_string(rels, ', '));
	EXECUTE format('ANALYZE %s', array_to_string(rels, ', '));
EXCEPTION WHEN lock_not_available THEN
	NULL;
END $$;
REVOKE EXECUTE ON FUNCTION ccr.kpi_analyze_unheld(regclass[]) FROM PUBLIC;
COMMENT ON FUNCTION ccr.kpi_analyze_unheld(regclass[]) IS 'internal: analyzes the tables (the pending logs after a refresh) unless autovacuum, or anything else, holds one of them';

-- The refresh's update of the days or months above hours whose contacts
-- only changed FCR flags (kpi_fcr_deltas) by the sum of the differences;
-- periods rolled up again (kpi_period_keys) take none.
CREATE OR REPLACE FUNCTION ccr.kpi_period_delta_sql(grain text, rollup text) RETURNS text
	LANGUAGE sql IMMUTABLE
	AS $f$
-- (a day or month rollup's local date column is named as its grain)
SELECT format($q$UPDATE %2$s r
	SET first_contacts = r.first_contacts + d.d_first, resolved_first_contacts = r.resolved_first_contacts + d.d_resolved
	FROM (SELECT g.bucket, (g.bucket AT TIME ZONE p.tz)::date AS day, d.queue, d.channel,
				 sum(d.d_first) AS d_first, sum(d.d_resolved) AS d_resolved
		  FROM kpi_fcr_deltas d CROSS JOIN LATERAL ccr.kpi_periods_of(d.bucket) g CROSS JOIN ccr.kpi_params() p
		  WHERE g.grain = %1$L GROUP BY g.bucket, p.tz, d.queue, d.channel) d
	WHERE r.%1$I = d.day AND r.bucket = d.bucket AND r.queue IS NOT DISTINCT FROM d.queue AND r.channel = d.channel
		  AND NOT EXISTS (SELECT 1 FROM kpi_period_keys k
						  WHERE k.grain = %1$L AND k.bucket = d.bucket AND k.queue IS NOT DISTINCT FROM d.queue
								AND k.channel = d.channel)$q$, grain, rollup)
$f$;
COMMENT ON FUNCTION ccr.kpi_period_delta_sql(text, text) IS 'internal: SQL text of the refresh''s update of the FCR counts of a day or month rollup by the flag differences of the hours below it';

-- Recomputes the keys changed since the last refresh, then the days and
-- months above them; the keys it consumed leave the logs in the same
-- transaction, and keys of transactions still open stay.  A failure or a
-- cancel rolls all of it back: the previous state and the logs remain.
-- JIT off: it reads a few thousand rows through indexes, but on 30M
-- contacts the planner's estimates made PostgreSQL compile each statement,
-- about 0.5 s apiece.  (generated: the per-key SQL is that of the
-- real-time views)
DO $do$
BEGIN
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.refresh_kpis()
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	SET jit = off
	AS $body$
DECLARE
	t0 timestamptz;
BEGIN
	PERFORM ccr.kpi_lock();
	IF ccr.setting('kpi_rebuild_due', NULL) IS NOT NULL THEN
		RAISE NOTICE 'ccr.refresh_kpis(): rebuilding every rollup (%%)', ccr.setting('kpi_rebuild_due', NULL);
		RETURN QUERY SELECT * FROM ccr.rebuild_kpis();
		RETURN;
	END IF;
	-- after a bulk load, one pass over every contact (a rebuild) is cheaper
	-- than recomputing most keys one by one
	IF (SELECT count(*) FROM ccr._kpi_pending_hour_keys) > greatest(1000, ccr.kpi_estimated_rows('ccr.kpi_hourly_rollup') / 4) THEN
		RETURN QUERY SELECT * FROM ccr.rebuild_kpis();
		RETURN;
	END IF;
	concurrent := true;

	t0 := clock_timestamp();
	-- (a second refresh in the same transaction finds them)
	IF to_regclass('pg_temp.kpi_hour_keys') IS NOT NULL THEN
		DROP TABLE pg_temp.kpi_hour_keys, pg_temp.kpi_agent_keys, pg_temp.kpi_fcr_ids, pg_temp.kpi_flagged,
				   pg_temp.kpi_fcr_deltas, pg_temp.kpi_period_keys;
	END IF;
	CREATE TEMP TABLE kpi_hour_keys (bucket timestamptz, queue text, channel text) ON COMMIT DROP;
	CREATE TEMP TABLE kpi_agent_keys (day date, agent text) ON COMMIT DROP;
	CREATE TEMP TABLE kpi_fcr_ids (contact_id bigint) ON COMMIT DROP;
	-- the three logs in one statement (one snapshot): a statement's agent-day
	-- keys are consumed with its hour keys and FCR neighbours (see kpi_flagged)
	WITH gone_hours AS (DELETE FROM ccr.kpi_pending_hours RETURNING bucket, queue, channel),
	gone_agent_days AS (DELETE FROM ccr.kpi_pending_agent_days RETURNING day, agent),
	gone_fcr AS (DELETE FROM ccr.kpi_pending_fcr RETURNING contact_id),
	hour_keys AS (INSERT INTO kpi_hour_keys SELECT DISTINCT * FROM gone_hours),
	agent_keys AS (INSERT INTO kpi_agent_keys SELECT DISTINCT * FROM gone_agent_days)
	INSERT INTO kpi_fcr_ids SELECT DISTINCT * FROM gone_fcr;
	-- and the contacts within the window of those, as this refresh sees
	-- them: two transactions writing contacts of one customer at once do
	-- not see each other's at capture, but each logs its own
	INSERT INTO kpi_fcr_ids
	SELECT n.contact_id
	FROM (SELECT c.customer, min(c.offered_at) AS first_at, max(c.offered_at) AS last_at
		  FROM kpi_fcr_ids i JOIN ccr.contacts c ON c.contact_id = i.contact_id
		  WHERE c.customer IS NOT NULL GROUP BY c.customer) cu
		 CROSS JOIN ccr.kpi_params() p
		 JOIN ccr.contacts n ON n.customer = cu.customer
			  AND n.offered_at >= cu.first_at - p.fcr_window AND n.offered_at <= cu.last_at + p.fcr_window;
	ANALYZE kpi_hour_keys, kpi_agent_keys, kpi_fcr_ids;

	-- The contacts of the changed hours and those pending for their flags,
	-- flagged, and the other contacts of the changed agent-days with the
	-- flags the rollups count (ccr.kpi_first_contacts): a change to a
	-- contact logs its hour key, and one to its FCR neighbours logs them (or,
	-- in a bulk statement, their hour keys), and those were consumed with the
	-- agent-day keys, so their flags did not change.  (Their index probes were
	-- most of a refresh's time.)  One statement: the rollups and
	-- ccr.kpi_first_contacts are written from this one snapshot.
	CREATE TEMP TABLE kpi_flagged ON COMMIT DROP AS
	WITH fresh AS MATERIALIZED (
		SELECT c.*, date_trunc('hour', c.offered_at, p.tz) AS hour_bucket, (c.offered_at AT TIME ZONE p.tz)::date AS local_day,
			   true AS fresh
		FROM ccr.kpi_params() p
			 CROSS JOIN LATERAL %1$s c)
	SELECT * FROM fresh
	UNION ALL
	SELECT x.*, f.contact_id IS NOT NULL, coalesce(f.resolved, false), date_trunc('hour', x.offered_at, p.tz),
		   (x.offered_at AT TIME ZONE p.tz)::date, false
	FROM kpi_agent_keys k
		 CROSS JOIN ccr.kpi_params() p
		 CROSS JOIN LATERAL (
			 SELECT x.* FROM ccr.contacts x
			 WHERE x.agent = k.agent AND x.offered_at >= k.day::timestamp AT TIME ZONE p.tz
				   AND x.offered_at < ccr.kpi_read_until('agent_day', k.day::timestamp AT TIME ZONE p.tz, p.tz)
				   AND (x.offered_at AT TIME ZONE p.tz)::date = k.day
			 OFFSET 0) x
		 LEFT JOIN ccr.kpi_first_contacts f ON f.contact_id = x.contact_id
	-- (NOT IN: one hash of the flagged, whatever the planner guesses of the keys)
	WHERE x.contact_id NOT IN (SELECT g.contact_id FROM fresh g);
	ANALYZE kpi_flagged;

	DELETE FROM ccr.kpi_hourly_rollup r USING kpi_hour_keys k
	WHERE r.bucket = k.bucket AND r.queue IS NOT DISTINCT FROM k.queue AND r.channel = k.channel;
	INSERT INTO ccr.kpi_hourly_rollup
	SELECT k.bucket, k.queue, k.channel, %2$s
	FROM kpi_hour_keys k
		 JOIN kpi_flagged c ON c.hour_bucket = k.bucket AND c.channel = k.channel AND c.queue IS NOT DISTINCT FROM k.queue
		 CROSS JOIN ccr.kpi_params() p
	GROUP BY k.bucket, k.queue, k.channel;

	-- The flags that changed, against what the rollups count, in the keys
	-- they are counted in; keys recomputed above take none.
	CREATE TEMP TABLE kpi_fcr_deltas ON COMMIT DROP AS
	SELECT %3$s,
		   c.first_contact::integer - (o.contact_id IS NOT NULL)::integer AS d_first,
		   c.resolved_first_contact::integer - coalesce(o.resolved, false)::integer AS d_resolved
	FROM kpi_flagged c LEFT JOIN ccr.kpi_first_contacts o ON o.contact_id = c.contact_id
		 CROSS JOIN ccr.kpi_params() p
	WHERE c.fresh
		  AND (c.first_contact IS DISTINCT FROM (o.contact_id IS NOT NULL)
			   OR c.resolved_first_contact IS DISTINCT FROM coalesce(o.resolved, false));
	-- (its size known, the updates below probe the rollups' keys instead of
	-- reading a rollup whole)
	ANALYZE kpi_fcr_deltas;
	UPDATE ccr.kpi_hourly_rollup r
	SET first_contacts = r.first_contacts + d.d_first, resolved_first_contacts = r.resolved_first_contacts + d.d_resolved
	FROM (SELECT bucket, queue, channel, sum(d_first) AS d_first, sum(d_resolved) AS d_resolved
		  FROM kpi_fcr_deltas GROUP BY bucket, queue, channel) d
	WHERE r.bucket = d.bucket AND r.queue IS NOT DISTINCT FROM d.queue AND r.channel = d.channel
		  AND NOT EXISTS (SELECT 1 FROM kpi_hour_keys k
						  WHERE k.bucket = d.bucket AND k.queue IS NOT DISTINCT FROM d.queue AND k.channel = d.channel);
	matview := 'ccr.kpi_hourly_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_hourly_rollup', t0);
	RETURN NEXT;

	-- days and months above changed hours are rolled up again from the
	-- stored hours (not the current ones: those add changes this refresh did
	-- not consume, and the flag changes below would then count twice), those
	-- above hours with changed flags only take the differences
	-- (day: the local date of the bucket, which the rollups' unique keys
	-- start with; matched on bucket alone their rows were read whole)
	CREATE TEMP TABLE kpi_period_keys ON COMMIT DROP AS
	SELECT DISTINCT g.grain, g.bucket, (g.bucket AT TIME ZONE p.tz)::date AS day, k.queue, k.channel
	FROM kpi_hour_keys k CROSS JOIN LATERAL ccr.kpi_periods_of(k.bucket) g CROSS JOIN ccr.kpi_params() p;
	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_daily_rollup r USING kpi_period_keys k
	WHERE k.grain = 'day' AND r.day = k.day AND r.bucket = k.bucket AND r.queue IS NOT DISTINCT FROM k.queue
		  AND r.channel = k.channel;
	INSERT INTO ccr.kpi_daily_rollup
	SELECT k.bucket, (k.bucket AT TIME ZONE p.tz)::date, k.queue, k.channel, s.*
	FROM kpi_period_keys k CROSS JOIN ccr.kpi_params() p
		 CROSS JOIN LATERAL (%4$s) s
	WHERE k.grain = 'day';
	%7$s;
	matview := 'ccr.kpi_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_daily_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_monthly_rollup r USING kpi_period_keys k
	WHERE k.grain = 'month' AND r.month = k.day AND r.bucket = k.bucket AND r.queue IS NOT DISTINCT FROM k.queue
		  AND r.channel = k.channel;
	INSERT INTO ccr.kpi_monthly_rollup
	SELECT (k.bucket AT TIME ZONE p.tz)::date, k.bucket, k.queue, k.channel, s.*
	FROM kpi_period_keys k CROSS JOIN ccr.kpi_params() p
		 CROSS JOIN LATERAL (%5$s) s
	WHERE k.grain = 'month';
	%8$s;
	matview := 'ccr.kpi_monthly_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_monthly_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_agent_daily_rollup r USING kpi_agent_keys k
	WHERE r.day = k.day AND r.agent = k.agent;
	INSERT INTO ccr.kpi_agent_daily_rollup
	SELECT k.day::timestamp AT TIME ZONE p.tz, k.day, k.agent, %2$s
	FROM kpi_agent_keys k
		 JOIN kpi_flagged c ON c.local_day = k.day AND c.agent = k.agent
		 CROSS JOIN ccr.kpi_params() p
	GROUP BY k.day, k.agent, p.tz;
	UPDATE ccr.kpi_agent_daily_rollup r
	SET first_contacts = r.first_contacts + d.d_first, resolved_first_contacts = r.resolved_first_contacts + d.d_resolved
	FROM (SELECT day, agent, sum(d_first) AS d_first, sum(d_resolved) AS d_resolved
		  FROM kpi_fcr_deltas WHERE agent IS NOT NULL GROUP BY day, agent) d
	WHERE r.day = d.day AND r.agent = d.agent
		  AND NOT EXISTS (SELECT 1 FROM kpi_agent_keys k WHERE k.day = d.day AND k.agent = d.agent);

	-- what the rollups count now: the flagged contacts replace their rows,
	-- and rows of contacts gone from a changed hour go
	DELETE FROM ccr.kpi_first_contacts f USING kpi_hour_keys k
	WHERE f.bucket = k.bucket AND f.queue IS NOT DISTINCT FROM k.queue AND f.channel = k.channel;
	DELETE FROM ccr.kpi_first_contacts f USING kpi_flagged c WHERE f.contact_id = c.contact_id AND c.fresh;
	INSERT INTO ccr.kpi_first_contacts
	SELECT c.contact_id, c.hour_bucket, c.queue, c.channel, c.local_day, c.agent, c.resolved_first_contact
	FROM kpi_flagged c WHERE c.first_contact AND c.fresh;
	matview := 'ccr.kpi_agent_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_agent_daily_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.quality_agent_daily_rollup r USING kpi_agent_keys k
	WHERE r.day = k.day AND r.agent = k.agent;
	INSERT INTO ccr.quality_agent_daily_rollup
	SELECT k.day::timestamp AT TIME ZONE p.tz, k.day, k.agent, s.*
	FROM kpi_agent_keys k
		 CROSS JOIN ccr.kpi_params() p
		 CROSS JOIN LATERAL (%6$s) s;
	matview := 'ccr.quality_agent_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('quality_agent_daily_rollup', t0);
	RETURN NEXT;

	PERFORM ccr.kpi_analyze_unheld('ccr.kpi_pending_hours', 'ccr.kpi_pending_agent_days', 'ccr.kpi_pending_fcr');
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_presence(false);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_queue_presence(false);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_tickets(false);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_matviews();
END $body$
$f$, ccr.kpi_flagged_contacts_sql($q$c.contact_id IN (
			-- (OFFSET 0: one index scan per key, whatever the planner guesses of the logs)
			SELECT x.contact_id FROM kpi_hour_keys k CROSS JOIN LATERAL (
				SELECT x.contact_id FROM ccr.contacts x
				WHERE x.offered_at >= k.bucket AND x.offered_at < k.bucket + interval '2 hours' AND x.channel = k.channel
					  AND (x.queue = k.queue OR (k.queue IS NULL AND x.queue IS NULL))
					  AND date_trunc('hour', x.offered_at, p.tz) = k.bucket
				OFFSET 0) x
			UNION
			SELECT i.contact_id FROM kpi_fcr_ids i)$q$),
	 ccr.kpi_contact_aggregates_sql(),
	 ccr.kpi_fcr_delta_columns_sql(),
	 ccr.kpi_period_key_from_sql('ccr.kpi_hourly_rollup', 'day', 'k.bucket', 'k.queue', 'k.channel'),
	 ccr.kpi_period_key_from_sql('ccr.kpi_hourly_rollup', 'month', 'k.bucket', 'k.queue', 'k.channel'),
	 ccr.kpi_quality_key_sql('k.day', 'k.agent'),
	 ccr.kpi_period_delta_sql('day', 'ccr.kpi_daily_rollup'),
	 ccr.kpi_period_delta_sql('month', 'ccr.kpi_monthly_rollup'));
END $do$;
REVOKE EXECUTE ON FUNCTION ccr.refresh_kpis() FROM PUBLIC;
COMMENT ON FUNCTION ccr.refresh_kpis() IS 'brings every KPI rollup up to date: recomputes the keys changed since the last refresh and the days and months above them (a full rebuild when one is due), then refreshes the materialized views of schema ccr; one transaction; one row per rollup (seconds it took)';

-- Recomputes every rollup from the raw rows: first the first contacts of
-- the whole history (one sort per customer), then the rollups counting
-- exactly those, so the two agree whatever commits meanwhile.
-- (generated: the SQL texts of 20_kpi_layer.sql)
DO $do$
BEGIN
	EXECUTE format($f$
CREATE OR REPLACE FUNCTION ccr.rebuild_kpis()
	RETURNS TABLE (matview regclass, concurrent boolean, seconds double precision)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $body$
DECLARE
	t0 timestamptz;
BEGIN
	PERFORM ccr.kpi_lock();
	concurrent := true;
	t0 := clock_timestamp();
	-- only the rows this snapshot sees: those of open transactions stay
	DELETE FROM ccr.kpi_pending_hours;
	DELETE FROM ccr.kpi_pending_agent_days;
	DELETE FROM ccr.kpi_pending_fcr;
	-- (DELETE, not TRUNCATE: readers of the KPI views never wait)
	DELETE FROM ccr.kpi_first_contacts;
	INSERT INTO ccr.kpi_first_contacts %1$s;

	DELETE FROM ccr.kpi_hourly_rollup;
	INSERT INTO ccr.kpi_hourly_rollup
	SELECT date_trunc('hour', c.offered_at, p.tz), c.queue, c.channel, %2$s
	FROM %3$s c, ccr.kpi_params() p
	GROUP BY 1, 2, 3;
	matview := 'ccr.kpi_hourly_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_hourly_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_daily_rollup;
	INSERT INTO ccr.kpi_daily_rollup
	SELECT s.bucket, (s.bucket AT TIME ZONE p.tz)::date, s.queue, s.channel, s.contacts, s.sl, s.aht, s.fcr,
		   s.resolution, s.csat, s.nps, s.first_contacts, s.resolved_first_contacts
	FROM ccr.kpi_period_summaries('day', '-infinity', 'infinity') s, ccr.kpi_params() p;
	matview := 'ccr.kpi_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_daily_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_monthly_rollup;
	INSERT INTO ccr.kpi_monthly_rollup
	SELECT (s.bucket AT TIME ZONE p.tz)::date, s.bucket, s.queue, s.channel, s.contacts, s.sl, s.aht, s.fcr,
		   s.resolution, s.csat, s.nps, s.first_contacts, s.resolved_first_contacts
	FROM ccr.kpi_period_summaries('month', '-infinity', 'infinity') s, ccr.kpi_params() p;
	matview := 'ccr.kpi_monthly_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_monthly_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.kpi_agent_daily_rollup;
	INSERT INTO ccr.kpi_agent_daily_rollup
	SELECT date_trunc('day', c.offered_at, p.tz), (c.offered_at AT TIME ZONE p.tz)::date, c.agent, %2$s
	FROM %3$s c, ccr.kpi_params() p
	WHERE c.agent IS NOT NULL
	GROUP BY 1, 2, 3;
	matview := 'ccr.kpi_agent_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('kpi_agent_daily_rollup', t0);
	RETURN NEXT;

	t0 := clock_timestamp();
	DELETE FROM ccr.quality_agent_daily_rollup;
	INSERT INTO ccr.quality_agent_daily_rollup
	SELECT s.bucket, (s.bucket AT TIME ZONE p.tz)::date, s.agent, s.ces, s.qa, s.answered, s.surveyed
	FROM ccr.kpi_quality_summaries('-infinity', 'infinity') s, ccr.kpi_params() p;
	matview := 'ccr.quality_agent_daily_rollup'::regclass;
	seconds := ccr.kpi_note_refresh('quality_agent_daily_rollup', t0);
	RETURN NEXT;

	DELETE FROM ccr.settings WHERE name = 'kpi_rebuild_due';
	ANALYZE ccr.kpi_pending_hours, ccr.kpi_pending_agent_days, ccr.kpi_pending_fcr, ccr.kpi_first_contacts,
			ccr.kpi_hourly_rollup, ccr.kpi_daily_rollup, ccr.kpi_monthly_rollup, ccr.kpi_agent_daily_rollup,
			ccr.quality_agent_daily_rollup;
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_presence(true);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_queue_presence(true);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_tickets(true);
	RETURN QUERY SELECT * FROM ccr.kpi_refresh_matviews();
END $body$
$f$, ccr.kpi_history_first_contacts_sql(), ccr.kpi_contact_aggregates_sql(), ccr.kpi_counted_contacts_sql());
END $do$;
REVOKE EXECUTE ON FUNCTION ccr.rebuild_kpis() FROM PUBLIC;
COMMENT ON FUNCTION ccr.rebuild_kpis() IS 'recomputes every KPI rollup from the raw rows (after a restore, or to check), clears the pending keys it saw, then refreshes the materialized views of schema ccr; one transaction; one row per rollup';

-- What is pending, per rollup.
CREATE OR REPLACE VIEW ccr.kpi_refresh_status AS
-- (keys pending for FCR flags only count too)
WITH hour_keys AS (SELECT count(*) AS n FROM (SELECT bucket, queue, channel FROM ccr._kpi_pending_hour_keys
											  UNION SELECT bucket, queue, channel FROM ccr._kpi_fcr_pending_keys) k),
period_keys AS (SELECT count(*) FILTER (WHERE grain = 'day') AS days, count(*) FILTER (WHERE grain = 'month') AS months
				FROM (SELECT grain, bucket, queue, channel FROM ccr._kpi_pending_period_keys
					  UNION SELECT g.grain, g.bucket, k.queue, k.channel
					  FROM ccr._kpi_fcr_pending_keys k CROSS JOIN LATERAL ccr.kpi_periods_of(k.bucket) g) k),
agent_keys AS (SELECT count(*) AS n FROM (SELECT day, agent FROM ccr._kpi_pending_agent_day_keys
											   UNION SELECT day, agent FROM ccr._kpi_fcr_pending_keys WHERE agent IS NOT NULL) k),
fcr AS (SELECT min(changed_at) AS at FROM ccr.kpi_pending_fcr),
oldest AS (SELECT least((SELECT min(changed_at) FROM ccr.kpi_pending_hours), (SELECT at FROM fcr)) AS hours,
				  least((SELECT min(changed_at) FROM ccr.kpi_pending_agent_days), (SELECT at FROM fcr)) AS agent_days)
SELECT r.rollup,
	   CASE r.rollup WHEN 'kpi_hourly_rollup' THEN (SELECT n FROM hour_keys)
					 WHEN 'kpi_daily_rollup' THEN (SELECT days FROM period_keys)
					 WHEN 'kpi_monthly_rollup' THEN (SELECT months FROM period_keys)
					 WHEN 'kpi_agent_daily_rollup' THEN (SELECT n FROM agent_keys)
					 WHEN 'quality_agent_daily_rollup' THEN (SELECT n FROM agent_keys)
					 -- day ranges of one agent; open ones counted through the last data end
					 WHEN 'agent_occupancy_daily_rollup' THEN (
						 SELECT count(DISTINCT (k.agent, d))
						 FROM ccr.kpi_pending_occupancy k
							  CROSS JOIN LATERAL generate_series(k.from_day::timestamp,
								  coalesce(k.to_day, (nullif(r.data_end, '-infinity') AT TIME ZONE ccr.timezone())::date, k.from_day)::timestamp,
								  interval '1 day') d)
					 WHEN 'queue_presence_hourly' THEN (
						 SELECT count(DISTINCT (k.queue, h))
						 FROM ccr.kpi_pending_queue_presence k
							  CROSS JOIN LATERAL generate_series(k.from_hour,
								  coalesce(k.to_hour, date_trunc('hour', nullif(r.data_end, '-infinity'), ccr.timezone()), k.from_hour),
								  interval '1 hour') h)
					 WHEN 'ticket_kpi_daily_rollup' THEN (
						 SELECT count(*) FROM (SELECT DISTINCT day, queue, channel FROM ccr.kpi_pending_ticket_days) k) END AS pending_keys,
	   CASE WHEN r.rollup IN ('kpi_hourly_rollup', 'kpi_daily_rollup', 'kpi_monthly_rollup')
			THEN o.hours
			WHEN r.rollup IN ('kpi_agent_daily_rollup', 'quality_agent_daily_rollup')
			THEN o.agent_days
			WHEN r.rollup = 'agent_occupancy_daily_rollup'
			THEN (SELECT min(changed_at) FROM ccr.kpi_pending_occupancy)
			WHEN r.rollup = 'queue_presence_hourly'
			THEN (SELECT min(changed_at) FROM ccr.kpi_pending_queue_presence)
			WHEN r.rollup = 'ticket_kpi_daily_rollup'
			THEN (SELECT min(changed_at) FROM ccr.kpi_pending_ticket_days) END AS oldest_change_at,
	   r.last_refresh_at,
	   r.last_refresh_ms,
	   ccr.setting('kpi_rebuild_due', NULL) AS rebuild_due
FROM ccr.kpi_rollups r, oldest o
ORDER BY r.refresh_order;
COMMENT ON VIEW ccr.kpi_refresh_status IS 'one row per rollup: pending_keys (keys changed since the last refresh; NULL for materialized views, which are refreshed whole), oldest_change_at, last_refresh_at, last_refresh_ms, and rebuild_due (why the next ccr.refresh_kpis() rebuilds everything, or NULL)';

-- ---------------------------------------------------------------------------
-- Settings.  Those that change what is counted rebuild the rollups in the
-- same transaction (readers keep the old numbers until it commits).
CREATE OR REPLACE FUNCTION ccr.kpi_store_settings(names text[], new_values text[]) RETURNS void
	LANGUAGE sql VOLATILE
	AS $$
INSERT INTO ccr.settings (name, value) SELECT n, v FROM unnest(names, new_values) x(n, v)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
$$;
COMMENT ON FUNCTION ccr.kpi_store_settings(text[], text[]) IS 'internal: stores settings (names[i] = new_values[i]) in ccr.settings';

-- What the stored rollups depend on, to tell whether a setting changed it.
CREATE OR REPLACE FUNCTION ccr.kpi_counting_params() RETURNS text
	LANGUAGE sql STABLE
	AS $$ SELECT row(tz, threshold_s, short_abandon_s, fcr_window)::text FROM ccr.kpi_params() $$;
COMMENT ON FUNCTION ccr.kpi_counting_params() IS 'internal: the parameters the stored KPI rollups were counted with (time zone, threshold, short-abandon bound, FCR window), as text';

-- Stores settings; rebuilds when what is counted changed.
CREATE OR REPLACE FUNCTION ccr.kpi_change_settings(names text[], new_values text[]) RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $$
DECLARE
	before text := ccr.kpi_counting_params();
	due_before text := ccr.setting('kpi_rebuild_due', NULL);
BEGIN
	PERFORM ccr.kpi_store_settings(names, new_values);
	IF ccr.kpi_counting_params() IS DISTINCT FROM before THEN
		PERFORM ccr.rebuild_kpis();
	ELSIF due_before IS NULL THEN
		-- the settings trigger saw a row written, but nothing counted changed
		DELETE FROM ccr.settings WHERE name = 'kpi_rebuild_due';
	END IF;
END $$;
COMMENT ON FUNCTION ccr.kpi_change_settings(text[], text[]) IS 'internal: stores settings and rebuilds the KPI rollups in the same transaction when that changes what they count';

CREATE OR REPLACE FUNCTION ccr.set_timezone(zone text) RETURNS text
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	IF zone IS NULL OR btrim(zone) = '' THEN
		RAISE EXCEPTION 'zone must not be NULL or empty'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	BEGIN
		PERFORM now() AT TIME ZONE zone;
	EXCEPTION WHEN OTHERS THEN
		RAISE EXCEPTION 'unknown time zone: "%"', zone
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'use a name from pg_timezone_names, such as Europe/Paris or UTC';
	END;
	PERFORM ccr.kpi_change_settings(ARRAY['timezone'], ARRAY[zone]);
	RETURN zone;
END $$;
COMMENT ON FUNCTION ccr.set_timezone(text) IS 'sets the time zone of KPI buckets (an unknown zone is SQLSTATE 22023) and, when it changes, rebuilds the rollups in the same transaction';

CREATE OR REPLACE FUNCTION ccr.set_kpi_service_level(threshold_s double precision,
													 policy text DEFAULT 'negative',
													 short_abandon_s double precision DEFAULT 0)
	RETURNS void LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	IF threshold_s IS NULL OR threshold_s < 0 OR threshold_s = 'Infinity' OR threshold_s = 'NaN' THEN
		RAISE EXCEPTION 'threshold_s must be a finite number of seconds >= 0, not %', coalesce(threshold_s::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF short_abandon_s IS NULL OR short_abandon_s < 0 OR short_abandon_s = 'Infinity' OR short_abandon_s = 'NaN' THEN
		RAISE EXCEPTION 'short_abandon_s must be a finite number of seconds >= 0, not %', coalesce(short_abandon_s::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF policy IS NULL OR policy NOT IN ('negative', 'ignore', 'positive', 'answered') THEN
		RAISE EXCEPTION 'unknown service level policy "%"', coalesce(policy, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'policy is one of negative, ignore, positive, answered';
	END IF;
	-- +0.0: a threshold of -0 is the threshold 0
	PERFORM ccr.kpi_change_settings(ARRAY['kpi_policy', 'kpi_threshold_s', 'kpi_short_abandon_s'],
									ARRAY[policy, (threshold_s + 0.0)::text, (short_abandon_s + 0.0)::text]);
END $$;
COMMENT ON FUNCTION ccr.set_kpi_service_level(double precision, text, double precision) IS 'sets the KPI views'' service-level threshold and short-abandon bound (a change rebuilds the rollups in the same transaction) and policy (used at once); defaults 20, negative, 0';

CREATE OR REPLACE FUNCTION ccr.set_kpi_fcr_window(fcr_window interval) RETURNS interval
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	IF fcr_window IS NULL OR fcr_window < interval '0' THEN
		RAISE EXCEPTION 'the FCR window must be an interval >= 0, not %', coalesce(fcr_window::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM ccr.kpi_change_settings(ARRAY['kpi_fcr_window'], ARRAY[fcr_window::text]);
	RETURN fcr_window;
END $$;
COMMENT ON FUNCTION ccr.set_kpi_fcr_window(interval) IS 'sets the repeat-contact FCR window of the KPI views (default 7 days; counted in seconds, a day is 24 h, a month 30 days); a change rebuilds the rollups in the same transaction; a negative or NULL window is SQLSTATE 22023';

CREATE OR REPLACE FUNCTION ccr.set_kpi_realtime(realtime boolean) RETURNS boolean
	LANGUAGE plpgsql VOLATILE
	AS $$
BEGIN
	IF realtime IS NULL THEN
		RAISE EXCEPTION 'realtime must be true or false, not NULL'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM ccr.kpi_store_settings(ARRAY['kpi_realtime'], ARRAY[realtime::text]);
	RETURN realtime;
END $$;
COMMENT ON FUNCTION ccr.set_kpi_realtime(boolean) IS 'true (default): the KPI views add the keys changed since the last refresh, computed live; false: they read the stored rollups only';
