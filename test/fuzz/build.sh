#!/usr/bin/env bash
# test/fuzz/build.sh [OUTDIR]: builds the libFuzzer harness ccr_fuzz from the
# extension's own sources (src/*.c), the backend shim and harness.c, with
# AddressSanitizer and UndefinedBehaviorSanitizer (every finding aborts).
# Needs clang and libclang-rt-*-dev (scripts/lib.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/build}
mkdir -p "$out/obj"

# the system pg_config: a private install (scripts/test) has no headers
pgc=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
[ -x "$pgc" ] || pgc=pg_config
inc=$("$pgc" --includedir-server)
pkglib=$("$pgc" --pkglibdir)
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san -I$inc -I$root/src -I$here -Wall -Wno-ignored-attributes -Wno-unused-command-line-argument"

objs=()
for c in "$root"/src/*.c; do
	o="$out/obj/src_$(basename "$c" .c).o"
	clang $cflags -fsanitize=fuzzer-no-link -c "$c" -o "$o"
	objs+=("$o")
done
clang $cflags -c "$here/shim.c" -o "$out/obj/shim.o"
clang $cflags -fsanitize=fuzzer-no-link -c "$here/harness.c" -o "$out/obj/harness.o"

# Symbols of code the parsers never reach (SPI, catalog lookups in other
# families) stay unresolved: calling one would crash loudly, which is what
# a fuzz finding should do.  -rdynamic lets the harness find the V1
# functions by name (dlsym).
clang -fsanitize=fuzzer,address,undefined -rdynamic -no-pie -o "$out/ccr_fuzz" \
	"${objs[@]}" "$out/obj/shim.o" "$out/obj/harness.o" \
	"$pkglib/libpgcommon.a" "$pkglib/libpgport.a" -lm -ldl \
	-Wl,--unresolved-symbols=ignore-all
# optional targets compiled in, for the suite to list
: >"$out/harness.targets"
if [ -f "$root/src/queue_log.h" ]; then echo queue_log >>"$out/harness.targets"; fi
echo "$out/ccr_fuzz"
