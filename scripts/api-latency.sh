#!/usr/bin/env bash
# Measures the HTTP API's request latency while records are ingested: starts `connwatch run` on a
# scratch directory, posts the demo (gzip) in a loop from two clients, and times N requests to each
# read endpoint with curl. Prints p50 / p95 / p99 / max per endpoint, and the ingest rate reached.
# Usage: scripts/api-latency.sh [requests-per-endpoint]   (needs the built jar: see README)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-200}
work=$(mktemp -d)
port=18181
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
sed -e "s|^  port: 8080|  port: $port|" -e "s|data/outbox|$work/outbox|" -e "s|jsonl: data/alerts.jsonl|jsonl: \"\"|" \
    -e "s|console: true               # one line|console: false              # one line|" \
    -e "s|admin-token-file: data/admin-token|admin-token-file: $work/admin-token|" "$here/config/connwatch.yaml" > "$work/connwatch.yaml"
(cd "$here" && java -XX:+UseParallelGC -jar engine/target/connwatch.jar run --config "$work/connwatch.yaml" \
  > "$work/run.log" 2>&1) &
for i in $(seq 1 120); do
  grep -q "ingesting on" "$work/run.log" 2>/dev/null && break
  sleep 0.5   # polling a log for start-up in a script, not a test
done
token=$(cat "$work/admin-token")
auth="Authorization: Bearer $token"
stop=$work/stop
ingest() {
  while [ ! -f "$stop" ]; do
    curl -s -o /dev/null -H "$auth" -H "Content-Encoding: gzip" -H "Content-Type: application/x-ndjson" \
      --data-binary @"$here/samples/demo.jsonl.gz" "http://127.0.0.1:$port/ingest" || true
  done
}
ingest & ingest &
sleep 3   # let ingest reach a steady state
before=$(curl -s -H "$auth" "http://127.0.0.1:$port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])' 2>/dev/null || echo 0)
t0=$(date +%s.%N)
for path in /health /stats /api/v1/alerts/groups "/api/v1/alerts?state=active" /api/v1/silences /metrics "/api/v1/workbooks/overview"; do
  for i in $(seq 1 "$n"); do
    curl -s -o /dev/null -w "%{time_total}\n" -H "$auth" "http://127.0.0.1:$port$path"
  done > "$work/lat.txt"
  python3 - "$path" "$work/lat.txt" <<'PY'
import sys
xs=sorted(float(l) for l in open(sys.argv[2]) if l.strip())
q=lambda p: xs[min(len(xs)-1,int(p*len(xs)))]*1000
print(f"{sys.argv[1]:32s} n={len(xs)} p50={q(0.5):.1f} ms p95={q(0.95):.1f} ms p99={q(0.99):.1f} ms max={xs[-1]*1000:.1f} ms")
PY
done
t1=$(date +%s.%N)
after=$(curl -s -H "$auth" "http://127.0.0.1:$port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])' 2>/dev/null || echo 0)
touch "$stop"
python3 -c "print(f'ingest meanwhile: {($after-$before)/($t1-$t0):,.0f} records/s accepted over {$t1-$t0:.0f} s')"
