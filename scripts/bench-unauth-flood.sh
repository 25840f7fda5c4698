#!/usr/bin/env bash
# Memory under a flood of unauthenticated bodies: N parallel POST /v1/logs of SIZE MiB each with an unknown key,
# repeated ROUNDS times, against each build. Prints the server's RSS before, its peak during, and 10 s after.
#
#   scripts/bench-unauth-flood.sh <label>=<bin dir> [...] [-- <parallel> <MiB> <rounds>]   (default 48 16 3)
set -euo pipefail
builds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do builds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
parallel=${1:-48}; mib=${2:-16}; rounds=${3:-3}
body=$(mktemp /tmp/flood-body.XXXXXX)
python3 -c "import sys; n=$mib*1024*1024; sys.stdout.write('{\"logs\":[{\"message\":\"' + 'x'*(n-40) + '\"}]}')" > "$body"
rss() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }
for build in "${builds[@]}"; do
  label="${build%%=*}"; bin="${build#*=}"
  data=$(mktemp -d /tmp/flood-data.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  dotnet "$bin/AegisGuard.dll" serve --urls "http://127.0.0.1:$port" --data "$data" > "$data.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  sleep 2; before=$(rss $server)
  ( while kill -0 $server 2>/dev/null; do ps -o rss= -p $server 2>/dev/null; sleep 0.2; done ) > "$data.rss" &
  sampler=$!
  codes=$(mktemp)
  for _ in $(seq 1 "$rounds"); do
    for _ in $(seq 1 "$parallel"); do
      curl -s -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/v1/logs" \
        -H 'Content-Type: application/json' -H 'x-org-key: obs_doesnotexist' -H 'x-signature: sha256=00' \
        --data-binary "@$body" >> "$codes" &
    done
    wait $(jobs -p | grep -v "^$sampler$" | grep -v "^$server$") 2>/dev/null || true
  done
  sleep 10; after=$(rss $server)
  kill $sampler 2>/dev/null || true
  peak=$(( $(sort -n "$data.rss" | tail -n 1) / 1024 ))
  kill $server; wait $server 2>/dev/null || true
  echo "$label requests=$(wc -l < "$codes") statuses=$(sort "$codes" | uniq -c | awk '{printf "%s×%s ", $1, $2}')rss_before_mb=$before rss_peak_mb=$peak rss_after_10s_mb=$after"
  rm -rf "$data" "$data.log" "$data.rss" "$codes"
done
rm -f "$body"
