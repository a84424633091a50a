-- Fills a database that has ccr_metrics installed with everything a user
-- keeps: contacts, tickets, imported Asterisk lines (when those features
-- exist), summaries of every summary type stored in user tables, user
-- materialized views of summaries, and the extension's own materialized
-- rollups (refreshed).  Used by the dump/restore and upgrade suites.
-- Deterministic: no random(), no now().
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DO $$
BEGIN
	IF to_regclass('ccr.contacts') IS NOT NULL THEN
		INSERT INTO ccr.contacts (source, source_id, channel, queue, agent, customer, reason, offered_at,
			answered_at, ended_at, outcome, talk_s, hold_s, acw_s, transferred, resolved, fcr,
			csat_score, csat_scale, nps_score)
		SELECT 'hardening', g::text, (ARRAY['voice', 'chat', 'email'])[1 + g % 3], 'q' || g % 4, 'a' || g % 7,
			'c' || g % 150, 'r' || g % 5, o,
			CASE WHEN g % 6 > 0 THEN o + interval '1 s' * (g % 41) END,
			o + interval '1 s' * (g % 41) + interval '1 s' * (60 + g % 300),
			CASE WHEN g % 6 > 0 THEN 'answered' WHEN g % 12 = 0 THEN 'abandoned' ELSE 'timeout' END,
			CASE WHEN g % 6 > 0 THEN 60 + g % 300 END, CASE WHEN g % 4 = 0 THEN g % 30 END, (g % 90)::float8 / 3,
			g % 17 = 0, g % 3 > 0, g % 5 > 1,
			CASE WHEN g % 4 = 0 THEN 1 + g % 5 END, CASE WHEN g % 4 = 0 THEN 5 END,
			CASE WHEN g % 5 = 0 THEN g % 11 END
		FROM generate_series(1, 3000) g,
			LATERAL (SELECT timestamptz '2026-02-01 00:00+00' + g * interval '7 min 13 s' AS o) t;
	END IF;
	IF to_regclass('ccr.tickets') IS NOT NULL THEN
		INSERT INTO ccr.tickets (ticket_id, customer, channel, queue, created_at, first_reply_at, solved_at, reopens)
		SELECT 't' || g, 'c' || g % 150, 'email', 'q' || g % 4, o, o + interval '1 h' * (g % 9),
			CASE WHEN g % 4 > 0 THEN o + interval '1 day' * (g % 5) END, g % 3
		FROM generate_series(1, 300) g,
			LATERAL (SELECT timestamptz '2026-02-01 00:00+00' + g * interval '2 h 7 min' AS o) t;
	END IF;
END
$$;

-- every summary type, as its aggregates make it (the fuzz seeds' recipe)
\ir ../fuzz/seeds.sql
DO $$
DECLARE
	t name;
BEGIN
	FOR t IN SELECT DISTINCT typname FROM fuzz_seed ORDER BY 1 LOOP
		EXECUTE format('CREATE TABLE public.%I (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v ccr.%I)',
					   'stored_' || t, t);
		EXECUTE format('INSERT INTO public.%I (v) SELECT txt::ccr.%I FROM fuzz_seed WHERE typname = %L ORDER BY fuzz_seed.txt',
					   'stored_' || t, t, t);
		BEGIN
			EXECUTE format('CREATE MATERIALIZED VIEW public.%I AS SELECT ccr.rollup(v) AS v, count(*) AS n FROM public.%I',
						   'rollup_' || t, 'stored_' || t);
		EXCEPTION WHEN others THEN
			-- summaries of this type do not all roll up (different grids):
			-- keep them in a materialized view as they are
			EXECUTE format('CREATE MATERIALIZED VIEW public.%I AS SELECT v, id AS n FROM public.%I',
						   'rollup_' || t, 'stored_' || t);
		END;
	END LOOP;
END
$$;
-- a user's own KPI rollup over the contacts
DO $$
BEGIN
	IF to_regclass('ccr.contacts') IS NOT NULL THEN
		CREATE MATERIALIZED VIEW public.user_kpi AS
		SELECT queue, date_trunc('day', offered_at AT TIME ZONE 'UTC') AS day,
			ccr.sl_agg(wait_s, answered, 20) AS sl, ccr.aht_agg(talk_s, hold_s, acw_s) AS aht,
			ccr.rate_agg(fcr) AS fcr, ccr.csat_agg(csat_score, csat_scale) AS csat, ccr.nps_agg(nps_score) AS nps
		FROM ccr.contacts GROUP BY 1, 2;
	END IF;
	IF to_regprocedure('ccr.refresh_kpis()') IS NOT NULL THEN
		PERFORM ccr.refresh_kpis();
	END IF;
END
$$;
