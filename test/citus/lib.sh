# test/citus/lib.sh: a real Citus cluster for the citus suite and the FCR
# benchmark.  Sourced after scripts/lib.sh (needs CCR_PGBIN, CCR_ROOT).
#
# Citus is not in Debian: it is built from the vendored source tarball once
# per machine into a cache keyed by the tarball's sha256 (a DESTDIR install),
# then copied into the private PostgreSQL copy the tests use.

CITUS_VENDOR=${CITUS_VENDOR:-$CCR_ROOT/../shared/vendor/citus}
CITUS_CACHE_ROOT=${CCR_CITUS_CACHE:-/var/cache/ccr_metrics}
CITUS_APT_PACKAGES=(liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libpam0g-dev
	libssl-dev libxslt1-dev libreadline-dev autoconf flex bison make gcc patch)

citus_deps() {
	local missing=()
	for p in "${CITUS_APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if ((${#missing[@]})); then
		log "installing ${missing[*]} (to build Citus)"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
	fi
}

# Prints the cache directory holding the DESTDIR install (builds it first if
# missing).  A lock keeps two runs from building at once; the result is
# moved into place only when complete, so an interrupted build leaves nothing.
citus_build() {
	local tarball patchfile sha cache tmp
	tarball=$(ls "$CITUS_VENDOR"/citus-*.tar.gz)
	patchfile=$CITUS_VENDOR/pg15-have_createdb_privilege.patch
	sha=$(sha256sum "$tarball" | cut -d' ' -f1)
	cache=$CITUS_CACHE_ROOT/citus-$sha
	mkdir -p "$CITUS_CACHE_ROOT"
	(
		flock 9
		[ -f "$cache/.complete" ] && exit 0
		citus_deps
		tmp=$(mktemp -d /tmp/ccr-citus-build.XXXXXX)
		log "building Citus from $(basename "$tarball") (once per machine; cache $cache)"
		tar -xzf "$tarball" -C "$tmp"
		(
			cd "$tmp"/citus-*/
			patch -p1 -s <"$patchfile"
			./configure -q --without-libcurl PG_CONFIG="$PG_SYSBIN/pg_config" >"$tmp/configure.log" 2>&1 ||
				{ tail -30 "$tmp/configure.log" >&2; exit 1; }
			make -s -j"$(nproc)" >"$tmp/make.log" 2>&1 || { tail -40 "$tmp/make.log" >&2; exit 1; }
			make -s install DESTDIR="$tmp/root" >>"$tmp/make.log" 2>&1 || { tail -40 "$tmp/make.log" >&2; exit 1; }
		) || { rm -rf "$tmp"; exit 1; }
		rm -rf "$cache.partial"
		mv "$tmp/root" "$cache.partial"
		touch "$cache.partial/.complete"
		rm -rf "$cache"
		mv "$cache.partial" "$cache"
		rm -rf "$tmp"
	) 9>"$CITUS_CACHE_ROOT/citus-$sha.lock" || return 1
	echo "$cache"
}

# Copies the cached Citus build into the private PostgreSQL copy.
citus_install() {
	local cache=$1 dest
	dest=$(cd "$CCR_PGBIN/../../../../.." && pwd)
	cp -a "$cache/usr/." "$dest/usr/"
}

# citus_node_start DIR: a cluster with Citus preloaded, on a free loopback
# port, socket in DIR.  Prints the port.
citus_node_start() {
	local dir=$1
	ccr_node_create "$dir" "$CCR_PGBIN" "shared_buffers = 128MB
max_parallel_workers_per_gather = 0
shared_preload_libraries = 'citus'
citus.enable_statistics_collection = off
max_connections = 100" >&2
	ccr_node_start "$dir" "$CCR_PGBIN" || return 1
	echo "$CCR_NODE_PORT"
}

citus_node_stop() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] &&
		runuser -u postgres -- "$CCR_PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# citus_cluster_start DIR: the cluster of the Citus suites: Citus built (or
# taken from the cache) and copied into the private PostgreSQL copy, a
# coordinator (DIR/coord) and two workers (DIR/w1, DIR/w2) on loopback, the
# workers added, and ccr_metrics created (Citus propagates it to the
# workers).  Exports PGHOST, PGPORT, PGDATABASE, PGUSER for the coordinator
# and CITUS_PORT_COORD, CITUS_PORT_W1, CITUS_PORT_W2.  The caller stops it
# with citus_cluster_stop DIR (set the trap before calling: a failed start
# leaves nodes running).
citus_cluster_start() {
	local dir=$1 cache n
	mkdir -p "$dir"
	chmod 755 "$dir"
	cache=$(citus_build) || return 1
	citus_install "$cache"
	CITUS_PORT_COORD=$(citus_node_start "$dir/coord") || return 1
	CITUS_PORT_W1=$(citus_node_start "$dir/w1") || return 1
	CITUS_PORT_W2=$(citus_node_start "$dir/w2") || return 1
	export CITUS_PORT_COORD CITUS_PORT_W1 CITUS_PORT_W2
	for n in w1 w2; do
		local -n p="CITUS_PORT_${n^^}"
		psql -qX -v ON_ERROR_STOP=1 -h "$dir/$n" -p "$p" -U postgres -d postgres -c 'CREATE EXTENSION citus' >/dev/null || return 1
		unset -n p
	done
	export PGHOST=$dir/coord PGPORT=$CITUS_PORT_COORD PGDATABASE=postgres PGUSER=postgres
	psql -qAtX -v ON_ERROR_STOP=1 -v cport="$CITUS_PORT_COORD" -v w1="$CITUS_PORT_W1" -v w2="$CITUS_PORT_W2" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION citus;
SELECT citus_set_coordinator_host('127.0.0.1', :cport);
SELECT 1 FROM citus_add_node('127.0.0.1', :w1);
SELECT 1 FROM citus_add_node('127.0.0.1', :w2);
CREATE EXTENSION ccr_metrics;
SQL
}

citus_cluster_stop() {
	local dir=$1 n
	for n in coord w1 w2; do citus_node_stop "$dir/$n"; done
}

# citus_report NAME FILE MIN: prints FILE (the output of the checks, one
# "ok:   ..." or "FAIL: ..." line each), then "NAME: N checks, N failed";
# fails when a check failed or fewer than MIN ran.
citus_report() {
	local name=$1 out=$2 min=$3 total failed
	grep -v '^\s*$' "$out"
	total=$(grep -cE '^(ok|FAIL):' "$out" || true)
	failed=$(grep -c '^FAIL:' "$out" || true)
	echo "$name: $total checks, $failed failed"
	[ "$failed" = 0 ] && [ "$total" -ge "$min" ]
}
