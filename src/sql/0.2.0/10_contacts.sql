
-- ---------------------------------------------------------------------------
-- The contact model: ccr.contacts, extension settings, the KPI time zone.
-- ---------------------------------------------------------------------------

-- Extension settings, one row per name.  No default rows are inserted: the
-- table is config-dumped, and rows inserted by the script would collide with
-- the dumped ones on restore.  Readers supply the default.
CREATE TABLE ccr.settings (
	name text PRIMARY KEY,
	value text NOT NULL
);
COMMENT ON TABLE ccr.settings IS 'ccr_metrics settings (name, value); absent rows mean the default. Change through ccr.set_timezone() etc.; kept by pg_dump';
SELECT pg_catalog.pg_extension_config_dump('ccr.settings', '');

CREATE TABLE ccr.contacts (
	contact_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source text,
	source_id text,
	channel text NOT NULL DEFAULT 'voice',
	queue text,
	agent text,
	customer text,
	reason text,
	ticket_id text,
	offered_at timestamptz NOT NULL,
	answered_at timestamptz,
	ended_at timestamptz,
	outcome text NOT NULL,
	answered boolean GENERATED ALWAYS AS (answered_at IS NOT NULL) STORED,
	wait_s double precision GENERATED ALWAYS AS
		(extract(epoch FROM coalesce(answered_at, ended_at) - offered_at)::double precision) STORED,
	talk_s double precision,
	hold_s double precision,
	acw_s double precision,
	transferred boolean,
	resolved boolean,
	fcr boolean,
	csat_score integer,
	csat_scale integer,
	nps_score integer,
	ces_score integer,
	-- A re-load of the same source row updates instead of duplicating:
	-- INSERT ... ON CONFLICT (source, source_id, queue) DO UPDATE.  Rows with
	-- a NULL source_id never conflict (NULLs are distinct).
	CONSTRAINT contacts_source_key UNIQUE (source, source_id, queue),
	CONSTRAINT contacts_outcome_check
		CHECK (outcome IN ('answered', 'abandoned', 'timeout', 'exit_key', 'exit_empty')),
	-- outcome and answered_at must tell the same story
	CONSTRAINT contacts_outcome_answered_at_check
		CHECK ((outcome = 'answered') = (answered_at IS NOT NULL)),
	CONSTRAINT contacts_answered_at_not_before_offered_at
		CHECK (answered_at >= offered_at),
	CONSTRAINT contacts_ended_at_not_before_offered_at
		CHECK (ended_at >= offered_at),
	CONSTRAINT contacts_ended_at_not_before_answered_at
		CHECK (ended_at >= answered_at),
	CONSTRAINT contacts_talk_s_not_negative CHECK (talk_s >= 0),
	CONSTRAINT contacts_hold_s_not_negative CHECK (hold_s >= 0),
	CONSTRAINT contacts_acw_s_not_negative CHECK (acw_s >= 0),
	CONSTRAINT contacts_csat_score_in_scale
		CHECK (csat_score IS NULL OR (csat_scale IS NOT NULL AND csat_score BETWEEN 1 AND csat_scale)),
	CONSTRAINT contacts_csat_scale_check CHECK (csat_scale >= 2),
	CONSTRAINT contacts_nps_score_0_to_10 CHECK (nps_score BETWEEN 0 AND 10),
	CONSTRAINT contacts_ces_score_positive CHECK (ces_score >= 1)
);
CREATE INDEX contacts_offered_at_idx ON ccr.contacts (offered_at);
CREATE INDEX contacts_customer_idx ON ccr.contacts (customer, offered_at) WHERE customer IS NOT NULL;
CREATE INDEX contacts_ticket_id_idx ON ccr.contacts (ticket_id) WHERE ticket_id IS NOT NULL;

-- pg_dump keeps the rows; an identity column's sequence must be registered
-- too, or a restored table would hand out ids that already exist.
SELECT pg_catalog.pg_extension_config_dump('ccr.contacts', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ccr.contacts', 'contact_id'), '');

COMMENT ON TABLE ccr.contacts IS 'one row per contact (call, chat or email) in one queue; the input of the KPI views; kept by pg_dump';
COMMENT ON COLUMN ccr.contacts.contact_id IS 'identity primary key';
COMMENT ON COLUMN ccr.contacts.source IS 'where the row came from: asterisk, csv, ...';
COMMENT ON COLUMN ccr.contacts.source_id IS 'the row''s id in its source (Asterisk: the callid); (source, source_id, queue) is unique';
COMMENT ON COLUMN ccr.contacts.channel IS 'voice (default), chat, email, ...';
COMMENT ON COLUMN ccr.contacts.queue IS 'queue (skill, split) the contact waited in';
COMMENT ON COLUMN ccr.contacts.agent IS 'agent who handled it; NULL when not answered';
COMMENT ON COLUMN ccr.contacts.customer IS 'customer key (phone number, account id): the key of repeat-contact FCR';
COMMENT ON COLUMN ccr.contacts.reason IS 'contact reason / disposition';
COMMENT ON COLUMN ccr.contacts.ticket_id IS 'the ticket this contact belongs to (ccr.tickets.ticket_id)';
COMMENT ON COLUMN ccr.contacts.offered_at IS 'entered the queue';
COMMENT ON COLUMN ccr.contacts.answered_at IS 'answered by an agent; NULL when not answered';
COMMENT ON COLUMN ccr.contacts.ended_at IS 'left the queue (not answered) or hung up';
COMMENT ON COLUMN ccr.contacts.outcome IS 'answered, abandoned, timeout, exit_key or exit_empty; all but answered count as offered and not answered';
COMMENT ON COLUMN ccr.contacts.answered IS 'generated: answered_at IS NOT NULL';
COMMENT ON COLUMN ccr.contacts.wait_s IS 'generated: seconds from offered_at to answered_at, or to ended_at when not answered';
COMMENT ON COLUMN ccr.contacts.talk_s IS 'talk seconds';
COMMENT ON COLUMN ccr.contacts.hold_s IS 'hold seconds';
COMMENT ON COLUMN ccr.contacts.acw_s IS 'after-call-work (wrap-up) seconds';
COMMENT ON COLUMN ccr.contacts.transferred IS 'transferred to another queue or agent';
COMMENT ON COLUMN ccr.contacts.resolved IS 'the customer''s issue was resolved';
COMMENT ON COLUMN ccr.contacts.fcr IS 'flagged resolved on first contact (by the agent or a survey)';
COMMENT ON COLUMN ccr.contacts.csat_score IS 'CSAT answer, 1..csat_scale; NULL when none';
COMMENT ON COLUMN ccr.contacts.csat_scale IS 'CSAT scale (5 for 1-5)';
COMMENT ON COLUMN ccr.contacts.nps_score IS 'NPS answer 0..10; NULL when none';
COMMENT ON COLUMN ccr.contacts.ces_score IS 'customer effort answer; NULL when none';

-- The time zone of KPI buckets.
CREATE FUNCTION ccr.timezone() RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT coalesce((SELECT value FROM ccr.settings WHERE name = 'timezone'), 'UTC') $$;
COMMENT ON FUNCTION ccr.timezone() IS 'time zone of the KPI buckets (default UTC); set with ccr.set_timezone()';

CREATE FUNCTION ccr.set_timezone(zone text) RETURNS text
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
	INSERT INTO ccr.settings (name, value) VALUES ('timezone', zone)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
	RETURN zone;
END $$;
COMMENT ON FUNCTION ccr.set_timezone(text) IS 'sets the time zone of KPI buckets (an unknown zone is SQLSTATE 22023); takes effect at the next ccr.refresh_kpis()';
