#!/usr/bin/env python3
"""Turns the queue_log part of a MySQL dump into PostgreSQL statements.

usage: mysql_queue_log_to_pg.py DUMP.sql TABLE TIME_TYPE > out.sql

Creates TABLE (id bigint, time TIME_TYPE, callid, queuename, agent, event,
data1 .. data5 text) and copies the dump's INSERT INTO `queue_log` rows into
it.  The dumps the suites read use '' quoting only (no backslashes).
"""
import re
import sys

dump, table, time_type = sys.argv[1:4]
src = open(dump, encoding="utf-8", errors="replace").read()
m = re.search(r"INSERT INTO `queue_log`(?: \([^)]*\))? VALUES\s*(.*?\));\s*$", src, re.S | re.M)
if not m:
    sys.exit("no INSERT INTO `queue_log` in " + dump)
print(f"CREATE TABLE {table} (id bigint, \"time\" {time_type}, callid text, queuename text, "
      "agent text, event text, data1 text, data2 text, data3 text, data4 text, data5 text);")
print(f"INSERT INTO {table} VALUES {m.group(1)};")
