-- Who may read the wallboard (docs/wallboard.md, "Privileges"): the
-- wallboard_*_at functions and callbacks_due run with their owner's rights, so
-- a role with only the documented grants (SELECT on the views, EXECUTE on the
-- functions) reads all three views and the callbacks without any right on
-- the tables behind them; a role without them gets a permission error
-- (42501), and the grants open nothing else.
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/regress/setup.sql
SELECT regress.reset_model();
SET TimeZone = 'UTC';
SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_wb_reader;
DROP ROLE IF EXISTS regress_wb_views_only;
DROP ROLE IF EXISTS regress_wb_nobody;
DROP ROLE IF EXISTS regress_wb_lead;
RESET client_min_messages;

-- now: Alice (member of sales) talks to P1, P2 waits in sales and P4 in
-- support; P3 abandoned 10 minutes ago
CREATE TABLE regress.wbp_ql (id serial, line text);
INSERT INTO regress.wbp_ql (line)
SELECT (extract(epoch FROM now())::bigint - s) || '|' || rest
FROM (VALUES (3600, 'MANAGER|sales|Alice|ADDMEMBER|'),
			 (600, 'P3|sales|NONE|ENTERQUEUE||+1555003|1'),
			 (590, 'P3|sales|NONE|ABANDON|1|1|10'),
			 (120, 'P1|sales|NONE|ENTERQUEUE||+1555001|1'),
			 (110, 'P1|sales|Alice|CONNECT|10|P1.b|2'),
			 (60, 'P2|sales|NONE|ENTERQUEUE||+1555002|1'),
			 (30, 'P4|support|NONE|ENTERQUEUE||+1555004|1')) v(s, rest)
ORDER BY s DESC;
SELECT lines_read, contacts_added FROM ccr.import_queue_log('regress.wbp_ql');

-- the recipe of docs/wallboard.md, and two roles with less
CREATE ROLE regress_wb_reader;
CREATE ROLE regress_wb_views_only;
CREATE ROLE regress_wb_nobody;
CREATE ROLE regress_wb_lead;
GRANT USAGE ON SCHEMA ccr TO regress_wb_reader, regress_wb_views_only, regress_wb_nobody, regress_wb_lead;
GRANT USAGE ON SCHEMA regress TO regress_wb_reader, regress_wb_views_only, regress_wb_nobody, regress_wb_lead;	-- regress.err()
GRANT SELECT ON ccr.wallboard_queues, ccr.wallboard_agents, ccr.wallboard_calls TO regress_wb_reader, regress_wb_views_only;
GRANT EXECUTE ON FUNCTION ccr.wallboard_queues_at(timestamptz), ccr.wallboard_agents_at(timestamptz),
	ccr.wallboard_calls_at(timestamptz), ccr.callbacks_due(timestamptz, interval) TO regress_wb_reader;

-- what the owner sees: P1 talking, P2 and P4 waiting, Alice on a call, two
-- queues, P3's number to call back
SELECT count(*) AS calls FROM ccr.wallboard_calls \gset su_
SELECT count(*) AS agents FROM ccr.wallboard_agents \gset su_
SELECT count(*) AS queues FROM ccr.wallboard_queues \gset su_
SELECT count(*) AS callbacks FROM ccr.callbacks_due() \gset su_
SELECT :su_calls AS calls, :su_agents AS agents, :su_queues AS queues, :su_callbacks AS callbacks;

-- the reader sees the same, with no right on any table of the extension
SET ROLE regress_wb_reader;
SELECT (SELECT count(*) FROM ccr.wallboard_calls) = :su_calls AS same_calls,
	   (SELECT count(*) FROM ccr.wallboard_agents) = :su_agents AS same_agents,
	   (SELECT count(*) FROM ccr.wallboard_queues) = :su_queues AS same_queues,
	   (SELECT count(*) FROM ccr.callbacks_due()) = :su_callbacks AS same_callbacks;
SELECT state, agent FROM ccr.wallboard_agents;
SELECT callid, state FROM ccr.wallboard_calls_at(now()) ORDER BY callid;
SELECT queue, calls_waiting, agents_on_call FROM ccr.wallboard_queues_at(now()) ORDER BY queue;
SELECT customer, attempts FROM ccr.callbacks_due(now(), '1 hour');
-- and nothing else: not the tables, not the internal functions on them
SELECT regress.err($$SELECT count(*) FROM ccr.contacts$$) AS contacts;
SELECT regress.err($$SELECT count(*) FROM ccr.queue_log_pending$$) AS pending;
SELECT regress.err($$SELECT count(*) FROM ccr._wallboard_calls(now())$$) AS internal_calls;
SELECT regress.err($$SELECT count(*) FROM ccr._wallboard_presence(now())$$) AS internal_presence;
RESET ROLE;

-- SELECT on the views alone is not enough: a view's functions are checked
-- against its reader
SET ROLE regress_wb_views_only;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_queues$$) AS queues;
RESET ROLE;

-- without the grants: a permission error, for the views, the functions and
-- the callbacks
SET ROLE regress_wb_nobody;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_calls$$) AS calls_view;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_agents$$) AS agents_view;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_queues$$) AS queues_view;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_calls_at(now())$$) AS calls_fn;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_agents_at(now())$$) AS agents_fn;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_queues_at(now())$$) AS queues_fn;
SELECT regress.err($$SELECT count(*) FROM ccr.callbacks_due()$$) AS callbacks_fn;
RESET ROLE;

-- one team's wallboard (docs/wallboard.md): a function of its own, owned by
-- a role with the grants, running with that owner's rights and granted alone;
-- the lead sees sales only and cannot read the wallboard itself
CREATE FUNCTION regress.wb_sales_queues() RETURNS SETOF ccr.wallboard_queues
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$ SELECT * FROM ccr.wallboard_queues WHERE queue IN ('sales') $$;
ALTER FUNCTION regress.wb_sales_queues() OWNER TO regress_wb_reader;
REVOKE EXECUTE ON FUNCTION regress.wb_sales_queues() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION regress.wb_sales_queues() TO regress_wb_lead;
SET ROLE regress_wb_lead;
SELECT queue, calls_waiting FROM regress.wb_sales_queues();
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_queues$$) AS queues_view;
SELECT regress.err($$SELECT count(*) FROM ccr.wallboard_queues_at(now())$$) AS queues_fn;
RESET ROLE;
DROP FUNCTION regress.wb_sales_queues();

-- the functions: owner's rights, search_path pinned, not executable by PUBLIC
SELECT p.oid::regprocedure AS function, p.prosecdef AS security_definer,
	   'search_path=pg_catalog, pg_temp' = ANY (p.proconfig) AS search_path_pinned,
	   has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_proc p
WHERE p.oid IN ('ccr.wallboard_calls_at(timestamptz)'::regprocedure, 'ccr.wallboard_agents_at(timestamptz)'::regprocedure,
				'ccr.wallboard_queues_at(timestamptz)'::regprocedure, 'ccr.callbacks_due(timestamptz, interval)'::regprocedure)
ORDER BY p.oid::regprocedure::text;

REVOKE ALL ON ccr.wallboard_queues, ccr.wallboard_agents, ccr.wallboard_calls FROM regress_wb_reader, regress_wb_views_only;
REVOKE ALL ON FUNCTION ccr.wallboard_queues_at(timestamptz), ccr.wallboard_agents_at(timestamptz),
	ccr.wallboard_calls_at(timestamptz), ccr.callbacks_due(timestamptz, interval) FROM regress_wb_reader;
REVOKE USAGE ON SCHEMA ccr FROM regress_wb_reader, regress_wb_views_only, regress_wb_nobody, regress_wb_lead;
REVOKE USAGE ON SCHEMA regress FROM regress_wb_reader, regress_wb_views_only, regress_wb_nobody, regress_wb_lead;
DROP ROLE regress_wb_reader, regress_wb_views_only, regress_wb_nobody, regress_wb_lead;
