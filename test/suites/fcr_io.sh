#!/usr/bin/env bash
# ccr.fcr_summary binary I/O: COPY ... BINARY round trip is exact (text form
# and answers unchanged), and hand-made binary values are validated
# (bad version, bad key type, count not matching the bytes, timestamp out
# of range are rejected with an error, a well-formed one is read).
set -euo pipefail
dir=$CCR_WORK/fcr_io
mkdir -p "$dir"; chown postgres: "$dir"
fail=0
check() { # name expected actual
	if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}
q() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

q "CREATE EXTENSION IF NOT EXISTS ccr_metrics"
q "DROP SCHEMA IF EXISTS fcr_io CASCADE; CREATE SCHEMA fcr_io"
q "SELECT setseed(0.7);
   CREATE TABLE fcr_io.src AS
   SELECT d, ccr.fcr_agg((random() * 500)::bigint, timestamptz '2026-01-01' + d * interval '1 day' + random() * interval '1 day', '1 day') AS s,
	         ccr.fcr_agg('c' || (random() * 500)::int, timestamptz '2026-01-01' + d * interval '1 day' + random() * interval '1 day', '3 days') AS st
   FROM generate_series(0, 29) d, generate_series(1, 2000) g GROUP BY d"
q "COPY fcr_io.src TO '$dir/src.bin' WITH (FORMAT binary)"
q "CREATE TABLE fcr_io.dst (LIKE fcr_io.src)"
q "COPY fcr_io.dst FROM '$dir/src.bin' WITH (FORMAT binary)"
check "binary round trip keeps every summary's text form" 30 \
	"$(q "SELECT count(*) FROM fcr_io.src a JOIN fcr_io.dst b USING (d) WHERE a.s::text = b.s::text AND a.st::text = b.st::text")"
check "binary round trip keeps the rolled-up answers" t \
	"$(q "SELECT (SELECT ccr.fcr_rate(ccr.rollup(s))::text || ccr.fcr_rate(ccr.rollup(st))::text FROM fcr_io.src) = (SELECT ccr.fcr_rate(ccr.rollup(s))::text || ccr.fcr_rate(ccr.rollup(st))::text FROM fcr_io.dst)")"
check "binary send is the documented layout (20-byte header + 16 bytes a contact)" t \
	"$(q "SELECT bool_and(length(ccr.fcr_summary_send(s)) = 20 + 16 * ccr.total(s)) FROM fcr_io.src")"

# hand-made binary COPY files with one ccr.fcr_summary field
mk() { # file hexbytes-of-the-value
	python3 - "$1" "$2" <<'PY'
import struct, sys
path, hexval = sys.argv[1], sys.argv[2]
val = bytes.fromhex(hexval)
with open(path, 'wb') as f:
    f.write(b'PGCOPY\n\xff\r\n\x00' + struct.pack('>ii', 0, 0))
    f.write(struct.pack('>hi', 1, len(val)) + val)
    f.write(struct.pack('>h', -1))
PY
	chown postgres: "$1"
}
ts=$(printf '%016x' 820454400000000)	# 2026-01-01 00:00 UTC in microseconds since 2000
hdr() { printf '%02x%02x%02x00%016x%016x' "$1" 32 "$2" "$3" "$4"; }	# version keytype window count
q "CREATE TABLE fcr_io.one (s ccr.fcr_summary)"
try() { # name file-hex expected-prefix
	mk "$dir/t.bin" "$2"
	local out
	out=$(psql -qAtX -c "COPY fcr_io.one FROM '$dir/t.bin' WITH (FORMAT binary)" 2>&1 || true)
	if [ -z "$3" ]; then check "$1" "" "$out"; else
		case "$out" in *"$3"*) echo "ok   $1 ($out)" ;; *) echo "FAIL $1: got '$out'"; fail=1 ;; esac
	fi
}
try "well-formed value is read" "$(hdr 1 1 3600000000 2)0000000000000007${ts}0000000000000007${ts}" ""
check "well-formed value reads back" "2|1|0" "$(q "SELECT ccr.total(s) || '|' || ccr.first_contacts(s) || '|' || ccr.fcr_rate(s) FROM fcr_io.one")"
try "unknown version rejected" "$(hdr 9 1 0 1)0000000000000007${ts}" "unsupported format version 9"
try "unknown key type rejected" "$(hdr 1 5 0 1)0000000000000007${ts}" "unknown customer key type 5"
try "negative window rejected" "$(hdr 1 1 18446744073709551615 1)0000000000000007${ts}" "is negative"
try "count larger than the data rejected" "$(hdr 1 1 0 2)0000000000000007${ts}" "expected 32"
try "count smaller than the data rejected" "$(hdr 1 1 0 0)0000000000000007${ts}" "expected 0"
try "huge count rejected before allocating" "$(hdr 1 1 0 1152921504606846976)0000000000000007${ts}" "out of range"
try "truncated header rejected" "0101" "expected at least 20"
try "timestamp at infinity rejected" "$(hdr 1 1 0 1)00000000000000077fffffffffffffff" "invalid timestamp"
check "only the well-formed row was loaded" 1 "$(q "SELECT count(*) FROM fcr_io.one")"

q "DROP SCHEMA fcr_io CASCADE"
exit $fail
