
-- ===================== repeat-contact FCR =====================

-- The summary keeps every contact as (customer key, contact_at): 16 bytes a
-- contact, so combine and rollup are exact.  STORAGE = extended, unlike the
-- fixed-size summaries: a summary of more than ~500 contacts must be able to
-- go to TOAST, or it could not be stored in a table at all.
CREATE TYPE ccr.fcr_summary;
CREATE FUNCTION ccr.fcr_summary_in(cstring) RETURNS ccr.fcr_summary
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.fcr_summary_out(ccr.fcr_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.fcr_summary_recv(internal) RETURNS ccr.fcr_summary
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.fcr_summary_send(ccr.fcr_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.fcr_summary (
	INPUT = ccr.fcr_summary_in, OUTPUT = ccr.fcr_summary_out,
	RECEIVE = ccr.fcr_summary_recv, SEND = ccr.fcr_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE ccr.fcr_summary IS 'repeat-contact FCR summary: the repeat window, the customer key type and every contact as (customer key, contact_at), 16 bytes a contact; text form "v=1 key=... window_us=... contacts=... pairs=<base64>"';

-- Transition and combine functions handle NULLs themselves (not STRICT).
CREATE FUNCTION ccr.fcr_trans(ccr.fcr_summary, bigint, timestamptz, interval) RETURNS ccr.fcr_summary
	AS 'MODULE_PATHNAME', 'ccr_fcr_trans_bigint' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.fcr_trans(ccr.fcr_summary, text, timestamptz, interval) RETURNS ccr.fcr_summary
	AS 'MODULE_PATHNAME', 'ccr_fcr_trans_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.fcr_summary_combine(ccr.fcr_summary, ccr.fcr_summary) RETURNS ccr.fcr_summary
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.fcr_summary_combine(ccr.fcr_summary, ccr.fcr_summary) IS 'union of the contacts of two fcr summaries with the same repeat window and key type';

CREATE FUNCTION ccr.fcr_rate(ccr.fcr_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_fcr_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.fcr_rate(ccr.fcr_summary) IS 'resolved first contacts / first contacts (no contact of the same customer within the window before or after); NULL when empty';
CREATE FUNCTION ccr.repeat_rate(ccr.fcr_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_repeat_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.repeat_rate(ccr.fcr_summary) IS 'repeat contacts (the previous contact of the same customer is within the window) / all contacts; NULL when empty';
CREATE FUNCTION ccr.first_contacts(ccr.fcr_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_first_contacts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.first_contacts(ccr.fcr_summary) IS 'contacts with no contact of the same customer within the window before them';
CREATE FUNCTION ccr.resolved_first_contacts(ccr.fcr_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_resolved' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.resolved_first_contacts(ccr.fcr_summary) IS 'first contacts with no contact of the same customer within the window after them either';
CREATE FUNCTION ccr.total(ccr.fcr_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.total(ccr.fcr_summary) IS 'contacts counted (rows with a non-NULL customer and contact_at)';
CREATE FUNCTION ccr.repeat_window(ccr.fcr_summary) RETURNS interval
	AS 'MODULE_PATHNAME', 'ccr_fcr_summary_repeat_window' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.repeat_window(ccr.fcr_summary) IS 'the repeat window the summary was built with (months counted as 30 days)';

CREATE AGGREGATE ccr.fcr_rate(bigint, timestamptz, interval) (
	SFUNC = ccr.fcr_trans, STYPE = ccr.fcr_summary, FINALFUNC = ccr.fcr_rate,
	COMBINEFUNC = ccr.fcr_summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.fcr_rate(bigint, timestamptz, interval) IS 'repeat-contact FCR: first contacts not followed by a contact of the same customer within repeat_window / first contacts; NULL rows skipped';
CREATE AGGREGATE ccr.fcr_rate(text, timestamptz, interval) (
	SFUNC = ccr.fcr_trans, STYPE = ccr.fcr_summary, FINALFUNC = ccr.fcr_rate,
	COMBINEFUNC = ccr.fcr_summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.fcr_rate(text, timestamptz, interval) IS 'repeat-contact FCR with a text customer key (kept as a 64-bit hash); NULL rows skipped';
CREATE AGGREGATE ccr.fcr_agg(bigint, timestamptz, interval) (
	SFUNC = ccr.fcr_trans, STYPE = ccr.fcr_summary,
	COMBINEFUNC = ccr.fcr_summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.fcr_agg(bigint, timestamptz, interval) IS 'builds an fcr_summary of every contact (customer, contact_at) for one repeat window; read it with fcr_rate, repeat_rate, first_contacts; merge with rollup';
CREATE AGGREGATE ccr.fcr_agg(text, timestamptz, interval) (
	SFUNC = ccr.fcr_trans, STYPE = ccr.fcr_summary,
	COMBINEFUNC = ccr.fcr_summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.fcr_agg(text, timestamptz, interval) IS 'builds an fcr_summary with a text customer key (kept as a 64-bit hash)';
CREATE AGGREGATE ccr.rollup(ccr.fcr_summary) (
	SFUNC = ccr.fcr_summary_combine, STYPE = ccr.fcr_summary,
	COMBINEFUNC = ccr.fcr_summary_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.fcr_summary) IS 'merges fcr summaries exactly (they keep every contact), so repeats across periods, queues or shards are seen';
COMMENT ON FUNCTION ccr.fcr_trans(ccr.fcr_summary, bigint, timestamptz, interval) IS 'transition function of fcr_rate/fcr_agg (bigint customer); callable only inside an aggregate';
COMMENT ON FUNCTION ccr.fcr_trans(ccr.fcr_summary, text, timestamptz, interval) IS 'transition function of fcr_rate/fcr_agg (text customer); callable only inside an aggregate';
