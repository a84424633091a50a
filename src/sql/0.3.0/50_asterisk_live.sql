
-- ---------------------------------------------------------------------------
-- Asterisk, 0.3.0 (issue 16): stints and disconnection detail on contacts,
-- the live trigger on a realtime queue_log table, the tables behind the
-- wallboard.  The wallboard and report views are in src/sql/views/6x_*.sql.
-- ---------------------------------------------------------------------------

-- A call that queues again in a queue it already left (an IVR loop) is a
-- second stint, not an overwrite of the first: stint joins the unique key.
ALTER TABLE ccr.contacts
	ADD COLUMN stint integer NOT NULL DEFAULT 1,
	ADD COLUMN ended_by text,
	ADD COLUMN entry_position integer,
	ADD COLUMN exit_position integer,
	ADD COLUMN enterqueue_at timestamptz,
	ADD CONSTRAINT contacts_stint_positive CHECK (stint >= 1),
	ADD CONSTRAINT contacts_ended_by_check
		CHECK (ended_by IS NULL OR (ended_by IN ('agent', 'caller', 'transfer') AND outcome = 'answered')),
	ADD CONSTRAINT contacts_entry_position_positive CHECK (entry_position >= 1),
	ADD CONSTRAINT contacts_exit_position_positive CHECK (exit_position >= 1);
COMMENT ON COLUMN ccr.contacts.stint IS 'the n-th time this call (source_id) entered this queue, 1 first; (source, source_id, queue, stint) is unique';
COMMENT ON COLUMN ccr.contacts.ended_by IS 'answered contacts: agent (COMPLETEAGENT), caller (COMPLETECALLER) or transfer (TRANSFER, BLINDTRANSFER, ATTENDEDTRANSFER); NULL otherwise or unknown';
COMMENT ON COLUMN ccr.contacts.entry_position IS 'queue position when the call entered (ENTERQUEUE), 1 = next; NULL when the log does not say';
COMMENT ON COLUMN ccr.contacts.exit_position IS 'queue position when the call left unanswered (ABANDON, EXIT*); NULL when answered or not logged';
COMMENT ON COLUMN ccr.contacts.enterqueue_at IS 'Asterisk: the ENTERQUEUE time (offered_at is Asterisk''s own measure: answer or end minus holdtime/waittime); identifies the stint on re-import';

-- the old key (without stint) goes first: the renames below would break it
ALTER TABLE ccr.contacts DROP CONSTRAINT contacts_source_key;
-- 0.2.0 kept later stints as source_id "callid#2", "#3": now stint 2, 3
UPDATE ccr.contacts
SET source_id = substring(source_id FROM '^(.*)#[0-9]+$'),
	stint = substring(source_id FROM '#([0-9]+)$')::integer
WHERE source = 'asterisk' AND source_id ~ '.#[0-9]{1,9}$';
-- what the stored columns tell: a transferred answered call ended by transfer
-- (agent or caller, and the positions, need the log: re-import it to fill them)
UPDATE ccr.contacts SET ended_by = 'transfer'
WHERE source = 'asterisk' AND outcome = 'answered' AND transferred;

ALTER TABLE ccr.contacts ADD CONSTRAINT contacts_source_key UNIQUE (source, source_id, queue, stint);
COMMENT ON COLUMN ccr.contacts.source_id IS 'the row''s id in its source (Asterisk: the callid); (source, source_id, queue, stint) is unique';
-- calls still going on at an instant (wallboard), an agent's last call
CREATE INDEX contacts_ended_at_idx ON ccr.contacts (ended_at);
CREATE INDEX contacts_agent_ended_at_idx ON ccr.contacts (agent, ended_at) WHERE agent IS NOT NULL;

-- The latest presence event of a kind before an instant, one index probe each:
-- each index is in the order the wallboard picks the latest (ties at one
-- instant: REMOVEMEMBER before ADDMEMBER, a pause before an unpause), so a
-- probe reads one entry however long the agent's history is.
CREATE INDEX agent_presence_member_idx ON ccr.agent_presence_events (agent, queue, at, event)
	WHERE event IN ('ADDMEMBER', 'REMOVEMEMBER');
-- (event and the reason in the index: index-only probes, which the planner
-- prefers to a backward scan of the primary key filtered by event)
CREATE INDEX agent_presence_login_idx ON ccr.agent_presence_events (agent, at, event)
	WHERE event IN ('AGENTLOGIN', 'AGENTLOGOFF', 'AGENTCALLBACKLOGIN', 'AGENTCALLBACKLOGOFF');
CREATE INDEX agent_presence_pause_idx ON ccr.agent_presence_events (agent, at, event DESC) INCLUDE (data1)
	WHERE event IN ('PAUSE', 'UNPAUSE', 'PAUSEALL', 'UNPAUSEALL');

-- Agents and the queues they were members of, as logged ('' = no queue: an
-- agent login, or an agent known from calls only): the wallboard's agent list
-- without scanning the history.
CREATE TABLE ccr.asterisk_agents (
	agent text NOT NULL,
	queue text NOT NULL,
	PRIMARY KEY (agent, queue)
);
COMMENT ON TABLE ccr.asterisk_agents IS 'agents (as logged) and the queues they were ever members of ('''' for none); filled by the queue_log imports; the agent list of the wallboard';
SELECT pg_catalog.pg_extension_config_dump('ccr.asterisk_agents', '');
INSERT INTO ccr.asterisk_agents
SELECT DISTINCT agent, CASE WHEN event IN ('ADDMEMBER', 'REMOVEMEMBER') THEN queue ELSE '' END
FROM ccr.agent_presence_events
ON CONFLICT DO NOTHING;
INSERT INTO ccr.asterisk_agents
SELECT DISTINCT agent, '' FROM ccr.contacts WHERE source = 'asterisk' AND agent IS NOT NULL
ON CONFLICT DO NOTHING;

-- Rings, known when they end (RINGNOANSWER, RINGCANCELED, CONNECT).
CREATE TABLE ccr.asterisk_rings (
	callid text NOT NULL,
	queue text NOT NULL,
	agent text NOT NULL,
	ring_from timestamptz NOT NULL,
	ring_until timestamptz NOT NULL,
	PRIMARY KEY (callid, queue, agent, ring_until)
);
CREATE INDEX asterisk_rings_until_idx ON ccr.asterisk_rings (ring_until);
COMMENT ON TABLE ccr.asterisk_rings IS 'an agent''s phone ringing for a queued call, [ring_from, ring_until); queue_log logs a ring when it ends, so these are known after the fact';
SELECT pg_catalog.pg_extension_config_dump('ccr.asterisk_rings', '');

-- CDR calls to a number (dst), for ccr.callbacks_due: a call placed to a
-- caller clears the callback.
CREATE TABLE ccr.asterisk_cdr_calls (
	number text NOT NULL,
	called_at timestamptz NOT NULL,
	uniqueid text NOT NULL,
	PRIMARY KEY (number, called_at, uniqueid)
);
COMMENT ON TABLE ccr.asterisk_cdr_calls IS 'CDR rows by dialled number (dst) and calldate, from ccr.import_cdr(); a call to a customer after an unanswered contact clears it from ccr.callbacks_due';
SELECT pg_catalog.pg_extension_config_dump('ccr.asterisk_cdr_calls', '');

-- Rows a live trigger hands to the engine (deleted in the same statement).
CREATE TABLE ccr.queue_log_feed (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	line text,
	t timestamptz,
	t_text text,
	callid text,
	queuename text,
	agent text,
	event text,
	data text
);
COMMENT ON TABLE ccr.queue_log_feed IS 'internal: the rows of one statement on an attached queue_log table, on their way to the engine; always empty outside ccr._queue_log_live()';

-- The engine (C): 0.3.0 appended ended_by, entry_position, exit_position,
-- entered_at and the "ring" rows.
DROP FUNCTION ccr._queue_log_process(text, text);
CREATE FUNCTION ccr._queue_log_process(pending_query text, source_query text,
	OUT kind text, OUT callid text, OUT queue text, OUT visit integer, OUT agent text,
	OUT customer text, OUT offered_at timestamptz, OUT answered_at timestamptz,
	OUT ended_at timestamptz, OUT outcome text, OUT talk_s double precision,
	OUT transferred boolean, OUT line_no bigint, OUT line text, OUT reason text,
	OUT event text, OUT at timestamptz, OUT data1 text,
	OUT ended_by text, OUT entry_position integer, OUT exit_position integer,
	OUT entered_at timestamptz)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'ccr_queue_log_process' LANGUAGE C VOLATILE STRICT ROWS 100000;
COMMENT ON FUNCTION ccr._queue_log_process(text, text) IS 'internal: queue_log state machine behind ccr.import_queue_log()';

-- The engine's source query (9 columns) for a table of either layout.
CREATE FUNCTION ccr._queue_log_source_query(source regclass, relname text DEFAULT NULL)
	RETURNS text
	LANGUAGE plpgsql STABLE
	AS $fn$
DECLARE
	cols text[];
	typcat "char";
	t_expr text;
	t_text_expr text;
	data_expr text;
	order_expr text;
	rel text := coalesce(relname, source::text);
BEGIN
	SELECT array_agg(attname::text) INTO cols
	FROM pg_attribute WHERE attrelid = source AND attnum > 0 AND NOT attisdropped;

	IF 'line' = ANY (cols) THEN
		-- file order: the id column's if there is one, else the table's own
		RETURN format('SELECT NULL::int8, coalesce(line::text, ''''), NULL::timestamptz, NULL::text, NULL::text, '
					  'NULL::text, NULL::text, NULL::text, NULL::text FROM %s%s', rel,
					  CASE WHEN 'id' = ANY (cols) THEN ' ORDER BY id' ELSE '' END);
	END IF;
	IF NOT (cols @> ARRAY['time', 'callid', 'queuename', 'agent', 'event']
			AND ('data1' = ANY (cols) OR 'data' = ANY (cols))) THEN
		RAISE EXCEPTION 'source % has neither a text column "line" nor the realtime queue_log columns', source
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'expected (line text) or (time, callid, queuename, agent, event, data1 .. data5 | data)';
	END IF;
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
	RETURN format('SELECT NULL::int8, NULL::text, %s, %s, callid::text, queuename::text, agent::text, '
				  'event::text, %s FROM %s ORDER BY %s',
				  t_expr, t_text_expr, data_expr, rel, order_expr);
END
$fn$;
COMMENT ON FUNCTION ccr._queue_log_source_query(regclass, text) IS 'internal: the engine''s source query for a queue_log table of either layout (relname: read the rows from that relation instead, with the same columns)';

-- One run of the engine over the pending lines and the rows of source_q, and
-- everything it writes.  With keys (callids[i], queues[i]) only those calls'
-- pending lines are read and replaced (the live trigger: the cost of a row
-- is that of its own call, not of every call open).
CREATE FUNCTION ccr._queue_log_apply(source_q text, callids text[] DEFAULT NULL, queues text[] DEFAULT NULL)
	RETURNS TABLE (lines_read bigint, contacts_added bigint, contacts_updated bigint, rejected bigint)
	LANGUAGE plpgsql VOLATILE
	SET jit = off	-- compiling the big one-shot queries costs more than it saves
	AS $fn$
#variable_conflict use_column
DECLARE
	scope text := CASE WHEN callids IS NULL THEN 'true' ELSE
		format('(callid, queue) IN (SELECT * FROM unnest(%L::text[], %L::text[]))', callids, queues) END;
	pending_q text := format($q$SELECT line_no, line, NULL::timestamptz, NULL::text, NULL::text,
		NULL::text, NULL::text, NULL::text, NULL::text FROM ccr.queue_log_pending WHERE %s ORDER BY seq$q$, scope);
	res record;
BEGIN
	-- one import at a time: they share the pending state
	PERFORM pg_advisory_xact_lock(hashtext('ccr.import_queue_log'));
	-- a static statement: planned once per session, not at every call (the
	-- live trigger calls this once per INSERT on the queue_log table)
	WITH r AS MATERIALIZED (
		SELECT * FROM ccr._queue_log_process(pending_q, source_q)
	), del AS (
		DELETE FROM ccr.queue_log_pending p
		WHERE callids IS NULL OR (p.callid, p.queue) IN (SELECT * FROM unnest(callids, queues))
	), pend AS (
		-- a visit whose ENTERQUEUE is that of a stored contact is a replay of
		-- lines already read (a duplicate the engine did not see in this run,
		-- such as a live row or a re-imported tail): not a call waiting
		INSERT INTO ccr.queue_log_pending (callid, queue, visit, line_no, line)
		SELECT r.callid, r.queue, r.visit, r.line_no, r.line FROM r
		WHERE r.kind = 'pending'
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c
						  WHERE c.source = 'asterisk' AND c.source_id = r.callid AND c.queue = r.queue
							AND c.enterqueue_at = r.entered_at)
	), orphan_rej AS (
		-- lines of a call whose ENTERQUEUE was not read: harmless when the call
		-- is already a contact (an overlapping re-import), else rejected
		SELECT r.* FROM r
		WHERE r.kind = 'orphan'
		  AND NOT EXISTS (SELECT 1 FROM ccr.contacts c
						  WHERE c.source = 'asterisk' AND c.queue = r.queue AND c.source_id = r.callid)
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
	), agents AS (
		INSERT INTO ccr.asterisk_agents (agent, queue)
		SELECT DISTINCT r.agent, CASE WHEN r.kind = 'presence' AND r.event IN ('ADDMEMBER', 'REMOVEMEMBER')
									  THEN r.queue ELSE '' END
		FROM r WHERE r.kind IN ('presence', 'ring') OR (r.kind = 'contact' AND r.agent IS NOT NULL)
		ON CONFLICT DO NOTHING
	), rings AS (
		INSERT INTO ccr.asterisk_rings (callid, queue, agent, ring_from, ring_until)
		SELECT DISTINCT ON (r.callid, r.queue, r.agent, r.ended_at) r.callid, r.queue, r.agent, r.at, r.ended_at
		FROM r WHERE r.kind = 'ring'
		ON CONFLICT DO NOTHING
	), rc0 AS (
		SELECT r.callid AS source_id, r.queue, r.visit, r.entered_at,
			   coalesce(al.agent, r.agent) AS agent,
			   coalesce(ccr._asterisk_customer(r.customer), cdr.customer) AS customer,
			   r.offered_at, r.answered_at, r.ended_at, r.outcome, r.talk_s, r.transferred,
			   r.ended_by, r.entry_position, r.exit_position,
			   -- the stint already stored with this ENTERQUEUE time
			   (SELECT c.stint FROM ccr.contacts c
				WHERE c.source = 'asterisk' AND c.source_id = r.callid AND c.queue = r.queue
				  AND c.enterqueue_at = r.entered_at LIMIT 1) AS time_stint,
			   -- a contact imported before 0.3.0 (no ENTERQUEUE time): the
			   -- stint of the same number
			   (SELECT c.stint FROM ccr.contacts c
				WHERE c.source = 'asterisk' AND c.source_id = r.callid AND c.queue = r.queue
				  AND c.enterqueue_at IS NULL AND c.stint = r.visit LIMIT 1) AS legacy_stint
		FROM r
		LEFT JOIN ccr.asterisk_agent_alias al ON al.alias = r.agent
		LEFT JOIN ccr.asterisk_cdr_customers cdr ON cdr.uniqueid = r.callid
		WHERE r.kind = 'contact'
	), rc1 AS (
		-- a legacy stint goes to one visit only (the earliest claiming it)
		SELECT rc0.*,
			   coalesce(rc0.time_stint,
						CASE WHEN rc0.legacy_stint IS NOT NULL
								  AND row_number() OVER (PARTITION BY rc0.source_id, rc0.queue, rc0.legacy_stint,
																	rc0.time_stint IS NULL
														 ORDER BY rc0.entered_at) = 1
							 THEN rc0.legacy_stint END) AS old_stint
		FROM rc0
	), rc AS (
		-- a new stint comes after every stored one of the call in this queue
		SELECT rc1.*,
			   coalesce(rc1.old_stint,
						(SELECT coalesce(max(c.stint), 0) FROM ccr.contacts c
						 WHERE c.source = 'asterisk' AND c.source_id = rc1.source_id AND c.queue = rc1.queue)
						+ row_number() OVER (PARTITION BY rc1.source_id, rc1.queue, rc1.old_stint IS NULL
											 ORDER BY rc1.entered_at)) AS stint
		FROM rc1
	), upd AS (
		-- contacts already there: rewritten only where something changed (a
		-- customer number already on the contact, from the CDR or by hand, stays)
		UPDATE ccr.contacts c
		SET agent = rc.agent, customer = coalesce(c.customer, rc.customer), offered_at = rc.offered_at,
			answered_at = rc.answered_at, ended_at = rc.ended_at, outcome = rc.outcome,
			talk_s = rc.talk_s, transferred = rc.transferred, ended_by = rc.ended_by,
			entry_position = rc.entry_position, exit_position = rc.exit_position,
			enterqueue_at = rc.entered_at
		FROM rc
		WHERE rc.old_stint IS NOT NULL
		  AND c.source = 'asterisk' AND c.source_id = rc.source_id AND c.queue = rc.queue AND c.stint = rc.stint
		  AND (c.agent, coalesce(c.customer, rc.customer), c.offered_at, c.answered_at, c.ended_at,
			   c.outcome, c.talk_s, c.transferred, c.ended_by, c.entry_position, c.exit_position, c.enterqueue_at)
			  IS DISTINCT FROM
			  (rc.agent, c.customer, rc.offered_at, rc.answered_at, rc.ended_at,
			   rc.outcome, rc.talk_s, rc.transferred, rc.ended_by, rc.entry_position, rc.exit_position, rc.entered_at)
		RETURNING 1
	), ins AS (
		-- new ones: a plain insert (imports are serialized by the lock above,
		-- so no other import can add the same key meanwhile)
		INSERT INTO ccr.contacts (source, source_id, stint, channel, queue, agent, customer,
			offered_at, answered_at, ended_at, outcome, talk_s, transferred,
			ended_by, entry_position, exit_position, enterqueue_at)
		SELECT 'asterisk', rc.source_id, rc.stint, 'voice', rc.queue, rc.agent, rc.customer,
			   rc.offered_at, rc.answered_at, rc.ended_at, rc.outcome, rc.talk_s, rc.transferred,
			   rc.ended_by, rc.entry_position, rc.exit_position, rc.entered_at
		FROM rc
		WHERE rc.old_stint IS NULL
		RETURNING 1
	)
	SELECT (SELECT r.line_no FROM r WHERE r.kind = 'stats') AS n_read,
		   (SELECT count(*) FROM ins) AS n_added,
		   (SELECT count(*) FROM upd) AS n_updated,
		   (SELECT count(*) FROM r WHERE r.kind = 'reject') + (SELECT count(*) FROM orphan_rej) AS n_rejected
	INTO res;
	lines_read := res.n_read;
	contacts_added := res.n_added;
	contacts_updated := res.n_updated;
	rejected := res.n_rejected;
	RETURN NEXT;
END
$fn$;
COMMENT ON FUNCTION ccr._queue_log_apply(text, text[], text[]) IS 'internal: one run of the queue_log engine over the pending lines (all, or of the given calls) and a source query, writing contacts, pending lines, rejects, presence, rings';

CREATE OR REPLACE FUNCTION ccr.import_queue_log(source regclass)
	RETURNS TABLE (lines_read bigint, contacts_added bigint, contacts_updated bigint, rejected bigint)
	LANGUAGE plpgsql VOLATILE
	AS $fn$
BEGIN
	IF source IS NULL THEN
		RAISE EXCEPTION 'source must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY SELECT * FROM ccr._queue_log_apply(ccr._queue_log_source_query(source));
END
$fn$;

-- The live path: a statement-level trigger on Asterisk's realtime queue_log
-- table runs the engine on the statement's rows at once, with only their
-- calls' pending lines (all of them when a QUEUESTART is among the rows).
CREATE FUNCTION ccr._queue_log_live() RETURNS trigger
	LANGUAGE plpgsql VOLATILE
	AS $fn$
DECLARE
	q text;
	keys record;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('ccr.import_queue_log'));
	-- the source query, pointed at the transition table, fills the feed
	q := ccr._queue_log_source_query(TG_RELID, 'ccr_new_rows');
	EXECUTE format('INSERT INTO ccr.queue_log_feed (line, t, t_text, callid, queuename, agent, event, data) '
				   'SELECT x.line, x.t, x.t_text, x.callid, x.queuename, x.agent, x.event, x.data '
				   'FROM (%s) AS x (line_no, line, t, t_text, callid, queuename, agent, event, data)', q);
	-- the calls the rows touch (file lines: split for it); a restart cuts
	-- every open call, so then all pending lines are read
	SELECT coalesce(array_agg(k.callid), '{}') AS callids, coalesce(array_agg(k.queuename), '{}') AS queues,
		   coalesce(bool_or(k.event = 'QUEUESTART'), false) AS restart
	INTO keys
	FROM (SELECT coalesce(f.callid, split_part(f.line, '|', 2)) AS callid,
				 coalesce(f.queuename, split_part(f.line, '|', 3)) AS queuename,
				 coalesce(f.event, split_part(f.line, '|', 5)) AS event
		  FROM ccr.queue_log_feed f) k;
	PERFORM ccr._queue_log_apply(
		'SELECT NULL::int8, line, t, t_text, callid, queuename, agent, event, data FROM ccr.queue_log_feed ORDER BY id',
		CASE WHEN keys.restart THEN NULL ELSE keys.callids END,
		CASE WHEN keys.restart THEN NULL ELSE keys.queues END);
	DELETE FROM ccr.queue_log_feed;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION ccr._queue_log_live() IS 'internal: the trigger ccr.attach_queue_log() puts on a queue_log table';

-- Whether source carries the live trigger; a NULL source is an error (the
-- first check of both functions below).
CREATE FUNCTION ccr._queue_log_attached(source regclass) RETURNS boolean
	LANGUAGE plpgsql STABLE
	AS $fn$
BEGIN
	IF source IS NULL THEN
		RAISE EXCEPTION 'source must not be NULL' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = source AND tgname = 'ccr_queue_log_live');
END
$fn$;
COMMENT ON FUNCTION ccr._queue_log_attached(regclass) IS 'internal: whether ccr.attach_queue_log() put its trigger on source (NULL source: SQLSTATE 22023)';

CREATE FUNCTION ccr.attach_queue_log(source regclass) RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $fn$
DECLARE
	attached boolean := ccr._queue_log_attached(source);
BEGIN
	IF (SELECT relkind FROM pg_class WHERE oid = source) NOT IN ('r', 'p') THEN
		RAISE EXCEPTION 'source % is not a table', source
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'attach the table Asterisk inserts into; import other relations with ccr.import_queue_log()';
	END IF;
	PERFORM ccr._queue_log_source_query(source);	-- checks the layout
	IF attached THEN
		RAISE EXCEPTION 'source % is already attached', source USING ERRCODE = 'invalid_parameter_value';
	END IF;
	EXECUTE format('CREATE TRIGGER ccr_queue_log_live AFTER INSERT ON %s REFERENCING NEW TABLE AS ccr_new_rows '
				   'FOR EACH STATEMENT EXECUTE FUNCTION ccr._queue_log_live()', source);
END
$fn$;
COMMENT ON FUNCTION ccr.attach_queue_log(regclass) IS 'puts a trigger on Asterisk''s realtime queue_log table (either layout of ccr.import_queue_log): every inserted row counts at once in the wallboard, and in ccr.contacts when a call ends; rows already in the table are not read (import them first)';

CREATE FUNCTION ccr.detach_queue_log(source regclass) RETURNS void
	LANGUAGE plpgsql VOLATILE
	AS $fn$
BEGIN
	IF NOT ccr._queue_log_attached(source) THEN
		RAISE EXCEPTION 'source % is not attached', source USING ERRCODE = 'invalid_parameter_value';
	END IF;
	EXECUTE format('DROP TRIGGER ccr_queue_log_live ON %s', source);
END
$fn$;
COMMENT ON FUNCTION ccr.detach_queue_log(regclass) IS 'removes the trigger of ccr.attach_queue_log(); the state of calls still open stays in ccr.queue_log_pending for the next import';

-- import_cdr also keeps the dialled numbers (outbound calls clear callbacks)
CREATE OR REPLACE FUNCTION ccr.import_cdr(source regclass, overwrite boolean DEFAULT false)
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
	-- every call to a number: a callback placed (the dialled number as the
	-- caller id would show it; anonymous/empty ignored)
	IF cols @> ARRAY['dst', 'calldate'] THEN
		EXECUTE format($q$
			INSERT INTO ccr.asterisk_cdr_calls (number, called_at, uniqueid)
			SELECT DISTINCT ccr._asterisk_customer(dst::text), calldate::timestamptz, coalesce(uniqueid::text, '')
			FROM %s
			WHERE ccr._asterisk_customer(dst::text) IS NOT NULL AND calldate IS NOT NULL
			ON CONFLICT DO NOTHING$q$, source);
	END IF;

	EXECUTE format('SELECT count(*) FROM %s', source) INTO cdr_rows;
	WITH u AS (
		UPDATE ccr.contacts c SET customer = m.customer
		FROM _ccr_cdr_map m
		WHERE c.source = 'asterisk' AND c.source_id = m.uniqueid
		  AND (c.customer IS NULL OR (overwrite AND c.customer IS DISTINCT FROM m.customer))
		RETURNING 1
	)
	SELECT count(*) INTO contacts_updated FROM u;
	DROP TABLE _ccr_cdr_map;
	RETURN NEXT;
END
$fn$;

-- an agent's last ring before an instant (wallboard: ready since)
CREATE INDEX asterisk_rings_agent_idx ON ccr.asterisk_rings (agent, ring_until);
