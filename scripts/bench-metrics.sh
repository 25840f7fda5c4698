#!/usr/bin/env bash
# Metrics side by side with Prometheus 2.42 (issue #11): the same 1,000 series × 24 h at 15 s to both — Prometheus by
# `promtool tsdb create-blocks-from openmetrics`, AegisGuard by signed POST /v1/metrics batches of 5000 from N senders
# (accepted samples/s, time until every sample is queryable) — then the same PromQL queries to both HTTP APIs,
# interleaved, printing p50/p95, the ratio AegisGuard ÷ Prometheus and every answer that differs (1e-9 relative).
# Builds nothing: uses the Release outputs. Both servers run from temp dirs and are stopped by the PIDs started here.
#
#   scripts/bench-metrics.sh [<AegisGuard bin dir>] [-- <options, e.g. --senders 8 --iterations 20 --span 24h>]
#
# The bin dir defaults to AegisGuard/bin/Release/net10.0 (build with: dotnet build AegisGuard.sln -c Release).
# Needs /usr/bin/prometheus and /usr/bin/promtool (apt-get install prometheus; installed here when missing).
# Disk: ~0.7 GB of OpenMetrics text in the temp dir while promtool reads it, then ~0.1 GB per server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/AegisGuard/bin/Release/net10.0"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then bin="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
load="$root/AegisGuard.Load/bin/Release/net10.0/AegisGuard.Load.dll"
[ -f "$bin/AegisGuard.dll" ] && [ -f "$load" ] || { echo "build first: dotnet build AegisGuard.sln -c Release"; exit 1; }
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  echo "installing prometheus (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus; } >/dev/null
fi

work=$(mktemp -d /tmp/bench-metrics.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 1200); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "not ready: $1"; exit 1; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); AegisGuard $(dotnet "$bin/AegisGuard.dll" --version | cut -d' ' -f2); $(/usr/bin/prometheus --version 2>&1 | head -n 1)"

# The span ends on a whole 15 s, a little in the past; both invocations of the load tool get the same end.
end_ms=$(( $(date +%s) / 15 * 15 * 1000 - 15000 ))

# Prometheus: backfill the blocks, then serve them (no scrape targets, retention long enough for anything generated).
dotnet "$load" metrics-side-by-side --end "$end_ms" --write-openmetrics "$work/data.om" "$@"
start=$(date +%s.%N)
/usr/bin/promtool tsdb create-blocks-from openmetrics "$work/data.om" "$work/prometheus" > "$work/promtool.log" 2>&1 \
  || { tail -n 20 "$work/promtool.log"; exit 1; }
echo "promtool: blocks created in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s ($(ls -d "$work"/prometheus/*/ | wc -l) blocks)"
rm -f "$work/data.om"
printf 'global: {}\n' > "$work/prometheus.yml"
prom_port=$(free_port)
/usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
  --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)

# AegisGuard: a fresh data directory and a key made with its own CLI (ingest to send, read for /api/v1).
ag_port=$(free_port)
data="$work/aegis"
dotnet "$bin/AegisGuard.dll" serve --urls "http://127.0.0.1:$ag_port" --data "$data" > "$work/aegis.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$prom_port/-/ready"
wait_for "http://127.0.0.1:$ag_port/healthz"
key=$(dotnet "$bin/AegisGuard.dll" keys create --org default --name bench-metrics --scopes ingest,read --json --data "$data" | tail -n 1)
echo "servers: AegisGuard pid ${pids[1]} on :$ag_port, Prometheus pid ${pids[0]} on :$prom_port"

dotnet "$load" metrics-side-by-side --end "$end_ms" --url "http://127.0.0.1:$ag_port" --key-json "$key" \
  --prometheus "http://127.0.0.1:$prom_port" "$@"
echo "AegisGuard RSS at the end: $(( $(ps -o rss= -p "${pids[1]}") / 1024 )) MB; Prometheus: $(( $(ps -o rss= -p "${pids[0]}") / 1024 )) MB"
