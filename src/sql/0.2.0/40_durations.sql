
-- ===================== durations with percentiles =====================

CREATE TYPE ccr.duration_summary;
CREATE FUNCTION ccr.duration_summary_in(cstring) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.duration_summary_out(ccr.duration_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.duration_summary_recv(internal) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.duration_summary_send(ccr.duration_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.duration_summary (
	INPUT = ccr.duration_summary_in, OUTPUT = ccr.duration_summary_out,
	RECEIVE = ccr.duration_summary_recv, SEND = ccr.duration_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.duration_summary IS 'durations: exact count, microsecond sum, min and max, and a log-bucket histogram (ratio 1.02) giving percentiles within 1 %';

CREATE FUNCTION ccr.duration_summary_combine(ccr.duration_summary, ccr.duration_summary) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.duration_summary_combine(ccr.duration_summary, ccr.duration_summary) IS 'adds two duration summaries';
CREATE FUNCTION ccr.duration_summary_final(ccr.duration_summary) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_summary_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.duration_summary_final(ccr.duration_summary) IS 'the canonical (sparse) form of a duration summary';
CREATE FUNCTION ccr.duration_trans(ccr.duration_summary, double precision) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.duration_trans(ccr.duration_summary, interval) RETURNS ccr.duration_summary
	AS 'MODULE_PATHNAME', 'ccr_duration_trans_iv' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE ccr.duration_agg(seconds double precision) (
	SFUNC = ccr.duration_trans, STYPE = ccr.duration_summary,
	FINALFUNC = ccr.duration_summary_final,
	COMBINEFUNC = ccr.duration_summary_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.duration_agg(double precision) IS 'builds a duration_summary of durations in seconds; NULLs skipped, negative durations are SQLSTATE 22003';
CREATE AGGREGATE ccr.duration_agg(duration interval) (
	SFUNC = ccr.duration_trans, STYPE = ccr.duration_summary,
	FINALFUNC = ccr.duration_summary_final,
	COMBINEFUNC = ccr.duration_summary_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.duration_agg(interval) IS 'builds a duration_summary of interval durations; NULLs skipped, negative durations are SQLSTATE 22003';
CREATE AGGREGATE ccr.rollup(ccr.duration_summary) (
	SFUNC = ccr.duration_summary_combine, STYPE = ccr.duration_summary,
	FINALFUNC = ccr.duration_summary_final,
	COMBINEFUNC = ccr.duration_summary_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.duration_summary) IS 'merges duration summaries exactly: same bytes as one summary built directly';

CREATE FUNCTION ccr.mean(ccr.duration_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_duration_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.mean(ccr.duration_summary) IS 'mean duration in seconds from the exact microsecond sum; NULL when empty';
CREATE FUNCTION ccr.percentile(ccr.duration_summary, fraction double precision) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_duration_percentile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.percentile(ccr.duration_summary, double precision) IS 'the duration of rank max(1, ceil(fraction * n)) like percentile_disc, within 1 % relative (exact for 0, min and max); fraction outside [0, 1] is SQLSTATE 22023';
CREATE FUNCTION ccr.total(ccr.duration_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_duration_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.total(ccr.duration_summary) IS 'number of durations in the summary';
CREATE FUNCTION ccr.min_duration(ccr.duration_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_duration_min' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.min_duration(ccr.duration_summary) IS 'exact smallest duration in seconds; NULL when empty';
CREATE FUNCTION ccr.max_duration(ccr.duration_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_duration_max' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.max_duration(ccr.duration_summary) IS 'exact largest duration in seconds; NULL when empty';

-- ===================== backlog over time =====================

CREATE TYPE ccr.backlog_summary;
CREATE FUNCTION ccr.backlog_summary_in(cstring) RETURNS ccr.backlog_summary
	AS 'MODULE_PATHNAME', 'ccr_backlog_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.backlog_summary_out(ccr.backlog_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_backlog_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.backlog_summary_recv(internal) RETURNS ccr.backlog_summary
	AS 'MODULE_PATHNAME', 'ccr_backlog_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.backlog_summary_send(ccr.backlog_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_backlog_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.backlog_summary (
	INPUT = ccr.backlog_summary_in, OUTPUT = ccr.backlog_summary_out,
	RECEIVE = ccr.backlog_summary_recv, SEND = ccr.backlog_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.backlog_summary IS 'backlog over a grid of buckets: items opened and closed per bucket, open at each bucket start';

CREATE FUNCTION ccr.backlog_summary_combine(ccr.backlog_summary, ccr.backlog_summary) RETURNS ccr.backlog_summary
	AS 'MODULE_PATHNAME', 'ccr_backlog_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.backlog_summary_combine(ccr.backlog_summary, ccr.backlog_summary) IS 'adds two backlog summaries of the same grid (another grid is SQLSTATE 22023)';
-- STABLE: a step with days or months follows the session time zone, like generate_series
CREATE FUNCTION ccr.backlog_trans(ccr.backlog_summary, timestamptz, timestamptz, timestamptz, timestamptz, interval) RETURNS ccr.backlog_summary
	AS 'MODULE_PATHNAME', 'ccr_backlog_trans' LANGUAGE C STABLE PARALLEL SAFE;
CREATE AGGREGATE ccr.backlog_agg(opened_at timestamptz, closed_at timestamptz, since timestamptz, until timestamptz, step interval) (
	SFUNC = ccr.backlog_trans, STYPE = ccr.backlog_summary,
	COMBINEFUNC = ccr.backlog_summary_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.backlog_agg(timestamptz, timestamptz, timestamptz, timestamptz, interval) IS 'builds a backlog_summary over the buckets generate_series(since, until, step) below until, in one pass; rows with NULL opened_at skipped, NULL closed_at = still open';
CREATE AGGREGATE ccr.rollup(ccr.backlog_summary) (
	SFUNC = ccr.backlog_summary_combine, STYPE = ccr.backlog_summary,
	COMBINEFUNC = ccr.backlog_summary_combine,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.backlog_summary) IS 'adds backlog summaries of the same grid exactly (another grid is SQLSTATE 22023)';

CREATE FUNCTION ccr.backlog(ccr.backlog_summary)
	RETURNS TABLE (bucket timestamptz, open_at_start bigint, opened bigint, closed bigint)
	AS 'MODULE_PATHNAME', 'ccr_backlog_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION ccr.backlog(ccr.backlog_summary) IS 'one row per bucket: items open at its start (opened_at <= bucket, closed_at NULL or > bucket), items opened and items closed within [bucket, next bucket)';
CREATE FUNCTION ccr.buckets(ccr.backlog_summary) RETURNS integer
	AS 'MODULE_PATHNAME', 'ccr_backlog_buckets' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.buckets(ccr.backlog_summary) IS 'number of buckets of the grid';
