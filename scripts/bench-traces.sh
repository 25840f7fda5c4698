#!/usr/bin/env bash
# The traces benchmark of docs/benchmarks.md (issue #12) in one command: starts the Release build of AegisGuard on a data
# directory (fresh unless --data names one to add to), loads spans with AegisGuard.Load traces-dataset, then times trace
# by id, search and the service map over HTTP, each interleaved with the same query run directly in DuckDB over the same
# Parquet files (AEGIS_BENCH_DATA), and prints the load average and the server's CPU time beside the results.
#
#   scripts/bench-traces.sh [--data DIR] [--keep] -- [AegisGuard.Load options, e.g. --events 1000000 --senders 8]
#
# Build first: dotnet build AegisGuard.sln -c Release
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/AegisGuard/bin/Release/net10.0/AegisGuard.dll"
load="$root/AegisGuard.Load/bin/Release/net10.0/AegisGuard.Load.dll"
data=""; keep=0
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "${1:-}" = "--" ] && shift
fresh=0
if [ -z "$data" ]; then data=$(mktemp -d /tmp/bench-traces.XXXXXX); fresh=1; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$app" serve --urls "http://127.0.0.1:$port" --data "$data" > "$data.server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; if [ $fresh = 1 ] && [ $keep = 0 ]; then rm -rf "$data"; fi' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
key=$(dotnet "$app" keys create --org default --name "bench-$(date +%s)" --scopes ingest,read --json --data "$data" | tail -n 1)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); data: $data"
AEGIS_BENCH_DATA="$data" dotnet "$load" traces-dataset --url "http://127.0.0.1:$port" --key-json "$key" \
  --warmup 0 --duration 3600s --e2e-timeout 3600s --timeout 600s "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); server CPU time: $(ps -o time= -p $server)"
