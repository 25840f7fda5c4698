#!/usr/bin/env bash
# Side-by-side ingestion benchmark of two builds of AegisGuard on this machine, run alternately so the two see the same
# conditions. Each run gets a fresh data directory, a key made with the build's own CLI, then AegisGuard.Load.
#
#   scripts/bench-ingest.sh <label>=<bin dir> [<label>=<bin dir> ...] -- <AegisGuard.Load options>
#   e.g. scripts/bench-ingest.sh old=/tmp/bench-old new=/tmp/bench-new -- --senders 8 --batch 1000 --duration 20s --warmup 5s --end-to-end
#
# Prints one line per run: label, the load tool's final JSON, and the server's peak RSS (sampled every 0.5 s).
set -euo pipefail
builds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do builds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
load="$(cd "$(dirname "$0")/.." && pwd)/AegisGuard.Load/bin/Release/net10.0/AegisGuard.Load.dll"
for build in "${builds[@]}"; do
  label="${build%%=*}"; bin="${build#*=}"
  data=$(mktemp -d /tmp/bench-data.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dotnet "$bin/AegisGuard.dll" serve --urls "http://127.0.0.1:$port" --data "$data" > "$data.server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  key=$(dotnet "$bin/AegisGuard.dll" keys create --org default --name bench --scopes ingest,read --json --data "$data" | tail -n 1)
  peak=0
  ( while kill -0 $server 2>/dev/null; do rss=$(ps -o rss= -p $server 2>/dev/null || echo 0); echo "$rss"; sleep 0.5; done ) > "$data.rss" &
  sampler=$!
  result=$(dotnet "$load" ingest-logs --url "http://127.0.0.1:$port" --key-json "$key" "$@" 2>/dev/null | tail -n 1 || true)
  kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; kill $sampler 2>/dev/null || true
  peak=$(sort -n "$data.rss" | tail -n 1)
  echo "$label $(cat /proc/loadavg | cut -d' ' -f1-3) rss_peak_mb=$(( ${peak:-0} / 1024 )) $result"
  rm -rf "$data" "$data.rss" "$data.server.log"
done
