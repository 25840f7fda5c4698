#!/usr/bin/env bash
# Side by side with a real peer a user would pick instead (issue #9): the same log events to AegisGuard and to a local
# clickhouse-server (Debian's 18.16), then the same searches to both and to DuckDB run directly on AegisGuard's Parquet
# files, printing medians and ratios. Anyone can re-run it; it installs clickhouse-server with apt-get when missing.
#
#   scripts/bench-side-by-side.sh [<AegisGuard bin dir>] [-- <side-by-side options, e.g. --events 2000000 --iterations 30>]
#
# The bin dir defaults to AegisGuard/bin/Release/net10.0 (build with: dotnet build AegisGuard.sln -c Release).
# SIDE_BY_SIDE_KEEP=1 keeps the scratch directory (both servers' data, AegisGuard's Parquet files) and prints its path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/AegisGuard/bin/Release/net10.0"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then bin="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
load="$root/AegisGuard.Load/bin/Release/net10.0/AegisGuard.Load.dll"
[ -f "$bin/AegisGuard.dll" ] && [ -f "$load" ] || { echo "build first: dotnet build AegisGuard.sln -c Release"; exit 1; }
if ! command -v clickhouse-server >/dev/null 2>&1; then
  echo "installing clickhouse-server (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server; } >/dev/null
fi

work=$(mktemp -d /tmp/side-by-side.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "${SIDE_BY_SIDE_KEEP:-}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ClickHouse: HTTP only, scratch directories, default user without password, logs to files.
ch_port=$(free_port)
mkdir -p "$work/ch"
cat > "$work/ch/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$work/ch/server.log</log><errorlog>$work/ch/error.log</errorlog></logger>
  <http_port>$ch_port</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>$work/ch/data/</path>
  <tmp_path>$work/ch/tmp/</tmp_path>
  <user_files_path>$work/ch/user_files/</user_files_path>
  <format_schema_path>$work/ch/format_schemas/</format_schema_path>
  <users_config>$work/ch/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>536870912</mark_cache_size>
</yandex>
XML
cat > "$work/ch/users.xml" <<XML
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
clickhouse-server --config-file="$work/ch/config.xml" > "$work/ch/stdout.log" 2>&1 &
pids+=($!)

# AegisGuard: its own fresh data directory and a key made with its own CLI.
ag_port=$(free_port)
data="$work/aegis"
dotnet "$bin/AegisGuard.dll" serve --urls "http://127.0.0.1:$ag_port" --data "$data" > "$work/aegis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$ag_port/healthz" >/dev/null 2>&1 && curl -sf "http://127.0.0.1:$ch_port/ping" >/dev/null 2>&1 && break
  sleep 0.1
done
key=$(dotnet "$bin/AegisGuard.dll" keys create --org default --name side-by-side --scopes ingest,read --json --data "$data" | tail -n 1)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); AegisGuard $(dotnet "$bin/AegisGuard.dll" --version | cut -d' ' -f2); ClickHouse $(curl -s "http://127.0.0.1:$ch_port/?query=SELECT%20version()")"
dotnet "$load" side-by-side --url "http://127.0.0.1:$ag_port" --key-json "$key" --clickhouse "http://127.0.0.1:$ch_port" --data "$data" "$@"
