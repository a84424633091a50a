#!/usr/bin/env python3
"""Runs every panel query of Grafana dashboard JSON files against a database.

usage: check_panels.py --db NAME DASHBOARD.json...

For each dashboard: runs the `queue` variable's query (it must return rows;
its values are what "All" selects), then every target's rawSql with Grafana's
PostgreSQL macros expanded as Grafana expands them ($__timeFilter,
$__timeFrom/$__timeTo, $__timeGroup(Alias), $__time, $__timeEpoch,
$__unixEpochFilter, $__interval, $__interval_ms) over the dashboard's default
time range, and the variables replaced by the quoted list of all values.
Each query is wrapped in a temporary view to read its column names and types.
A query must run, return at least one row, and return what its panel type
needs: timeseries, a timestamptz column named "time" first and numeric
columns after it; stat/gauge/bargauge, numeric columns with a value in the
first row; barchart, a text column then numeric columns; table, any columns.
Every panel and target must use the data source variable ${ds}.
Prints "dashboard: panel: ok" or "... FAILED: why" per panel; exits 1 when
any failed.  Connection from the PG* environment (psql).
"""
import argparse
import datetime as dt
import json
import re
import subprocess
import sys

NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
TEXT = {"text", "character varying", "character", "name"}
DS_UID = "${ds}"


def psql(db, sql):
    r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        lines = r.stderr.strip().splitlines()
        errors = [l for l in lines if "ERROR:" in l]
        raise RuntimeError((errors or lines or ["psql failed"])[0])
    return r.stdout


def parse_range(s, now):
    """Grafana relative times: now, now-7d, now-24h, now-30m."""
    if s == "now":
        return now
    m = re.fullmatch(r"now-(\d+)([smhdwMy])", s)
    if not m:
        raise ValueError("time %r not understood" % s)
    n, u = int(m.group(1)), m.group(2)
    secs = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 30 * 86400, "y": 365 * 86400}[u]
    return now - dt.timedelta(seconds=n * secs)


def interval_for(frm, to, max_points=1000):
    """Grafana's $__interval: the range over the data points, rounded to a nice step."""
    raw = (to - frm).total_seconds() / max_points
    for step, text in [(1, "1s"), (5, "5s"), (10, "10s"), (15, "15s"), (30, "30s"), (60, "1m"), (300, "5m"),
                       (600, "10m"), (900, "15m"), (1800, "30m"), (3600, "1h"), (10800, "3h"), (21600, "6h"),
                       (43200, "12h"), (86400, "1d")]:
        if raw <= step:
            return step, text
    return 86400, "1d"


def split_args(s):
    args, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    args.append(cur.strip())
    return [a for a in args if a != ""]


def expand_macros(sql, frm, to):
    step, text = interval_for(frm, to)
    f = "'%s'" % frm.strftime("%Y-%m-%dT%H:%M:%SZ")
    t = "'%s'" % to.strftime("%Y-%m-%dT%H:%M:%SZ")
    out, i = "", 0
    pat = re.compile(r"\$__(timeFilter|timeFrom|timeTo|timeGroupAlias|timeGroup|timeEpoch|time|unixEpochFilter)\(")
    while True:
        m = pat.search(sql, i)
        if not m:
            out += sql[i:]
            break
        out += sql[i:m.start()]
        depth, j = 1, m.end()
        while depth and j < len(sql):
            depth += sql[j] == "("
            depth -= sql[j] == ")"
            j += 1
        if depth:
            raise ValueError("unbalanced parentheses after $__%s" % m.group(1))
        args = split_args(sql[m.end():j - 1])
        name = m.group(1)
        if name == "timeFilter":
            rep = "%s BETWEEN %s AND %s" % (args[0], f, t)
        elif name == "timeFrom":
            rep = f
        elif name == "timeTo":
            rep = t
        elif name in ("timeGroup", "timeGroupAlias"):
            iv = args[1].strip("'")
            secs = step if iv == "$__interval" else interval_seconds(iv)
            rep = "floor(extract(epoch from %s)/%s)*%s" % (args[0], secs, secs)
            if name == "timeGroupAlias":
                rep += ' AS "time"'
        elif name == "time":
            rep = '%s AS "time"' % args[0]
        elif name == "timeEpoch":
            rep = 'extract(epoch from %s) AS "time"' % args[0]
        elif name == "unixEpochFilter":
            rep = "%s >= %d AND %s <= %d" % (args[0], frm.timestamp(), args[0], to.timestamp())
        out += rep
        i = j
    out = out.replace("$__interval_ms", str(step * 1000)).replace("$__interval", text)
    if "$__" in out:
        raise ValueError("macro not expanded: " + out[out.index("$__"):][:30])
    return out


def interval_seconds(s):
    m = re.fullmatch(r"(\d+)([smhd])", s)
    if not m:
        raise ValueError("interval %r not understood" % s)
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def quote(v):
    return "'" + v.replace("'", "''") + "'"


def substitute_vars(sql, values):
    for name, vals in values.items():
        lst = ",".join(quote(v) for v in vals)
        for form in ("${%s:sqlstring}" % name, "${%s:singlequote}" % name, "${%s}" % name, "[[%s]]" % name):
            sql = sql.replace(form, lst)
        sql = re.sub(r"\$%s\b" % re.escape(name), lambda _m: lst, sql)
    if re.search(r"\$\{?[A-Za-z_]", sql):
        raise ValueError("variable not substituted: " + re.search(r"\$\{?[A-Za-z_]\w*", sql).group(0))
    return sql


def describe(db, sql):
    """Column (name, type) list, row count and first row of a query."""
    body = sql.strip().rstrip(";")
    res = psql(db, "BEGIN;\nCREATE TEMP VIEW grafana_panel AS\n%s\n;\n"
                   "SELECT json_build_object("
                   "'cols', (SELECT json_agg(json_build_array(attname, format_type(atttypid, atttypmod)) ORDER BY attnum)"
                   "         FROM pg_attribute WHERE attrelid = 'grafana_panel'::regclass AND attnum > 0),"
                   "'rows', (SELECT count(*) FROM grafana_panel),"
                   "'first', (SELECT to_jsonb(g) FROM (SELECT * FROM grafana_panel LIMIT 1) g));\nROLLBACK;\n" % body)
    return json.loads(res.strip().splitlines()[-1])


def check_types(ptype, fmt, d):
    cols = d["cols"] or []
    types = [t for _, t in cols]
    if d["rows"] < 1:
        return "no rows"
    if ptype == "timeseries":
        if fmt != "time_series":
            return "format %r, want time_series" % fmt
        if not cols or cols[0] != ["time", "timestamp with time zone"]:
            return "first column %s, want time timestamptz" % (cols[0] if cols else None)
        if len(cols) < 2 or any(t not in NUMERIC for t in types[1:]):
            return "value columns %s, want numeric" % cols[1:]
    elif ptype in ("stat", "gauge", "bargauge"):
        if not cols or any(t not in NUMERIC for t in types):
            return "columns %s, want numeric" % cols
        if all(v is None for v in d["first"].values()):
            return "every value NULL"
    elif ptype == "barchart":
        if len(cols) < 2 or types[0] not in TEXT or any(t not in NUMERIC for t in types[1:]):
            return "columns %s, want text then numeric" % cols
    elif ptype == "table":
        if not cols:
            return "no columns"
    else:
        return "panel type %r not checked" % ptype
    return None


def uses_ds(obj):
    ds = obj.get("datasource")
    return isinstance(ds, dict) and ds.get("uid") == DS_UID


def check_dashboard(db, path, now):
    with open(path) as f:
        dash = json.load(f)
    name = dash.get("title", path)
    failures = 0
    frm, to = parse_range(dash["time"]["from"], now), parse_range(dash["time"]["to"], now)

    def report(what, why, detail=""):
        nonlocal failures
        if why:
            failures += 1
            print("%s: %s: FAILED: %s" % (name, what, why))
        else:
            print("%s: %s: ok%s" % (name, what, detail))

    values = {}
    tvars = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
    if tvars.get("ds", {}).get("type") != "datasource":
        report("variable ds", "no data source variable ds")
    for v in tvars.values():
        if v["type"] != "query":
            continue
        why = None
        if not uses_ds(v):
            why = "data source is not ${ds}"
        else:
            try:
                out = psql(db, v["query"].rstrip(";") + ";\n")
                values[v["name"]] = [l.split("|")[0] for l in out.splitlines() if l != ""]
                if not values[v["name"]]:
                    why = "no values"
            except RuntimeError as e:
                why = str(e)
        report("variable %s" % v["name"], why)
    q = tvars.get("queue")
    if not q or not q.get("multi") or not q.get("includeAll"):
        report("variable queue", "queue must be a multi-value variable with All")

    panels = []
    for p in dash.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []))    # inside rows
    if not panels:
        report("panels", "none")
    for p in panels:
        if p.get("type") == "row":
            continue
        title = "panel %r (%s)" % (p.get("title"), p.get("type"))
        targets = p.get("targets") or []
        if not targets:
            report(title, "no targets")
            continue
        for t in targets:
            why, detail = None, ""
            if not uses_ds(p) or not uses_ds(t):
                why = "data source is not ${ds}"
            elif not t.get("rawSql"):
                why = "no rawSql"
            else:
                try:
                    sql = substitute_vars(expand_macros(t["rawSql"], frm, to), values)
                    d = describe(db, sql)
                    why = check_types(p["type"], t.get("format"), d)
                    detail = " (%d rows; first %s)" % (d["rows"], json.dumps(d["first"])[:160])
                except (RuntimeError, ValueError) as e:
                    why = str(e)
            report("%s target %s" % (title, t.get("refId")), why, detail)
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("dashboards", nargs="+")
    a = ap.parse_args()
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    failures = sum(check_dashboard(a.db, p, now) for p in a.dashboards)
    print("%d failed" % failures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
