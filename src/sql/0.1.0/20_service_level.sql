
-- ===================== queue outcomes: service level, abandon rate, ASA =====================

CREATE TYPE ccr.sl_summary;
CREATE FUNCTION ccr.sl_summary_in(cstring) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.sl_summary_out(ccr.sl_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.sl_summary_recv(internal) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.sl_summary_send(ccr.sl_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.sl_summary (
	INPUT = ccr.sl_summary_in, OUTPUT = ccr.sl_summary_out,
	RECEIVE = ccr.sl_summary_recv, SEND = ccr.sl_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.sl_summary IS 'queue outcomes for one threshold and short-abandon bound: answered and abandoned within and beyond the threshold, short abandons, wait sums in microseconds';
CREATE FUNCTION ccr.sl_summary_combine(ccr.sl_summary, ccr.sl_summary) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.sl_summary_subtract(ccr.sl_summary, ccr.sl_summary) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.sl_summary) (
	SFUNC = ccr.sl_summary_combine, STYPE = ccr.sl_summary,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_summary_combine, MINVFUNC = ccr.sl_summary_subtract, MSTYPE = ccr.sl_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.sl_summary) IS 'merges sl summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.service_level(ccr.sl_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_sl_service_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.service_level(ccr.sl_summary) IS 'service level with the policy the summary was built for (negative for sl_agg)';
CREATE FUNCTION ccr.service_level(ccr.sl_summary, policy text) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_sl_service_level_policy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.service_level(ccr.sl_summary, policy text) IS 'service level under a policy: negative, ignore, positive or answered';
CREATE FUNCTION ccr.abandon_rate(ccr.sl_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_sl_abandon_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.abandon_rate(ccr.sl_summary) IS 'abandoned (not short) / (answered + abandoned)';
CREATE FUNCTION ccr.asa(ccr.sl_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_sl_asa' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.asa(ccr.sl_summary) IS 'average speed of answer in seconds: mean wait of answered contacts';
CREATE FUNCTION ccr.offered(ccr.sl_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_sl_offered' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.offered(ccr.sl_summary) IS 'answered + abandoned (short abandons left out)';
CREATE FUNCTION ccr.answered(ccr.sl_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_sl_answered' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.answered(ccr.sl_summary) IS 'answered contacts';
CREATE FUNCTION ccr.abandoned(ccr.sl_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_sl_abandoned' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.abandoned(ccr.sl_summary) IS 'abandoned contacts, short abandons left out';
CREATE FUNCTION ccr.short_abandons(ccr.sl_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_sl_short_abandons' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.short_abandons(ccr.sl_summary) IS 'contacts abandoned before the short-abandon bound';

-- wait as seconds
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, double precision, boolean) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, double precision, boolean) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, double precision, boolean, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, double precision, boolean, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, double precision, boolean, double precision, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, double precision, boolean, double precision, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, double precision, boolean, double precision, text, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, double precision, boolean, double precision, text, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_abandon_trans(ccr.sl_summary, double precision, boolean, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_abandon_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_abandon_inv(ccr.sl_summary, double precision, boolean, double precision) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_abandon_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE ccr.service_level(wait double precision, answered boolean, threshold double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.service_level,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.service_level,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.service_level(wait double precision, answered boolean, threshold double precision) IS 'share of contacts answered within threshold, policy negative: A_T / (A + B)';
CREATE AGGREGATE ccr.service_level(wait double precision, answered boolean, threshold double precision, policy text, short_abandon double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.service_level,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.service_level,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.service_level(wait double precision, answered boolean, threshold double precision, policy text, short_abandon double precision) IS 'service level under a policy (negative, ignore, positive, answered), short abandons (wait < short_abandon) left out';
CREATE AGGREGATE ccr.sl_agg(wait double precision, answered boolean, threshold double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.sl_agg(wait double precision, answered boolean, threshold double precision) IS 'builds a service-level summary for a threshold';
CREATE AGGREGATE ccr.sl_agg(wait double precision, answered boolean, threshold double precision, short_abandon double precision) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.sl_agg(wait double precision, answered boolean, threshold double precision, short_abandon double precision) IS 'builds a service-level summary for a threshold and short-abandon bound';
CREATE AGGREGATE ccr.abandon_rate(wait double precision, answered boolean, short_abandon double precision) (
	SFUNC = ccr.sl_abandon_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.abandon_rate,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_abandon_trans, MINVFUNC = ccr.sl_abandon_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.abandon_rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.abandon_rate(wait double precision, answered boolean, short_abandon double precision) IS 'abandoned with wait >= short_abandon / (answered + those)';
CREATE AGGREGATE ccr.asa(wait double precision, answered boolean) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.asa,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.asa,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.asa(wait double precision, answered boolean) IS 'average speed of answer in seconds: mean wait of answered contacts';

-- wait as interval
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, interval, boolean) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, interval, boolean) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, interval, boolean, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, interval, boolean, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, interval, boolean, interval, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, interval, boolean, interval, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_trans(ccr.sl_summary, interval, boolean, interval, text, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_inv(ccr.sl_summary, interval, boolean, interval, text, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_abandon_trans(ccr.sl_summary, interval, boolean, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_abandon_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.sl_abandon_inv(ccr.sl_summary, interval, boolean, interval) RETURNS ccr.sl_summary
	AS 'MODULE_PATHNAME', 'ccr_sl_abandon_inv_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE ccr.service_level(wait interval, answered boolean, threshold interval) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.service_level,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.service_level,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.service_level(wait interval, answered boolean, threshold interval) IS 'share of contacts answered within threshold, policy negative: A_T / (A + B)';
CREATE AGGREGATE ccr.service_level(wait interval, answered boolean, threshold interval, policy text, short_abandon interval) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.service_level,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.service_level,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.service_level(wait interval, answered boolean, threshold interval, policy text, short_abandon interval) IS 'service level under a policy (negative, ignore, positive, answered), short abandons (wait < short_abandon) left out';
CREATE AGGREGATE ccr.sl_agg(wait interval, answered boolean, threshold interval) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.sl_agg(wait interval, answered boolean, threshold interval) IS 'builds a service-level summary for a threshold';
CREATE AGGREGATE ccr.sl_agg(wait interval, answered boolean, threshold interval, short_abandon interval) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.sl_agg(wait interval, answered boolean, threshold interval, short_abandon interval) IS 'builds a service-level summary for a threshold and short-abandon bound';
CREATE AGGREGATE ccr.abandon_rate(wait interval, answered boolean, short_abandon interval) (
	SFUNC = ccr.sl_abandon_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.abandon_rate,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_abandon_trans, MINVFUNC = ccr.sl_abandon_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.abandon_rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.abandon_rate(wait interval, answered boolean, short_abandon interval) IS 'abandoned with wait >= short_abandon / (answered + those)';
CREATE AGGREGATE ccr.asa(wait interval, answered boolean) (
	SFUNC = ccr.sl_trans, STYPE = ccr.sl_summary, FINALFUNC = ccr.asa,
	COMBINEFUNC = ccr.sl_summary_combine,
	MSFUNC = ccr.sl_trans, MINVFUNC = ccr.sl_inv, MSTYPE = ccr.sl_summary, MFINALFUNC = ccr.asa,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.asa(wait interval, answered boolean) IS 'average speed of answer in seconds: mean wait of answered contacts';
