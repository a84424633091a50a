
-- ===================== surveys: CSAT, NPS =====================

CREATE TYPE ccr.csat_summary;
CREATE FUNCTION ccr.csat_summary_in(cstring) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.csat_summary_out(ccr.csat_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.csat_summary_recv(internal) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.csat_summary_send(ccr.csat_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.csat_summary (
	INPUT = ccr.csat_summary_in, OUTPUT = ccr.csat_summary_out,
	RECEIVE = ccr.csat_summary_recv, SEND = ccr.csat_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.csat_summary IS 'CSAT responses and satisfied (top-2-box) responses';
CREATE FUNCTION ccr.csat_summary_combine(ccr.csat_summary, ccr.csat_summary) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.csat_summary_subtract(ccr.csat_summary, ccr.csat_summary) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.csat_summary) (
	SFUNC = ccr.csat_summary_combine, STYPE = ccr.csat_summary,
	COMBINEFUNC = ccr.csat_summary_combine,
	MSFUNC = ccr.csat_summary_combine, MINVFUNC = ccr.csat_summary_subtract, MSTYPE = ccr.csat_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.csat_summary) IS 'merges csat summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.csat_trans(ccr.csat_summary, integer, integer) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.csat_inv(ccr.csat_summary, integer, integer) RETURNS ccr.csat_summary
	AS 'MODULE_PATHNAME', 'ccr_csat_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.csat(ccr.csat_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_csat_csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.csat(ccr.csat_summary) IS 'top-2-box CSAT: scores >= scale - 1 / responses';
CREATE FUNCTION ccr.responses(ccr.csat_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_csat_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.responses(ccr.csat_summary) IS 'CSAT responses';
CREATE AGGREGATE ccr.csat(score integer, scale integer) (
	SFUNC = ccr.csat_trans, STYPE = ccr.csat_summary, FINALFUNC = ccr.csat,
	COMBINEFUNC = ccr.csat_summary_combine,
	MSFUNC = ccr.csat_trans, MINVFUNC = ccr.csat_inv, MSTYPE = ccr.csat_summary, MFINALFUNC = ccr.csat,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.csat(score integer, scale integer) IS 'top-2-box CSAT: scores >= scale - 1 / scores; a score outside 1..scale is SQLSTATE 22023';
CREATE AGGREGATE ccr.csat_agg(score integer, scale integer) (
	SFUNC = ccr.csat_trans, STYPE = ccr.csat_summary,
	COMBINEFUNC = ccr.csat_summary_combine,
	MSFUNC = ccr.csat_trans, MINVFUNC = ccr.csat_inv, MSTYPE = ccr.csat_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.csat_agg(score integer, scale integer) IS 'builds a CSAT summary';

CREATE TYPE ccr.nps_summary;
CREATE FUNCTION ccr.nps_summary_in(cstring) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.nps_summary_out(ccr.nps_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.nps_summary_recv(internal) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.nps_summary_send(ccr.nps_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.nps_summary (
	INPUT = ccr.nps_summary_in, OUTPUT = ccr.nps_summary_out,
	RECEIVE = ccr.nps_summary_recv, SEND = ccr.nps_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.nps_summary IS 'NPS responses, promoters (9-10) and detractors (0-6)';
CREATE FUNCTION ccr.nps_summary_combine(ccr.nps_summary, ccr.nps_summary) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.nps_summary_subtract(ccr.nps_summary, ccr.nps_summary) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.nps_summary) (
	SFUNC = ccr.nps_summary_combine, STYPE = ccr.nps_summary,
	COMBINEFUNC = ccr.nps_summary_combine,
	MSFUNC = ccr.nps_summary_combine, MINVFUNC = ccr.nps_summary_subtract, MSTYPE = ccr.nps_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.nps_summary) IS 'merges nps summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.nps_trans(ccr.nps_summary, integer) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.nps_inv(ccr.nps_summary, integer) RETURNS ccr.nps_summary
	AS 'MODULE_PATHNAME', 'ccr_nps_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.nps(ccr.nps_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_nps_nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.nps(ccr.nps_summary) IS '100 * (promoters - detractors) / responses';
CREATE FUNCTION ccr.responses(ccr.nps_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_nps_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.responses(ccr.nps_summary) IS 'NPS responses';
CREATE AGGREGATE ccr.nps(score integer) (
	SFUNC = ccr.nps_trans, STYPE = ccr.nps_summary, FINALFUNC = ccr.nps,
	COMBINEFUNC = ccr.nps_summary_combine,
	MSFUNC = ccr.nps_trans, MINVFUNC = ccr.nps_inv, MSTYPE = ccr.nps_summary, MFINALFUNC = ccr.nps,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.nps(score integer) IS 'net promoter score in [-100, 100]; a score outside 0..10 is SQLSTATE 22023';
CREATE AGGREGATE ccr.nps_agg(score integer) (
	SFUNC = ccr.nps_trans, STYPE = ccr.nps_summary,
	COMBINEFUNC = ccr.nps_summary_combine,
	MSFUNC = ccr.nps_trans, MINVFUNC = ccr.nps_inv, MSTYPE = ccr.nps_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.nps_agg(score integer) IS 'builds an NPS summary';
