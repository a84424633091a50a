
-- ===================== quality: CES, QA evaluations; Erlang C =====================

CREATE TYPE ccr.ces_summary;
CREATE FUNCTION ccr.ces_summary_in(cstring) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.ces_summary_out(ccr.ces_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.ces_summary_recv(internal) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.ces_summary_send(ccr.ces_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.ces_summary (
	INPUT = ccr.ces_summary_in, OUTPUT = ccr.ces_summary_out,
	RECEIVE = ccr.ces_summary_recv, SEND = ccr.ces_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.ces_summary IS 'CES responses and the exact integer sum of their scores';
CREATE FUNCTION ccr.ces_summary_combine(ccr.ces_summary, ccr.ces_summary) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.ces_summary_subtract(ccr.ces_summary, ccr.ces_summary) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.ces_summary) (
	SFUNC = ccr.ces_summary_combine, STYPE = ccr.ces_summary,
	COMBINEFUNC = ccr.ces_summary_combine,
	MSFUNC = ccr.ces_summary_combine, MINVFUNC = ccr.ces_summary_subtract, MSTYPE = ccr.ces_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.ces_summary) IS 'merges ces summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.ces_trans(ccr.ces_summary, integer, integer) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.ces_inv(ccr.ces_summary, integer, integer) RETURNS ccr.ces_summary
	AS 'MODULE_PATHNAME', 'ccr_ces_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.ces(ccr.ces_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_ces_ces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.ces(ccr.ces_summary) IS 'mean customer effort score (higher = easier); NULL with no responses';
CREATE FUNCTION ccr.responses(ccr.ces_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_ces_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.responses(ccr.ces_summary) IS 'CES responses';
CREATE AGGREGATE ccr.ces(score integer, scale integer) (
	SFUNC = ccr.ces_trans, STYPE = ccr.ces_summary, FINALFUNC = ccr.ces,
	COMBINEFUNC = ccr.ces_summary_combine,
	MSFUNC = ccr.ces_trans, MINVFUNC = ccr.ces_inv, MSTYPE = ccr.ces_summary, MFINALFUNC = ccr.ces,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.ces(score integer, scale integer) IS 'mean customer effort score (higher = easier); a score outside 1..scale is SQLSTATE 22023';
CREATE AGGREGATE ccr.ces_agg(score integer, scale integer) (
	SFUNC = ccr.ces_trans, STYPE = ccr.ces_summary,
	COMBINEFUNC = ccr.ces_summary_combine,
	MSFUNC = ccr.ces_trans, MINVFUNC = ccr.ces_inv, MSTYPE = ccr.ces_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.ces_agg(score integer, scale integer) IS 'builds a CES summary';

CREATE TYPE ccr.qa_summary;
CREATE FUNCTION ccr.qa_summary_in(cstring) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.qa_summary_out(ccr.qa_summary) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.qa_summary_recv(internal) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.qa_summary_send(ccr.qa_summary) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ccr.qa_summary (
	INPUT = ccr.qa_summary_in, OUTPUT = ccr.qa_summary_out,
	RECEIVE = ccr.qa_summary_recv, SEND = ccr.qa_summary_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = plain);
COMMENT ON TYPE ccr.qa_summary IS 'QA evaluations, auto-failed evaluations and the sums of earned and possible points in millionths of a point';
CREATE FUNCTION ccr.qa_summary_combine(ccr.qa_summary, ccr.qa_summary) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ccr.qa_summary_subtract(ccr.qa_summary, ccr.qa_summary) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_summary_subtract' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ccr.rollup(ccr.qa_summary) (
	SFUNC = ccr.qa_summary_combine, STYPE = ccr.qa_summary,
	COMBINEFUNC = ccr.qa_summary_combine,
	MSFUNC = ccr.qa_summary_combine, MINVFUNC = ccr.qa_summary_subtract, MSTYPE = ccr.qa_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.rollup(ccr.qa_summary) IS 'merges qa summaries exactly; in a moving window the inverse subtracts';

CREATE FUNCTION ccr.qa_trans(ccr.qa_summary, double precision, double precision, boolean) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.qa_inv(ccr.qa_summary, double precision, double precision, boolean) RETURNS ccr.qa_summary
	AS 'MODULE_PATHNAME', 'ccr_qa_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ccr.qa_score(ccr.qa_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_qa_qa_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.qa_score(ccr.qa_summary) IS 'QA score in [0, 1]: sum of earned points / sum of possible points, auto-failed evaluations earning 0; NULL with no evaluations';
CREATE FUNCTION ccr.evaluations(ccr.qa_summary) RETURNS bigint
	AS 'MODULE_PATHNAME', 'ccr_qa_evaluations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.evaluations(ccr.qa_summary) IS 'QA evaluations counted';
CREATE FUNCTION ccr.auto_fail_rate(ccr.qa_summary) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_qa_auto_fail_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ccr.auto_fail_rate(ccr.qa_summary) IS 'auto-failed evaluations / evaluations; NULL with no evaluations';
CREATE AGGREGATE ccr.qa_score(earned double precision, possible double precision, auto_fail boolean) (
	SFUNC = ccr.qa_trans, STYPE = ccr.qa_summary, FINALFUNC = ccr.qa_score,
	COMBINEFUNC = ccr.qa_summary_combine,
	MSFUNC = ccr.qa_trans, MINVFUNC = ccr.qa_inv, MSTYPE = ccr.qa_summary, MFINALFUNC = ccr.qa_score,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.qa_score(earned double precision, possible double precision, auto_fail boolean) IS
	'QA score: sum earned / sum possible, an auto-failed evaluation earning 0 (its possible still counts); earned outside 0..possible or possible <= 0 is SQLSTATE 22023; rows with NULL possible, or NULL earned and not auto-failed, are skipped';
CREATE AGGREGATE ccr.qa_agg(earned double precision, possible double precision, auto_fail boolean) (
	SFUNC = ccr.qa_trans, STYPE = ccr.qa_summary,
	COMBINEFUNC = ccr.qa_summary_combine,
	MSFUNC = ccr.qa_trans, MINVFUNC = ccr.qa_inv, MSTYPE = ccr.qa_summary,
	PARALLEL = SAFE);
COMMENT ON AGGREGATE ccr.qa_agg(earned double precision, possible double precision, auto_fail boolean) IS 'builds a QA evaluation summary';

-- Where QA evaluations live.  One row per scored evaluation of one agent,
-- usually of one contact.  User data: dumped by pg_dump with the extension.
CREATE TABLE ccr.qa_evaluations (
	evaluation_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	source        text,
	source_id     text,
	contact_id    bigint,
	agent         text NOT NULL,
	evaluator     text,
	form          text,
	evaluated_at  timestamptz NOT NULL DEFAULT now(),
	earned        double precision,
	possible      double precision NOT NULL,
	auto_fail     boolean NOT NULL DEFAULT false,
	notes         text,
	CONSTRAINT qa_evaluations_source_key UNIQUE (source, source_id),
	CONSTRAINT qa_evaluations_possible_check CHECK (possible > 0 AND possible < 'Infinity'),
	CONSTRAINT qa_evaluations_earned_check CHECK (earned >= 0 AND earned <= possible),
	CONSTRAINT qa_evaluations_earned_present CHECK (earned IS NOT NULL OR auto_fail)
);
CREATE INDEX qa_evaluations_contact_idx ON ccr.qa_evaluations (contact_id);
CREATE INDEX qa_evaluations_agent_idx ON ccr.qa_evaluations (agent, evaluated_at);
COMMENT ON TABLE ccr.qa_evaluations IS 'QA evaluations: points earned of possible per evaluated agent (and contact); an auto-failed evaluation scores 0';
COMMENT ON COLUMN ccr.qa_evaluations.source IS 'where the evaluation came from (a QA tool name); with source_id unique, so a re-load can upsert';
COMMENT ON COLUMN ccr.qa_evaluations.contact_id IS 'the evaluated contact in ccr.contacts, NULL for an evaluation not tied to one contact';
COMMENT ON COLUMN ccr.qa_evaluations.agent IS 'the evaluated agent, as in ccr.contacts.agent';
COMMENT ON COLUMN ccr.qa_evaluations.form IS 'the scorecard used';
COMMENT ON COLUMN ccr.qa_evaluations.earned IS 'points earned before any auto-fail; may be NULL when auto_fail';
COMMENT ON COLUMN ccr.qa_evaluations.possible IS 'points possible (> 0)';
COMMENT ON COLUMN ccr.qa_evaluations.auto_fail IS 'a critical item failed: the evaluation scores 0 whatever earned says';
SELECT pg_catalog.pg_extension_config_dump('ccr.qa_evaluations', '');
SELECT pg_catalog.pg_extension_config_dump('ccr.qa_evaluations_evaluation_id_seq', '');

-- Erlang C.  Not STRICT: a NULL parameter is an error naming it (22023).
CREATE FUNCTION ccr.erlang_c(calls double precision, interval_s double precision, aht_s double precision, agents integer)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_erlang_c' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.erlang_c(double precision, double precision, double precision, integer) IS
	'Erlang C probability that a call waits, offered load A = calls * aht_s / interval_s; 1 when agents <= A';
CREATE FUNCTION ccr.erlang_c_service_level(calls double precision, interval_s double precision, aht_s double precision,
										   agents integer, threshold_s double precision)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_erlang_c_service_level' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.erlang_c_service_level(double precision, double precision, double precision, integer, double precision) IS
	'Erlang C share of calls answered within threshold_s: 1 - P(wait) * exp(-(agents - A) * threshold_s / aht_s); 0 when agents <= A';
CREATE FUNCTION ccr.erlang_c_asa(calls double precision, interval_s double precision, aht_s double precision, agents integer)
	RETURNS double precision
	AS 'MODULE_PATHNAME', 'ccr_erlang_c_asa' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.erlang_c_asa(double precision, double precision, double precision, integer) IS
	'Erlang C average speed of answer in seconds: P(wait) * aht_s / (agents - A); Infinity when agents <= A';
CREATE FUNCTION ccr.erlang_c_agents(calls double precision, interval_s double precision, aht_s double precision,
									target_sl double precision, threshold_s double precision,
									max_occupancy double precision DEFAULT 1, shrinkage double precision DEFAULT 0)
	RETURNS integer
	AS 'MODULE_PATHNAME', 'ccr_erlang_c_agents' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ccr.erlang_c_agents(double precision, double precision, double precision, double precision, double precision, double precision, double precision) IS
	'agents to schedule: the fewest agents with Erlang C service level >= target_sl within threshold_s and occupancy A / agents <= max_occupancy, divided by (1 - shrinkage), rounded up';
