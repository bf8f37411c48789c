#!/usr/bin/env sh
# Prints what the shipped rules detect, normalised so two builds can be compared line by line:
# the verdict of every shipped rule fixture (test-rules), then every alert of the README's demo
# replay and of any further files given, without the fields that differ from run to run (the
# alert's id and its wall-clock detectedAt), sorted. An optimisation must leave this unchanged:
#
#   scripts/detections.sh > before.txt            # with the old jar built
#   ./mvnw -q -B package -DskipTests && scripts/detections.sh > after.txt && diff before.txt after.txt
#
# CONNWATCH_JAR picks another jar (e.g. a copy of the old one) instead of engine/target/connwatch.jar.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${CONNWATCH_JAR:-$here/engine/target/connwatch.jar}
java=${JAVA:-java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"
echo "## test-rules"
"$java" -XX:+UseParallelGC -jar "$jar" test-rules 2>&1 | grep -E '^(PASS|FAIL|test-rules:)' | sort
for f in samples/demo.jsonl.gz "$@"; do
  echo "## replay $(basename "$f")"
  "$java" -XX:+UseParallelGC -jar "$jar" replay --output jsonl "$f" 2>"$work/err" >"$work/alerts" || { cat "$work/err" >&2; exit 1; }
  grep -E '^replayed ' "$work/err" | sed -E 's/ in [0-9.]+ s \([0-9,]+ records\/s\)//'
  python3 - "$work/alerts" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    a = json.loads(line)
    a.pop("id", None)
    a.pop("detectedAt", None)
    rows.append(json.dumps(a, sort_keys=True))
rows.sort()
print(f"{len(rows)} alerts")
for r in rows:
    print(r)
PY
done
