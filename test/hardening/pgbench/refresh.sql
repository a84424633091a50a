-- the rollups refreshed while everything else runs (several at once too)
SELECT count(*) FROM ccr.refresh_kpis();
