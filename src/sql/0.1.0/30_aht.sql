
-- ===================== handle time =====================

CREATE TYPE ccr.aht_summary;
CREATE FUNCTION ccr.aht_summary_in(cstring) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.aht_summary_out(ccr.aht_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.aht_summary_recv(internal) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.aht_summary_send(ccr.aht_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.aht_summary (
	INPUT = ccr.aht_summary_in, OUTPUT = ccr.aht_summary_out,
	RECEIVE = ccr.aht_summary_recv, SEND = ccr.aht_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.aht_summary IS 'handle time: handled contacts and microsecond sums of talk, hold and after-call work';
CREATE FUNCTION ccr.aht_summary_combine(ccr.aht_summary, ccr.aht_summary) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.aht_summary_subtract(ccr.aht_summary, ccr.aht_summary) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.aht_summary) (
	SFUNC = ccr.aht_summary_combine, STYPE = ccr.aht_summary,
	COMBINEFUNC = ccr.aht_summary_combine,
	MSFUNC = ccr.aht_summary_combine, MINVFUNC = ccr.aht_summary_subtract, MSTYPE = ccr.aht_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.aht_summary) IS 'merges aht summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.aht(ccr.aht_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_aht_aht' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.aht(ccr.aht_summary) IS 'average handle time in seconds: (talk + hold + acw) / handled';
CREATE FUNCTION ccr.handled(ccr.aht_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_aht_handled' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.handled(ccr.aht_summary) IS 'contacts with talk time';
CREATE FUNCTION ccr.avg_talk(ccr.aht_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_aht_avg_talk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.avg_talk(ccr.aht_summary) IS 'mean talk seconds per handled contact';
CREATE FUNCTION ccr.avg_hold(ccr.aht_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_aht_avg_hold' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.avg_hold(ccr.aht_summary) IS 'mean hold seconds per handled contact';
CREATE FUNCTION ccr.avg_acw(ccr.aht_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_aht_avg_acw' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.avg_acw(ccr.aht_summary) IS 'mean after-call-work seconds per handled contact';
CREATE FUNCTION ccr.aht_trans(ccr.aht_summary, double precision, double precision, double precision) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.aht_inv(ccr.aht_summary, double precision, double precision, double precision) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE ccr.aht(talk double precision, hold double precision, after_call_work double precision) (
	SFUNC = ccr.aht_trans, STYPE = ccr.aht_summary, FINALFUNC = ccr.aht,
	COMBINEFUNC = ccr.aht_summary_combine,
	MSFUNC = ccr.aht_trans, MINVFUNC = ccr.aht_inv, MSTYPE = ccr.aht_summary, MFINALFUNC = ccr.aht,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.aht(talk double precision, hold double precision, after_call_work double precision) IS 'average handle time in seconds over contacts with talk; NULL hold or acw count as 0';
CREATE AGGREGATE ccr.aht_agg(talk double precision, hold double precision, after_call_work double precision) (
	SFUNC = ccr.aht_trans, STYPE = ccr.aht_summary,
	COMBINEFUNC = ccr.aht_summary_combine,
	MSFUNC = ccr.aht_trans, MINVFUNC = ccr.aht_inv, MSTYPE = ccr.aht_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.aht_agg(talk double precision, hold double precision, after_call_work double precision) IS 'builds a handle-time summary';
CREATE FUNCTION ccr.aht_trans(ccr.aht_summary, interval, interval, interval) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.aht_inv(ccr.aht_summary, interval, interval, interval) RETURNS ccr.aht_summary
	AS 'MODULE_PATHNAME', 'ccr_aht_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE ccr.aht(talk interval, hold interval, after_call_work interval) (
	SFUNC = ccr.aht_trans, STYPE = ccr.aht_summary, FINALFUNC = ccr.aht,
	COMBINEFUNC = ccr.aht_summary_combine,
	MSFUNC = ccr.aht_trans, MINVFUNC = ccr.aht_inv, MSTYPE = ccr.aht_summary, MFINALFUNC = ccr.aht,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.aht(talk interval, hold interval, after_call_work interval) IS 'average handle time in seconds over contacts with talk; NULL hold or acw count as 0';
CREATE AGGREGATE ccr.aht_agg(talk interval, hold interval, after_call_work interval) (
	SFUNC = ccr.aht_trans, STYPE = ccr.aht_summary,
	COMBINEFUNC = ccr.aht_summary_combine,
	MSFUNC = ccr.aht_trans, MINVFUNC = ccr.aht_inv, MSTYPE = ccr.aht_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.aht_agg(talk interval, hold interval, after_call_work interval) IS 'builds a handle-time summary';
