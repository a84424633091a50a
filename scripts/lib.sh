# scripts/lib.sh: shared steps of scripts/demo, scripts/test and the suites.
# Sourced, not run.  Everything runs as root; PostgreSQL itself runs as the
# postgres user (initdb refuses root).
set -euo pipefail

CCR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
PG_SYSBIN=/usr/lib/postgresql/$PG_MAJOR/bin

# Debian packages: what building the extension needs (scripts/demo needs
# nothing more), and what the test suites add.  Suites that need more add
# them to CCR_APT_TEST, so a fresh machine gets everything from one apt-get.
CCR_APT_BUILD=(
	"postgresql-server-dev-$PG_MAJOR"
)
CCR_APT_TEST=(
	"postgresql-$PG_MAJOR-cron"		# pg_cron suite (preloaded when installed)
	postgresql-contrib				# dblink, postgres_fdw
	libpostgresql-jdbc-java			# bi_jdbc suite
	default-jdk-headless			# bi_jdbc suite
	clang							# fuzz suite (libFuzzer)
	libclang-rt-14-dev				# fuzz suite
	llvm							# fuzz suite (llvm-symbolizer)
	valgrind						# scripts/valgrind
)
CCR_APT_PACKAGES=("${CCR_APT_BUILD[@]}" "${CCR_APT_TEST[@]}")

log() { printf '== %s\n' "$*" >&2; }

# Installs the missing packages of the given list names (default: all):
#   ccr_deps            build and test packages
#   ccr_deps BUILD      only what building needs (scripts/demo)
ccr_deps() {
	local missing=() want=() list
	if (($# == 0)); then
		want=("${CCR_APT_PACKAGES[@]}")
	else
		for list in "$@"; do
			local -n ref="CCR_APT_$list"
			want+=("${ref[@]}")
			unset -n ref
		done
	fi
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if ((${#missing[@]})); then
		log "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}

ccr_build() {
	log "building (-Wall -Wextra -Werror)"
	make -C "$CCR_ROOT" -s PG_CFLAGS="-Wall -Wextra -Werror ${CCR_EXTRA_CFLAGS:-}" >/dev/null
}

# A private copy of the PostgreSQL installation with the extension installed
# into it (what PostgreSQL's own "make check" does): tests never touch the
# system directories and several work trees can test at once.
# Sets CCR_PGBIN.
ccr_tmp_install() {
	local dest=$1
	mkdir -p "$dest/usr/lib/postgresql" "$dest/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$PG_MAJOR" "$dest/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PG_MAJOR" "$dest/usr/share/postgresql/"
	make -C "$CCR_ROOT" -s install DESTDIR="$dest" >/dev/null
	CCR_PGBIN="$dest/usr/lib/postgresql/$PG_MAJOR/bin"
	export CCR_PGBIN
}

# ccr_node_create DIR BIN [CONF]: initdb a cluster in DIR (owned by postgres)
# for a free localhost port and a Unix socket in DIR, with the settings every
# throwaway cluster of the tests uses and the lines CONF appended; sets
# CCR_NODE_PORT.  Not started.
ccr_node_create() {
	local dir=$1 bin=$2 extra=${3:-}
	mkdir -p "$dir"
	chown postgres: "$dir"
	CCR_NODE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
	cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $CCR_NODE_PORT
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
work_mem = 64MB
max_worker_processes = 16
$extra
CONF
}

# ccr_node_start DIR BIN: starts a cluster made by ccr_node_create; on
# failure shows the end of its log.
ccr_node_start() {
	local dir=$1 bin=$2
	runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		{ tail -20 "$dir/server.log" >&2; return 1; }
}

# Starts a throwaway cluster in $1 (created, owned by postgres) listening on a
# Unix socket in that directory and a free localhost port.  Exports PGHOST,
# PGPORT, PGUSER, PGDATABASE for psql and the suites.
ccr_cluster_start() {
	local dir=$1 bin=${CCR_PGBIN:-$PG_SYSBIN} conf
	conf="shared_buffers = 512MB
max_parallel_workers_per_gather = 2"
	# pg_cron is a test dependency: preloaded only where it is installed
	if [ -e "$bin/../lib/pg_cron.so" ]; then
		conf+="
shared_preload_libraries = 'pg_cron'
cron.database_name = 'postgres'"
	fi
	ccr_node_create "$dir" "$bin" "$conf"
	ccr_node_start "$dir" "$bin"
	export PGHOST=$dir PGPORT=$CCR_NODE_PORT PGUSER=postgres PGDATABASE=postgres
	export CCR_CLUSTER_DIR=$dir
	export PATH="$bin:$PATH"
}

ccr_cluster_stop() {
	local dir=${1:-${CCR_CLUSTER_DIR:-}} bin=${CCR_PGBIN:-$PG_SYSBIN}
	[ -n "$dir" ] && [ -f "$dir/data/postmaster.pid" ] &&
		runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}
