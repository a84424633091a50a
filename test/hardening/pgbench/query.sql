-- what dashboards and analysts run: the KPI views, a rollup of the hourly
-- summaries, and aggregates straight over the contacts
\set q random(0, 3)
\set d random(1, 14)
SELECT sum(offered), sum(answered), avg(service_level), avg(aht_s) FROM ccr.kpi_daily WHERE queue = 'q' || :q;
SELECT ccr.service_level(ccr.rollup(sl)), ccr.aht(ccr.rollup(aht)) FROM ccr.kpi_hourly_rollup WHERE queue = 'q' || :q;
SELECT ccr.service_level(wait_s, answered, 20), ccr.aht(talk_s, hold_s, acw_s), ccr.fcr_rate(fcr), ccr.csat(csat_score, csat_scale)
FROM ccr.contacts
WHERE queue = 'q' || :q AND offered_at >= timestamptz '2026-03-01 00:00+00' + :d * interval '1 day'
	AND offered_at < timestamptz '2026-03-02 00:00+00' + :d * interval '1 day';
