
-- ---------------------------------------------------------------------------
-- Asterisk: queue_log and CDR into ccr.contacts, agent presence events.
-- ---------------------------------------------------------------------------

-- Lines of calls whose end is not in the log yet.  Every import reads them
-- again before the new rows, so a call split across two imports completes,
-- and drops lines it has already seen (duplicates), so re-importing the same
-- rows changes nothing.
CREATE TABLE ccr.queue_log_pending (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	callid text NOT NULL,
	queue text NOT NULL,
	visit integer NOT NULL,
	line_no bigint,
	line text NOT NULL,
	imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_log_pending_call_idx ON ccr.queue_log_pending (callid, queue);
COMMENT ON TABLE ccr.queue_log_pending IS 'queue_log lines of calls not ended yet (as queue_log file lines; realtime rows rebuilt as lines with a microsecond epoch); read again by the next ccr.import_queue_log()';
SELECT pg_catalog.pg_extension_config_dump('ccr.queue_log_pending', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ccr.queue_log_pending', 'seq'), '');

CREATE TABLE ccr.queue_log_rejects (
	reject_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	imported_at timestamptz NOT NULL DEFAULT now(),
	line_no bigint,
	callid text,
	queue text,
	line text NOT NULL,
	reason text NOT NULL
);
-- A line rejected again for the same reason (a re-import) is kept once.
CREATE UNIQUE INDEX queue_log_rejects_line_reason_key
	ON ccr.queue_log_rejects (md5(line || E'\x1f' || reason));
COMMENT ON TABLE ccr.queue_log_rejects IS 'queue_log lines ccr.import_queue_log() did not use, with the raw line and the reason (malformed, unknown event, no ENTERQUEUE, out of order, cut by a restart, event after the end); kept once per line and reason';
COMMENT ON COLUMN ccr.queue_log_rejects.line_no IS 'row number in the import that rejected it (1 = first row read)';
COMMENT ON COLUMN ccr.queue_log_rejects.line IS 'the raw line (realtime rows rebuilt as a queue_log file line)';
SELECT pg_catalog.pg_extension_config_dump('ccr.queue_log_rejects', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ccr.queue_log_rejects', 'reject_id'), '');

-- Agent presence as logged (ADDMEMBER, REMOVEMEMBER, PAUSE, UNPAUSE, PAUSEALL,
-- UNPAUSEALL, AGENTLOGIN, AGENTLOGOFF, AGENTCALLBACKLOGIN/LOGOFF).
CREATE TABLE ccr.agent_presence_events (
	at timestamptz NOT NULL,
	agent text NOT NULL,
	queue text NOT NULL,
	event text NOT NULL,
	data1 text,
	PRIMARY KEY (agent, at, queue, event)
);
COMMENT ON TABLE ccr.agent_presence_events IS 'agent presence events from queue_log (agent as logged; ccr.asterisk_agent_alias maps names); the input of ccr.agent_states';
SELECT pg_catalog.pg_extension_config_dump('ccr.agent_presence_events', '');

-- queue_log does not always name an agent the same way in presence and call
-- events (ADDMEMBER may log the interface "SIP/1001" or a realtime member
-- row, CONNECT the member name).  Rows here map a logged name to the agent.
CREATE TABLE ccr.asterisk_agent_alias (
	alias text PRIMARY KEY,
	agent text NOT NULL
);
COMMENT ON TABLE ccr.asterisk_agent_alias IS 'maps an agent name as queue_log logs it (interface, member row) to the agent name used in ccr.contacts and the presence views';
SELECT pg_catalog.pg_extension_config_dump('ccr.asterisk_agent_alias', '');

-- Customer numbers from the CDR, by channel uniqueid (= queue_log callid).
CREATE TABLE ccr.asterisk_cdr_customers (
	uniqueid text PRIMARY KEY,
	customer text NOT NULL
);
COMMENT ON TABLE ccr.asterisk_cdr_customers IS 'customer number per Asterisk channel uniqueid, from ccr.import_cdr(); used by ccr.import_queue_log() when ENTERQUEUE has no caller id';
SELECT pg_catalog.pg_extension_config_dump('ccr.asterisk_cdr_customers', '');

-- The engine (C): see src/queue_log_import.c.
CREATE FUNCTION ccr._queue_log_process(pending_query text, source_query text,
	OUT kind text, OUT callid text, OUT queue text, OUT visit integer, OUT agent text,
	OUT customer text, OUT offered_at timestamptz, OUT answered_at timestamptz,
	OUT ended_at timestamptz, OUT outcome text, OUT talk_s double precision,
	OUT transferred boolean, OUT line_no bigint, OUT line text, OUT reason text,
	OUT event text, OUT at timestamptz, OUT data1 text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'ccr_queue_log_process' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION ccr._queue_log_process(text, text) IS 'internal: queue_log state machine behind ccr.import_queue_log()';
-- Not revoked from PUBLIC: it runs its queries with the caller's rights (no
-- SECURITY DEFINER), so it can do nothing the caller could not do directly.

CREATE FUNCTION ccr.parse_queue_log_line(line text,
	OUT "time" timestamptz, OUT callid text, OUT queuename text, OUT agent text,
	OUT event text, OUT data text[], OUT known boolean)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ccr_parse_queue_log_line_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.parse_queue_log_line(text) IS 'parses one queue_log file line (epoch|callid|queue|agent|event|data...); known tells whether the importer knows the event; a malformed line is SQLSTATE 22P02';

-- A caller id that names nobody is no customer key for repeat-contact FCR.
CREATE FUNCTION ccr._asterisk_customer(callerid text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT CASE WHEN lower(btrim(callerid)) IN ('', 'anonymous', 'unknown', 'restricted',
		'private', 'unavailable', 'none', '<unknown>') THEN NULL ELSE btrim(callerid) END $$;
COMMENT ON FUNCTION ccr._asterisk_customer(text) IS 'internal: caller id to customer key (NULL for anonymous/unknown)';

CREATE FUNCTION ccr.import_queue_log(source regclass)
	RETURNS TABLE (lines_read bigint, contacts_added bigint, contacts_updated bigint, rejected bigint)
	LANGUAGE plpgsql VOLATILE
	SET jit = off	-- compiling the big one-shot queries costs more than it saves
	AS $fn$
#variable_conflict use_column
DECLARE
	cols text[];
	typcat "char";
	q text;
	t_expr text;
	t_text_expr text;
	data_expr text;
	order_expr text;
	pending_q text := $q$SELECT line_no, line, NULL::timestamptz, NULL::text, NULL::text,
		NULL::text, NULL::text, NULL::text, NULL::text FROM ccr.queue_log_pending ORDER BY seq$q$;
BEGIN
	IF source IS NULL THEN
		RAISE EXCEPTION 'source must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- one import at a time: they share the pending state
	PERFORM pg_advisory_xact_lock(hashtext('ccr.import_queue_log'));

	SELECT array_agg(attname::text) INTO cols
	FROM pg_attribute WHERE attrelid = source AND attnum > 0 AND NOT attisdropped;

	IF 'line' = ANY (cols) THEN
		-- file order: the id column's if there is one, else the table's own
		q := format('SELECT NULL::int8, coalesce(line::text, ''''), NULL::timestamptz, NULL::text, NULL::text, '
					'NULL::text, NULL::text, NULL::text, NULL::text FROM %s%s', source,
					CASE WHEN 'id' = ANY (cols) THEN ' ORDER BY id' ELSE '' END);
	ELSIF cols @> ARRAY['time', 'callid', 'queuename', 'agent', 'event']
		  AND ('data1' = ANY (cols) OR 'data' = ANY (cols)) THEN
		SELECT t.typcategory INTO typcat
		FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
		WHERE a.attrelid = source AND a.attname = 'time';
		IF typcat = 'D' THEN
			-- timestamp without zone: read in the session TimeZone, like a cast
			t_expr := '"time"::timestamptz';
			t_text_expr := 'NULL::text';
		ELSIF typcat = 'N' THEN
			t_expr := 'to_timestamp("time"::float8)';
			t_text_expr := 'NULL::text';
		ELSE
			-- text (char(26) in old realtime schemas): parsed row by row, a bad
			-- value is a rejected row instead of a failed import
			t_expr := 'NULL::timestamptz';
			t_text_expr := '"time"::text';
		END IF;
		IF 'data1' = ANY (cols) THEN
			SELECT string_agg(format('coalesce(%I::text, %L)', c, ''), $$ || '|' || $$ ORDER BY c)
			INTO data_expr
			FROM unnest(cols) c WHERE c ~ '^data[1-9]$';
		ELSE
			data_expr := 'coalesce(data::text, '''')';
		END IF;
		-- Asterisk's own order when the table has its id; else time, and
		-- within a second the order a call goes through
		order_expr := CASE WHEN 'id' = ANY (cols) THEN 'id' ELSE
			$$"time", CASE event WHEN 'ENTERQUEUE' THEN 0 WHEN 'RINGNOANSWER' THEN 1
			  WHEN 'RINGCANCELED' THEN 1 WHEN 'CONNECT' THEN 2 ELSE 3 END$$ END;
		q := format('SELECT NULL::int8, NULL::text, %s, %s, callid::text, queuename::text, agent::text, '
					'event::text, %s FROM %s ORDER BY %s',
					t_expr, t_text_expr, data_expr, source, order_expr);
	ELSE
		RAISE EXCEPTION 'source % has neither a text column "line" nor the realtime queue_log columns', source
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'expected (line text) or (time, callid, queuename, agent, event, data1 .. data5 | data)';
	END IF;

	RETURN QUERY
	WITH r AS MATERIALIZED (
		SELECT * FROM ccr._queue_log_process(pending_q, q)
	), del AS (
		DELETE FROM ccr.queue_log_pending
	), pend AS (
		INSERT INTO ccr.queue_log_pending (callid, queue, visit, line_no, line)
		SELECT r.callid, r.queue, r.visit, r.line_no, r.line FROM r WHERE r.kind = 'pending'
	), orphan_rej AS (
		-- lines of a call whose ENTERQUEUE was not read: harmless when the call
		-- is already a contact (an overlapping re-import), else rejected
		SELECT r.* FROM r
		WHERE r.kind = 'orphan'
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c
						  WHERE c.source = 'asterisk' AND c.queue = r.queue
							AND (c.source_id = r.callid OR c.source_id LIKE r.callid || '#%'))
	), rej AS (
		INSERT INTO ccr.queue_log_rejects (line_no, callid, queue, line, reason)
		SELECT r.line_no, r.callid, r.queue, r.line, r.reason FROM r WHERE r.kind = 'reject'
		UNION ALL
		SELECT o.line_no, o.callid, o.queue, o.line, 'no ENTERQUEUE for this call and queue' FROM orphan_rej o
		ON CONFLICT DO NOTHING
	), pres AS (
		INSERT INTO ccr.agent_presence_events (at, agent, queue, event, data1)
		SELECT r.at, r.agent, r.queue, r.event, r.data1 FROM r WHERE r.kind = 'presence'
		ON CONFLICT DO NOTHING
	), rc AS (
		SELECT CASE WHEN r.visit > 1 THEN r.callid || '#' || r.visit ELSE r.callid END AS source_id,
			   r.queue, coalesce(al.agent, r.agent) AS agent,
			   coalesce(ccr._asterisk_customer(r.customer), cdr.customer) AS customer,
			   r.offered_at, r.answered_at, r.ended_at, r.outcome, r.talk_s, r.transferred
		FROM r
		LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = r.agent
		LEFT JOIN ccr.asterisk_cdr_customers cdr ON cdr.uniqueid = r.callid
		WHERE r.kind = 'contact'
	), upd AS (
		-- contacts already there: rewritten only where something changed (a
		-- customer number already on the contact, from the CDR or by hand, stays)
		UPDATE ccr.contacts c
		SET agent = rc.agent, customer = coalesce(c.customer, rc.customer), offered_at = rc.offered_at,
			answered_at = rc.answered_at, ended_at = rc.ended_at, outcome = rc.outcome,
			talk_s = rc.talk_s, transferred = rc.transferred
		FROM rc
		WHERE c.source = 'asterisk' AND c.source_id = rc.source_id AND c.queue = rc.queue
		  AND (c.agent, coalesce(c.customer, rc.customer), c.offered_at, c.answered_at, c.ended_at,
			   c.outcome, c.talk_s, c.transferred)
			  IS DISTINCT FROM
			  (rc.agent, c.customer, rc.offered_at, rc.answered_at, rc.ended_at,
			   rc.outcome, rc.talk_s, rc.transferred)
		RETURNING 1
	), ins AS (
		-- new ones: a plain insert (imports are serialized by the lock above,
		-- so no other import can add the same key meanwhile)
		INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer,
			offered_at, answered_at, ended_at, outcome, talk_s, transferred)
		SELECT 'asterisk', rc.source_id, 'voice', rc.queue, rc.agent, rc.customer,
			   rc.offered_at, rc.answered_at, rc.ended_at, rc.outcome, rc.talk_s, rc.transferred
		FROM rc
		WHERE NOT EXISTS (SELECT 1 FROM ccr.contacts c
						  WHERE c.source = 'asterisk' AND c.source_id = rc.source_id AND c.queue = rc.queue)
		RETURNING 1
	)
	SELECT (SELECT r.line_no FROM r WHERE r.kind = 'stats'),
		   (SELECT count(*) FROM ins),
		   (SELECT count(*) FROM upd),
		   (SELECT count(*) FROM r WHERE r.kind = 'reject') + (SELECT count(*) FROM orphan_rej);
END
$fn$;
COMMENT ON FUNCTION ccr.import_queue_log(regclass) IS 'imports Asterisk queue_log rows (a table with a text column "line" of queue_log file lines, read in the order of its column "id" if it has one, else in table order, or the realtime columns time, callid, queuename, agent, event, data1..data5 | data) into ccr.contacts (source asterisk, source_id = callid); calls not ended yet wait in ccr.queue_log_pending, unusable lines go to ccr.queue_log_rejects; idempotent';

CREATE FUNCTION ccr.queue_log_expire_pending(older_than interval)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE
	AS $fn$
DECLARE
	n bigint;
BEGIN
	IF older_than IS NULL OR older_than < interval '0' THEN
		RAISE EXCEPTION 'older_than must be a non-negative interval, not %', coalesce(older_than::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('ccr.import_queue_log'));
	WITH last AS (
		SELECT p.callid, p.queue, max((ccr.parse_queue_log_line(p.line))."time") AS last_at
		FROM ccr.queue_log_pending p GROUP BY p.callid, p.queue
	), gone AS (
		DELETE FROM ccr.queue_log_pending p USING last l
		WHERE p.callid = l.callid AND p.queue = l.queue AND l.last_at < now() - older_than
		RETURNING p.*
	), ins AS (
		INSERT INTO ccr.queue_log_rejects (line_no, callid, queue, line, reason)
		SELECT g.line_no, g.callid, g.queue, g.line,
			   format('cut: no end of the call within %s', older_than) FROM gone g
		ON CONFLICT DO NOTHING
	)
	SELECT count(*) INTO n FROM gone;
	RETURN n;
END
$fn$;
COMMENT ON FUNCTION ccr.queue_log_expire_pending(interval) IS 'gives up on pending queue_log calls whose last line is older than now() - older_than (a log cut in the middle of a call): their lines move to ccr.queue_log_rejects; returns the number of lines moved';

CREATE FUNCTION ccr.import_cdr(source regclass, overwrite boolean DEFAULT false)
	RETURNS TABLE (cdr_rows bigint, contacts_updated bigint)
	LANGUAGE plpgsql VOLATILE
	AS $fn$
#variable_conflict use_column
DECLARE
	cols text[];
	link text;
	num text;
BEGIN
	IF source IS NULL OR overwrite IS NULL THEN
		RAISE EXCEPTION 'source and overwrite must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT array_agg(attname::text) INTO cols
	FROM pg_attribute WHERE attrelid = source AND attnum > 0 AND NOT attisdropped;
	IF NOT cols @> ARRAY['uniqueid'] OR NOT (cols && ARRAY['src', 'clid']) THEN
		RAISE EXCEPTION 'source % is not an Asterisk CDR table (needs uniqueid and src or clid)', source
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	link := CASE WHEN 'linkedid' = ANY (cols) THEN 'linkedid::text' ELSE 'NULL::text' END;
	-- src is the caller number; clid is "Name" <number>
	num := CASE WHEN 'src' = ANY (cols) AND 'clid' = ANY (cols)
				THEN $$coalesce(ccr._asterisk_customer(src::text), ccr._asterisk_customer(substring(clid::text from '<([^>]*)>')))$$
				WHEN 'src' = ANY (cols) THEN 'ccr._asterisk_customer(src::text)'
				ELSE $$ccr._asterisk_customer(substring(clid::text from '<([^>]*)>'))$$ END;
	CREATE TEMP TABLE IF NOT EXISTS _ccr_cdr_map (uniqueid text PRIMARY KEY, customer text NOT NULL) ON COMMIT DROP;
	TRUNCATE _ccr_cdr_map;
	-- a channel's own row first; else the row of a channel it is linked to
	EXECUTE format($q$
		INSERT INTO _ccr_cdr_map
		SELECT DISTINCT ON (k) k, customer
		FROM (SELECT uniqueid::text AS k, %1$s AS customer, 1 AS prio, %3$s AS at FROM %2$s
			  UNION ALL
			  SELECT %4$s, %1$s, 2, %3$s FROM %2$s) s
		WHERE k IS NOT NULL AND k <> '' AND customer IS NOT NULL
		ORDER BY k, prio, at$q$,
		num, source, CASE WHEN 'calldate' = ANY (cols) THEN 'calldate' ELSE 'NULL::timestamptz' END, link);
	INSERT INTO ccr.asterisk_cdr_customers AS m (uniqueid, customer)
	SELECT uniqueid, customer FROM _ccr_cdr_map
	ON CONFLICT (uniqueid) DO UPDATE SET customer = EXCLUDED.customer
	WHERE m.customer IS DISTINCT FROM EXCLUDED.customer;

	EXECUTE format('SELECT count(*) FROM %s', source) INTO cdr_rows;
	WITH u AS (
		UPDATE ccr.contacts c SET customer = m.customer
		FROM _ccr_cdr_map m
		WHERE c.source = 'asterisk' AND split_part(c.source_id, '#', 1) = m.uniqueid
		  AND (c.customer IS NULL OR (overwrite AND c.customer IS DISTINCT FROM m.customer))
		RETURNING 1
	)
	SELECT count(*) INTO contacts_updated FROM u;
	DROP TABLE _ccr_cdr_map;
	RETURN NEXT;
END
$fn$;
COMMENT ON FUNCTION ccr.import_cdr(regclass, boolean) IS 'reads an Asterisk CDR table (calldate, clid, src, ..., uniqueid, linkedid) for customer numbers: fills ccr.contacts.customer of Asterisk contacts whose callid is a CDR uniqueid (or linkedid) where it is NULL (or always, with overwrite), and remembers them for later imports';
