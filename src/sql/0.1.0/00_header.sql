-- ccr_metrics 0.1.0: contact-center KPI aggregates.
-- Released: this file and its siblings in src/sql/0.1.0/ are frozen.
\echo Use "CREATE EXTENSION ccr_metrics" to load this file. \quit
