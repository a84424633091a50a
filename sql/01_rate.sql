-- Boolean rates against plain SQL, per group and overall.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.make_calls();

SELECT grp,
	   ccr.fcr_rate(flag) IS NOT DISTINCT FROM (count(*) FILTER (WHERE flag))::float8 / nullif(count(flag), 0) AS fcr_ok,
	   ccr.resolution_rate(flag) IS NOT DISTINCT FROM (count(*) FILTER (WHERE flag))::float8 / nullif(count(flag), 0) AS resolution_ok,
	   ccr.reopen_rate(flag) IS NOT DISTINCT FROM (count(*) FILTER (WHERE flag))::float8 / nullif(count(flag), 0) AS reopen_ok,
	   ccr.abandon_rate(flag) IS NOT DISTINCT FROM (count(*) FILTER (WHERE flag))::float8 / nullif(count(flag), 0) AS abandon_ok,
	   ccr.reopen_rate(reopens) IS NOT DISTINCT FROM (count(*) FILTER (WHERE reopens > 0))::float8 / nullif(count(reopens), 0) AS reopen_count_ok,
	   ccr.fcr_rate(flag) IS NULL AS is_null
FROM regress.calls GROUP BY grp ORDER BY grp;

-- rate_agg and its accessors
SELECT ccr.hits(s) = (SELECT count(*) FROM regress.calls WHERE flag) AS hits_ok,
	   ccr.total(s) = (SELECT count(flag) FROM regress.calls) AS total_ok,
	   ccr.rate(s) = (SELECT ccr.fcr_rate(flag) FROM regress.calls) AS rate_ok
FROM (SELECT ccr.rate_agg(flag) AS s FROM regress.calls) x;

-- empty input and all-NULL input give NULL
SELECT ccr.fcr_rate(flag) AS empty FROM regress.calls WHERE false;
SELECT ccr.fcr_rate(NULL::boolean) AS all_null FROM generate_series(1, 3);
SELECT ccr.rate_agg(flag) AS empty_summary FROM regress.calls WHERE false;

-- small hand-checked case: 2 of 3 non-NULL flags
SELECT ccr.fcr_rate(f), ccr.rate_agg(f)::text FROM (VALUES (true), (false), (NULL), (true)) v(f);
SELECT ccr.reopen_rate(n) FROM (VALUES (0), (1), (5), (NULL), (0)) v(n);

-- a negative reopen count is bad data
SELECT regress.err($$SELECT ccr.reopen_rate(n) FROM (VALUES (1), (-2)) v(n)$$);
