-- ccr.refresh_kpis() finds every materialized view in schema ccr and
-- refreshes each after the ones it reads (also through plain views and in
-- other schemas' views), concurrently only when it can.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
INSERT INTO ccr.contacts (queue, offered_at, answered_at, ended_at, outcome, talk_s)
SELECT 'q' || g % 3, t, t + interval '10 s', t + interval '5 min', 'answered', 280
FROM generate_series(1, 300) g, LATERAL (SELECT timestamptz '2026-04-01 08:00+00' + g * interval '7 min' AS t) x;

-- Matviews another part of the extension (or a user) might add, named so
-- that name order would be wrong: one over a plain view over the daily
-- rollup, one over that (a chain), one without a unique index, one with only
-- a partial unique index, one never populated.
CREATE VIEW ccr.zz_daily_totals AS SELECT day, sum(ccr.offered(sl))::bigint AS offered FROM ccr.kpi_daily_rollup GROUP BY day;
CREATE MATERIALIZED VIEW ccr.aa_over_view AS SELECT * FROM ccr.zz_daily_totals;
CREATE UNIQUE INDEX ON ccr.aa_over_view (day);
CREATE MATERIALIZED VIEW ccr.a0_chain AS SELECT sum(offered)::bigint AS offered FROM ccr.aa_over_view;
CREATE MATERIALIZED VIEW ccr.ab_partial_index AS SELECT day, offered FROM ccr.zz_daily_totals;
CREATE UNIQUE INDEX ON ccr.ab_partial_index (day) WHERE offered > 0;
CREATE MATERIALIZED VIEW ccr.ac_no_data AS SELECT count(*) AS n FROM ccr.contacts WITH NO DATA;
CREATE UNIQUE INDEX ON ccr.ac_no_data (n);

-- (only this suite's views are shown; others in schema ccr are refreshed too)
CREATE VIEW regress.model_refresh_steps AS
SELECT matview, concurrent FROM (SELECT row_number() OVER () AS step, * FROM ccr.refresh_kpis()) r
WHERE matview::text ~ '^ccr\.(kpi_(hourly|daily|monthly|agent_daily)_rollup|a0_chain|aa_over_view|ab_partial_index|ac_no_data)$'
ORDER BY step;
SELECT * FROM regress.model_refresh_steps;
-- every view reflects the contacts
SELECT (SELECT offered FROM ccr.a0_chain) AS chain_offered,
	   (SELECT sum(offered) FROM ccr.aa_over_view) AS over_view_offered,
	   (SELECT n FROM ccr.ac_no_data) AS no_data_n,
	   (SELECT count(*) FROM ccr.contacts) AS contacts;
-- new contacts: one more call shows everywhere after one refresh
INSERT INTO ccr.contacts (queue, offered_at, ended_at, outcome) VALUES ('q1', '2026-04-02 09:00+00', '2026-04-02 09:01+00', 'abandoned');
SELECT * FROM regress.model_refresh_steps;
SELECT (SELECT offered FROM ccr.a0_chain) AS chain_offered,
	   (SELECT sum(offered) FROM ccr.kpi_daily) AS daily_offered,
	   (SELECT n FROM ccr.ac_no_data) AS no_data_n;
-- the refresh returns with the rollups consistent with each other
SELECT (SELECT sum(offered) FROM ccr.kpi_hourly) = (SELECT sum(offered) FROM ccr.kpi_monthly) AS consistent;

-- Readers are not blocked by a concurrent refresh of a populated view
-- (test/suites/model_concurrency.sh runs it against live sessions).
SELECT relname, relispopulated FROM pg_class WHERE relnamespace = 'ccr'::regnamespace AND relkind = 'm'
	AND relname ~ '^(kpi_(hourly|daily|monthly|agent_daily)_rollup|a0_chain|aa_over_view|ab_partial_index|ac_no_data)$' ORDER BY 1;

-- A refresh runs with the owner's rights; EXECUTE is not granted to PUBLIC.
SELECT has_function_privilege('public', 'ccr.refresh_kpis()', 'EXECUTE') AS public_may_refresh,
	   (SELECT prosecdef FROM pg_proc WHERE oid = 'ccr.refresh_kpis()'::regprocedure) AS security_definer;

DROP MATERIALIZED VIEW ccr.a0_chain, ccr.ab_partial_index, ccr.ac_no_data;
DROP MATERIALIZED VIEW ccr.aa_over_view;
DROP VIEW ccr.zz_daily_totals;
DELETE FROM ccr.contacts;
DROP VIEW regress.model_refresh_steps;
SELECT regress.model_refresh() AS refreshed;
