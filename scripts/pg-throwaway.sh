#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for tests and benchmarks.
#
#   scripts/pg-throwaway.sh start [DIR]   initdb + start in DIR (default: a new temp dir);
#                                         prints the SQLAlchemy URL on stdout
#   scripts/pg-throwaway.sh url [DIR]     prints the URL of a running cluster
#   scripts/pg-throwaway.sh stop [DIR]    stops the cluster and removes DIR
#
# Without DIR, url and stop use the cluster that the same calling process (e.g. the CI script) started without
# DIR, else the one started last without DIR by anyone (records in $TMPDIR/dpia-pg-throwaway.last*). Pass DIR
# (or use distinct callers) when several clusters run at once.
# CI:
#   export DPIA_TEST_POSTGRES_URL="$(scripts/pg-throwaway.sh start)"
#   trap 'scripts/pg-throwaway.sh stop' EXIT
#
# The cluster runs as user postgres (through runuser when we are root: initdb refuses root), listens only on
# 127.0.0.1 with its socket inside DIR, trusts local connections and runs with fsync off: test data only.
# The system cluster is never touched. Environment: PGBIN (server binaries), DPIA_PG_PORT (fixed port),
# DPIA_PG_DB (database name, default dpia_test).
set -euo pipefail

TMP="${TMPDIR:-/tmp}"
LAST="$TMP/dpia-pg-throwaway.last"
# The caller's own record first: several scripts (CI runs, agents) may use this at the same time, and a
# `stop` without DIR must stop the cluster its own caller started, not the one someone else started last.
# "Own" is the process group: a script's `$(... start)` and its `trap '... stop' EXIT` share it.
process_group() {
    local stat rest
    stat=$(<"/proc/$$/stat") || return 1
    rest=${stat##*) }
    read -r _state _ppid pgrp _rest <<<"$rest"
    echo "$pgrp"
}
OWN_LAST="$LAST.pgid-$(process_group || echo none)"
DB="${DPIA_PG_DB:-dpia_test}"

die() { echo "pg-throwaway: $*" >&2; exit 1; }

pgbin() {
    if [[ -n "${PGBIN:-}" ]]; then echo "$PGBIN"; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [[ -n "$found" && -x "$found/initdb" ]] || die "no PostgreSQL server binaries (set PGBIN or install postgresql)"
    echo "$found"
}

# Run as the cluster owner: postgres when we are root, ourselves otherwise.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

resolve_dir() {
    local dir="${1:-}"
    if [[ -z "$dir" && -f "$OWN_LAST" ]]; then
        dir=$(cat "$OWN_LAST")
    elif [[ -z "$dir" ]]; then
        [[ -f "$LAST" ]] || die "no cluster given and none started ($LAST is missing)"
        dir=$(cat "$LAST")
    fi
    echo "$dir"
}

start() {
    local bin dir data port url tries=0
    bin=$(pgbin)
    if [[ -n "${1:-}" ]]; then
        dir="$1"
        mkdir -p "$dir"
        [[ -z "$(ls -A "$dir")" ]] || die "$dir is not empty"
    else
        dir=$(mktemp -d "$TMP/dpia-pg.XXXXXX")
    fi
    data="$dir/data"
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a postgres user to own the cluster"
        chown postgres: "$dir"
        chmod 700 "$dir"
        runuser -u postgres -- test -w "$dir" || die "user postgres cannot write $dir (is a parent folder private?)"
    fi
    as_owner "$bin/initdb" -D "$data" -A trust -U postgres --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    while :; do
        tries=$((tries + 1))
        port="${DPIA_PG_PORT:-$((20000 + RANDOM % 40000))}"
        if port_in_use "$port"; then
            [[ -z "${DPIA_PG_PORT:-}" && $tries -lt 20 ]] || die "port $port is in use"
            continue
        fi
        if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 -o \
            "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200" start >/dev/null; then
            break
        fi
        # another process may have taken the port between the check and the bind: try another one
        [[ -z "${DPIA_PG_PORT:-}" && $tries -lt 20 ]] || { cat "$dir/server.log" >&2; die "cannot start PostgreSQL"; }
    done
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$DB" || die "createdb failed"
    url="postgresql+psycopg://postgres@127.0.0.1:$port/$DB"
    echo "$url" >"$dir/url"
    # only a cluster started without DIR becomes "the last one" (what `stop` with no DIR stops): clusters
    # that tests start in their own DIR must not take CI's cluster's place
    if [[ -z "${1:-}" ]]; then
        echo "$dir" >"$LAST"
        echo "$dir" >"$OWN_LAST"
    fi
    echo "pg-throwaway: PostgreSQL running in $dir" >&2
    echo "$url"
}

stop() {
    local bin dir
    bin=$(pgbin)
    dir=$(resolve_dir "${1:-}")
    [[ -d "$dir/data" ]] || die "$dir holds no throwaway cluster"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    for record in "$LAST" "$OWN_LAST"; do
        if [[ -f "$record" && "$(cat "$record")" == "$dir" ]]; then rm -f "$record"; fi
    done
    echo "pg-throwaway: stopped and removed $dir" >&2
}

url() {
    local dir
    dir=$(resolve_dir "${1:-}")
    [[ -f "$dir/url" ]] || die "$dir holds no throwaway cluster"
    cat "$dir/url"
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    url) url "${2:-}" ;;
    *) echo "usage: $0 start|stop|url [DIR]" >&2; exit 2 ;;
esac
