#!/usr/bin/env bash
# A BI tool's client library reads the KPI views: the PostgreSQL JDBC driver
# from Debian (libpostgresql-jdbc-java), a tiny Java program compiled with
# javac here.  Every column of every KPI view must come back through
# getObject() as an ordinary Java type (Long, Double, java.sql.Date,
# java.sql.Timestamp, String) with the JDBC type BIGINT/DOUBLE/DATE/TIMESTAMP/
# VARCHAR, and the numbers must equal what psql reads.
set -euo pipefail
db=ccr_bi_jdbc
root=$(cd "$(dirname "$0")/../.." && pwd)
jar=/usr/share/java/postgresql.jar
[ -f "$jar" ] || { echo "FAIL: $jar missing (libpostgresql-jdbc-java)"; exit 1; }
w=$CCR_WORK/bi_jdbc; mkdir -p "$w"
dropdb --if-exists "$db" 2>/dev/null
createdb "$db"
trap 'dropdb --if-exists "$db" 2>/dev/null || true' EXIT
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION ccr_metrics" -c "SELECT ccr.set_timezone('Europe/Paris')" >/dev/null
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -v n=3000 -v days=10 -v tz=Europe/Paris -f "$root/test/data/generate_contacts.sql"
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" -c "SELECT count(*) FROM ccr.refresh_kpis()" >/dev/null
# a BI login with only what the docs tell to grant
psql -qAtX -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
DROP ROLE IF EXISTS ccr_bi_reader;
CREATE ROLE ccr_bi_reader LOGIN;
GRANT USAGE ON SCHEMA ccr TO ccr_bi_reader;
GRANT SELECT ON ccr.kpi_hourly, ccr.kpi_daily, ccr.kpi_monthly, ccr.kpi_agent_daily TO ccr_bi_reader;
SQL
trap 'dropdb --if-exists "$db" 2>/dev/null || true; psql -qX -c "DROP ROLE IF EXISTS ccr_bi_reader" >/dev/null 2>&1 || true' EXIT

cat >"$w/KpiRead.java" <<'JAVA'
import java.sql.*;
import java.util.*;

public class KpiRead {
	public static void main(String[] a) throws Exception {
		String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1];
		Properties p = new Properties();
		p.setProperty("user", "ccr_bi_reader");
		int bad = 0, cols = 0;
		Set<String> allowed = new HashSet<>(Arrays.asList(
			"java.lang.Long", "java.lang.Double", "java.sql.Date", "java.sql.Timestamp", "java.lang.String"));
		try (Connection c = DriverManager.getConnection(url, p)) {
			for (String v : new String[] {"ccr.kpi_hourly", "ccr.kpi_daily", "ccr.kpi_monthly", "ccr.kpi_agent_daily"}) {
				try (Statement s = c.createStatement();
					 ResultSet r = s.executeQuery("SELECT * FROM " + v + " ORDER BY 1, 2, 3")) {
					ResultSetMetaData md = r.getMetaData();
					Map<Integer, String> seen = new HashMap<>();
					long rows = 0;
					while (r.next()) {
						rows++;
						for (int i = 1; i <= md.getColumnCount(); i++) {
							Object o = r.getObject(i);
							if (o != null) seen.put(i, o.getClass().getName());
						}
					}
					for (int i = 1; i <= md.getColumnCount(); i++) {
						cols++;
						String cls = seen.get(i);
						int t = md.getColumnType(i);
						boolean okType = t == Types.BIGINT || t == Types.DOUBLE || t == Types.DATE
							|| t == Types.TIMESTAMP || t == Types.TIMESTAMP_WITH_TIMEZONE || t == Types.VARCHAR;
						// a column NULL in every row (no survey data of that kind) is judged by its JDBC type
						if ((cls != null && !allowed.contains(cls)) || !okType) {
							bad++;
							System.out.println("BAD " + v + "." + md.getColumnName(i) + " " + md.getColumnTypeName(i) + " -> " + cls);
						}
					}
					System.out.println(v + ": " + rows + " rows, " + md.getColumnCount() + " columns");
				}
			}
			// the numbers a dashboard would chart: the weekly service level of one queue
			try (PreparedStatement ps = c.prepareStatement(
					"SELECT sum(offered), sum(answered), sum(service_level * offered) / sum(offered) FROM ccr.kpi_daily WHERE queue = ?")) {
				ps.setString(1, "support");
				try (ResultSet r = ps.executeQuery()) {
					r.next();
					System.out.println("support: " + r.getObject(1) + " " + r.getObject(2) + " " + r.getDouble(3));
				}
			}
		}
		System.out.println("columns checked: " + cols + ", not plain: " + bad);
		System.exit(bad == 0 ? 0 : 1);
	}
}
JAVA
javac -d "$w" "$w/KpiRead.java"
fail=0
out=$(java -cp "$w:$jar" KpiRead "$PGPORT" "$db" 2>&1) || fail=1
echo "$out"
echo "$out" | grep -q "not plain: 0$" || fail=1
want=$(psql -qAtX -d "$db" -c "SELECT sum(offered) || ' ' || sum(answered) FROM ccr.kpi_daily WHERE queue = 'support'")
echo "$out" | grep -q "^support: $want " && echo "ok: JDBC sums equal psql's ($want)" || { echo "FAIL: psql says $want"; fail=1; }
exit $fail
