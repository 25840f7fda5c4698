#!/usr/bin/env bash
# The single file is the product: publish it (or take a published one), copy it ALONE into an empty directory, start
# it there and check what a person would: --version, /healthz ready (from loopback, which sees the full board), the
# sign-in page with every stylesheet and script it references, Chart.js, and a signed ingest round trip (key created
# with the executable's own CLI, batch signed with openssl, read back through the API).
#
#   scripts/smoke-single-file.sh                  publish linux-x64 self-contained single file, then check it
#   scripts/smoke-single-file.sh path/AegisGuard  check an already published file
#
# Prints start-up times (first start includes extracting the native libraries) and ends with "single-file smoke: ok".
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "single-file smoke FAILED: $*"; [ -f "$work/app/server.log" ] && tail -n 40 "$work/app/server.log"; exit 1; }

if [ $# -ge 1 ]; then
  exe="$1"
else
  echo "== publish (linux-x64, self-contained, single file)"
  dotnet publish AegisGuard/AegisGuard.csproj -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
    -o "$work/publish" --nologo -v quiet >/dev/null || fail "publish"
  exe="$work/publish/AegisGuard"
fi
mkdir -p "$work/app"
cp "$exe" "$work/app/AegisGuard"
cd "$work/app"
echo "== alone in $(pwd): $(ls) ($(du -m AegisGuard | cut -f1) MB)"

# Extract native libraries into a fresh place so the first start pays for it, as on a new VM.
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract"
./AegisGuard --version | tee version.txt
grep -q '^AegisGuard [0-9]' version.txt || fail "--version"

port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
start_server() {
  local t0; t0=$(date +%s%N)
  ./AegisGuard serve --urls "$base" --data ./data >>server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz" || true)" = 200 ]; then
      echo "$1 start: ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited"
    sleep 0.1
  done
  fail "/healthz never said ready"
}
stop_server() {
  kill -TERM "$server_pid"; wait "$server_pid" || fail "exit code $? after SIGTERM"; server_pid=""
}

start_server "first (with extraction)"
curl -s "$base/healthz" | grep -q '"status":"ready"' || fail "/healthz body"

echo "== the sign-in page and everything it references"
curl -s "$base/login" -o login.html
grep -q '<form' login.html || fail "/login has no form"
assets=$(grep -oE '(href|src)="/[^"]+\.(css|js)[^"]*"' login.html | sed -E 's/^(href|src)="//; s/"$//' | sort -u)
[ -n "$assets" ] || fail "/login references no CSS or script"
for asset in $assets /lib/chart.js/chart.umd.js /js/charts.js; do
  read -r code size <<<"$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "$base$asset")"
  [ "$code" = 200 ] && [ "$size" -gt 0 ] || fail "$asset answered $code ($size bytes)"
  echo "  $asset 200 ($size bytes)"
done

echo "== signed ingest round trip"
key=$(./AegisGuard keys create --org default --name smoke --scopes ingest,read --json --data ./data)
key_id=$(echo "$key" | sed -E 's/.*"id":"([^"]+)".*/\1/')
secret=$(echo "$key" | sed -E 's/.*"secret":"([^"]+)".*/\1/')
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
marker="single-file-smoke-$RANDOM$RANDOM"
body="{\"logs\":[{\"timestamp\":\"$now\",\"service\":\"smoke\",\"level\":\"info\",\"message\":\"$marker\"}]}"
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{print $2}')
code=$(curl -s -o ingest.json -w '%{http_code}' -X POST "$base/v1/logs" -H 'Content-Type: application/json' \
  -H "x-org-key: $key_id" -H "x-signature: sha256=$signature" -d "$body")
[ "$code" = 202 ] || fail "ingest answered $code: $(cat ingest.json)"
for _ in $(seq 1 300); do
  if curl -s "$base/api/logs?service=smoke" -H "Authorization: Bearer $key_id.$secret" | grep -q "$marker"; then
    echo "  202, then read back through /api/logs"
    break
  fi
  sleep 0.1
done
curl -s "$base/api/logs?service=smoke" -H "Authorization: Bearer $key_id.$secret" | grep -q "$marker" || fail "the batch never became readable"

stop_server
start_server "second (already extracted)"
curl -s "$base/api/logs?service=smoke" -H "Authorization: Bearer $key_id.$secret" | grep -q "$marker" || fail "the batch is gone after a restart"
stop_server
echo "single-file smoke: ok"
