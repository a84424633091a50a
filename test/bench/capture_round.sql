-- One round of the capture benchmark of 80_continuous.sql (not run on its
-- own): the bulk INSERT :load_sql in a transaction that is rolled back,
-- with the contact capture (:capture true) or with its insert triggers
-- dropped; the round's figures go to the temp table loads.
CHECKPOINT;
BEGIN;
\if :capture
\else
DROP TRIGGER ccr_kpi_capture_insert ON ccr.contacts;
DROP TRIGGER ccr_kpi_capture_tickets_insert ON ccr.contacts;
\endif
:load_sql \gset
SELECT coalesce(sum(total_time), 0) AS trigger_ms FROM pg_stat_xact_user_functions
WHERE schemaname = 'ccr' AND funcname IN ('kpi_capture_contacts', 'kpi_capture_ticket_contacts') \gset
ROLLBACK;
INSERT INTO loads VALUES (:round, :capture, :wall_ms, :cpu_ms, :trigger_ms, bench.load());
SELECT :round + 1 AS round \gset
