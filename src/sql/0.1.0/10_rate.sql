
-- ===================== boolean rates: FCR flag, resolution, reopen, abandon flag =====================

CREATE TYPE ccr.rate_summary;
CREATE FUNCTION ccr.rate_summary_in(cstring) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.rate_summary_out(ccr.rate_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.rate_summary_recv(internal) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.rate_summary_send(ccr.rate_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.rate_summary (
	INPUT = ccr.rate_summary_in, OUTPUT = ccr.rate_summary_out,
	RECEIVE = ccr.rate_summary_recv, SEND = ccr.rate_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.rate_summary IS 'summary of a boolean rate: hits and total';
CREATE FUNCTION ccr.rate_summary_combine(ccr.rate_summary, ccr.rate_summary) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.rate_summary_subtract(ccr.rate_summary, ccr.rate_summary) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.rate_summary) (
	SFUNC = ccr.rate_summary_combine, STYPE = ccr.rate_summary,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_summary_combine, MINVFUNC = ccr.rate_summary_subtract, MSTYPE = ccr.rate_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.rate_summary) IS 'merges rate summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.rate_trans(ccr.rate_summary, boolean) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.rate_inv(ccr.rate_summary, boolean) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.rate_trans(ccr.rate_summary, integer) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_trans_count' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.rate_inv(ccr.rate_summary, integer) RETURNS ccr.rate_summary
	AS 'MODULE_PATHNAME', 'ccr_rate_inv_count' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.rate(ccr.rate_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_rate_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.rate(ccr.rate_summary) IS 'hits / total; NULL when total is 0';
CREATE FUNCTION ccr.hits(ccr.rate_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_rate_hits' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.hits(ccr.rate_summary) IS 'rows whose flag was true';
CREATE FUNCTION ccr.total(ccr.rate_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_rate_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.total(ccr.rate_summary) IS 'rows with a non-NULL flag';
CREATE AGGREGATE ccr.rate_agg(boolean) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rate_agg(boolean) IS 'builds a rate_summary (hits, total) of a boolean flag; NULLs skipped';
CREATE AGGREGATE ccr.fcr_rate(boolean) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary, FINALFUNC = ccr.rate,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary, MFINALFUNC = ccr.rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.fcr_rate(boolean) IS 'first contact resolution from a flag: true / non-NULL flags';
CREATE AGGREGATE ccr.resolution_rate(boolean) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary, FINALFUNC = ccr.rate,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary, MFINALFUNC = ccr.rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.resolution_rate(boolean) IS 'resolved / received';
CREATE AGGREGATE ccr.reopen_rate(boolean) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary, FINALFUNC = ccr.rate,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary, MFINALFUNC = ccr.rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.reopen_rate(boolean) IS 'tickets reopened / tickets';
CREATE AGGREGATE ccr.reopen_rate(integer) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary, FINALFUNC = ccr.rate,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary, MFINALFUNC = ccr.rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.reopen_rate(integer) IS 'tickets with reopen_count > 0 / tickets; a negative count is SQLSTATE 22023';
CREATE AGGREGATE ccr.abandon_rate(boolean) (
	SFUNC = ccr.rate_trans, STYPE = ccr.rate_summary, FINALFUNC = ccr.rate,
	COMBINEFUNC = ccr.rate_summary_combine,
	MSFUNC = ccr.rate_trans, MINVFUNC = ccr.rate_inv, MSTYPE = ccr.rate_summary, MFINALFUNC = ccr.rate,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.abandon_rate(boolean) IS 'abandoned / offered, from an abandoned flag';
