#!/usr/bin/env bash
# Fuzz smoke: builds the libFuzzer harness (test/fuzz/) from the extension's
# sources with ASan+UBSan, asks the server for every summary type of the
# installed extension, seeds a corpus with values its own aggregates make,
# and fuzzes each target (<type>.in, <type>.recv, <type>.raw, queue_log) for
# a share of CCR_FUZZ_SECONDS (default 90) on top of the checked-in corpus
# test/fuzz/corpus/<target>/ (which holds every crash found so far).
# Any sanitizer report, failed round trip or elog reached from input fails.
#
#   CCR_FUZZ_SECONDS=1200 scripts/test fuzz    a longer run
#   CCR_FUZZ_SAVE=1 scripts/test fuzz          merge what the run found into
#                                              the checked-in corpus
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
fz=$root/test/fuzz
work=${CCR_WORK:-$(mktemp -d)}/fuzz
total=${CCR_FUZZ_SECONDS:-90}
rm -rf "$work"
mkdir -p "$work/corpus"

db=ccr_fuzz
psql -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
psql -qX -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION ccr_metrics" >/dev/null

echo "fuzz: building the harness (clang, -fsanitize=fuzzer,address,undefined)"
if ! "$fz/build.sh" "$work/build" >"$work/build.out" 2>&1; then
	grep -v "Wignored-attributes" "$work/build.out" | tail -40
	exit 1
fi
bin=$(tail -1 "$work/build.out")

psql -qXAt -v ON_ERROR_STOP=1 -d $db -f "$fz/targets.sql" >"$work/targets.tsv"
psql -qXAt -F $'\t' -v ON_ERROR_STOP=1 -d $db -f "$fz/seeds.sql" >"$work/seeds.tsv"
psql -qX -d postgres -c "DROP DATABASE $db" >/dev/null
export CCR_FUZZ_TARGETS=$work/targets.tsv

types=$(cut -f1 "$work/targets.tsv")
python3 - "$work/seeds.tsv" "$work/corpus" <<'PY'
import hashlib, os, sys
for line in open(sys.argv[1]):
    typ, txt, hexbin = line.rstrip("\n").split("\t")
    name = hashlib.md5(txt.encode()).hexdigest()[:16]
    for mode, data in ((".in", txt.encode()), (".recv", bytes.fromhex(hexbin))):
        d = os.path.join(sys.argv[2], typ + mode)
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, name), "wb").write(data)
PY
targets=()
for t in $types; do
	mkdir -p "$work/corpus/$t.in" "$work/corpus/$t.recv" "$work/corpus/$t.raw"
	# stored-bytes seeds: the text seeds converted by the harness itself
	if compgen -G "$work/corpus/$t.in/*" >/dev/null; then
		if ! CCR_FUZZ_TARGET=$t.raw CCR_FUZZ_TO_RAW=1 "$bin" "$work/corpus/$t.in"/* 2>"$work/to_raw.log"; then
			echo "fuzz: converting the $t seeds failed:"; grep -E "ccr_fuzz|ERROR" "$work/to_raw.log" | head -5
			exit 1
		fi
		for f in "$work/corpus/$t.in"/*.raw; do mv "$f" "$work/corpus/$t.raw/$(basename "$f" .raw)"; done
	fi
	targets+=("$t.in" "$t.recv" "$t.raw")
done
if grep -q queue_log "$work/build/harness.targets" 2>/dev/null; then
	targets+=(queue_log)
	mkdir -p "$work/corpus/queue_log"
fi

per=$((total / ${#targets[@]}))
((per >= 2)) || per=2
echo "fuzz: ${#targets[@]} targets, ${per}s each: ${targets[*]}"
failed=0 execs_all=0
for t in "${targets[@]}"; do
	dirs=("$work/corpus/$t")
	[ -d "$fz/corpus/$t" ] && dirs+=("$fz/corpus/$t")
	dict=()
	[[ $t == *.in || $t == queue_log ]] && dict=(-dict="$fz/summary.dict")
	[[ $t == queue_log ]] && dict=(-dict="$fz/queue_log.dict")
	rc=0
	CCR_FUZZ_TARGET=$t "$bin" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/crash-$t-" "${dirs[@]}" \
		>"$work/$t.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
	execs_all=$((execs_all + ${execs:-0}))
	if ((rc != 0)); then
		failed=$((failed + 1))
		echo "fuzz: $t FAILED (exit $rc) after ${execs:-?} executions"
		grep -E "ERROR|ccr_fuzz:|SUMMARY|runtime error|#[0-9]+ 0x" "$work/$t.log" | head -30
		for a in "$work/crash-$t-"*; do
			[ -e "$a" ] || continue
			echo "fuzz: crashing input $(basename "$a") (hex):"
			od -An -tx1 -v "$a" | head -20
			mkdir -p "$root/test/fuzz/corpus/$t" && cp "$a" "$root/test/fuzz/corpus/$t/regress-${a##*-}"
			echo "fuzz: copied to test/fuzz/corpus/$t/ (commit it as a regression input)"
		done
	else
		echo "fuzz: $t ok, ${execs:-?} executions"
	fi
	if [ -n "${CCR_FUZZ_SAVE:-}" ] && ((rc == 0)); then
		mkdir -p "$fz/corpus/$t"
		CCR_FUZZ_TARGET=$t "$bin" -merge=1 "$fz/corpus/$t" "$work/corpus/$t" >/dev/null 2>&1
	fi
done
echo "fuzz: $execs_all executions in all, $failed target(s) crashed"
((failed == 0))
