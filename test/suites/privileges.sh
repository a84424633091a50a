#!/usr/bin/env bash
# Privileges: what a non-superuser can do with the extension installed by a
# superuser (test/hardening/privileges.sql: aggregates yes; contacts,
# settings, refresh, import, extension objects no; catalog rules for
# SECURITY DEFINER functions, internal-returning C functions, PUBLIC
# grants, pg_cron), and the experiment behind trusted = false: with the
# control file switched to trusted in this private install only, a
# non-superuser installs it and gets tables it does not own.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
db=ccr_hard_priv; db2=ccr_hard_trusted; user=ccr_hard_user
dropdb --if-exists "$db"; dropdb --if-exists "$db2"
psql -qX -c "DROP ROLE IF EXISTS $user"
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE EXTENSION ccr_metrics;
CREATE ROLE $user LOGIN;
GRANT USAGE ON SCHEMA ccr TO $user;
CREATE SCHEMA hard_user AUTHORIZATION $user;
SQL
fail=0
psql -qAtX -F ' | ' -v ON_ERROR_STOP=1 -d "$db" -f "$root/test/hardening/privileges.sql" >"${CCR_WORK:-/tmp}/privileges.txt"
grep -v "^$" "${CCR_WORK:-/tmp}/privileges.txt" | sed 's/^/  /'
grep -q 'FAILED$' "${CCR_WORK:-/tmp}/privileges.txt" && fail=1
psql -qAtX -d "$db" -c "SELECT 'PUBLIC can read: ' || coalesce(string_agg(c.oid::regclass::text, ', ' ORDER BY 1), 'nothing')
	FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ccr_metrics',
	LATERAL aclexplode(c.relacl) a WHERE a.grantee = 0 AND a.privilege_type = 'SELECT'" | sed 's/^/privileges: /'

# not trusted: a non-superuser with CREATE on a database cannot install it
psql -qX -c "CREATE DATABASE $db2 OWNER $user"
got=$(psql -qAtX -U "$user" -d "$db2" -c "CREATE EXTENSION ccr_metrics" 2>&1 || true)
echo "privileges: non-superuser database owner runs CREATE EXTENSION: ${got:-ok}"
[[ $got == *"permission denied"* ]] || fail=1

# the experiment: what trusted = true would give (private install only)
ctl=$CCR_PGBIN/../../../../share/postgresql/15/extension/ccr_metrics.control
if [ -f "$ctl" ]; then
	cp "$ctl" "$ctl.orig"
	trap 'mv -f "$ctl.orig" "$ctl"' EXIT
	sed -i 's/^trusted = false/trusted = true/' "$ctl"
	if psql -qX -U "$user" -d "$db2" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION ccr_metrics" >/dev/null 2>&1; then
		psql -qAtX -U "$user" -d "$db2" <<'SQL' | sed 's/^/privileges: if trusted: /'
SELECT 'extension owned by ' || extowner::regrole || ', schema ccr by ' || (SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'ccr')
	|| ', ccr.contacts by ' || (SELECT relowner::regrole FROM pg_class WHERE oid = 'ccr.contacts'::regclass)
	|| ', ccr.refresh_kpis() by ' || (SELECT proowner::regrole FROM pg_proc WHERE oid = 'ccr.refresh_kpis()'::regprocedure)
FROM pg_extension WHERE extname = 'ccr_metrics';
SELECT 'installer may insert contacts: ' || has_table_privilege('ccr.contacts', 'INSERT')
	|| ', run ccr.refresh_kpis(): ' || has_function_privilege('ccr.refresh_kpis()', 'EXECUTE')
	|| ', create objects in schema ccr: ' || has_schema_privilege('ccr', 'CREATE');
SQL
	else
		echo "privileges: if trusted: CREATE EXTENSION by a non-superuser fails"
	fi
	mv -f "$ctl.orig" "$ctl"; trap - EXIT
fi
dropdb "$db"; dropdb "$db2"; psql -qX -c "DROP ROLE $user"
((fail == 0)) && echo "privileges: ok" || echo "privileges: FAILED"
exit $fail
