#!/usr/bin/env bash
# Builds the JMH suite and runs it, then writes benchmarks/results.md and benchmarks/results.svg.
# Usage: benchmarks/run.sh [quick]   ("quick": fewer, shorter iterations, for a smoke run)
# Extra JMH options can be passed in JMH_OPTS, e.g. JMH_OPTS="-prof gc".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then export JAVA_HOME=$candidate; break; fi
  done
fi
echo "benchmarks: JDK at $JAVA_HOME"
mvn -q -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
out=benchmarks/target/jmh
mkdir -p "$out"
if [ "${1:-}" = quick ]; then iterations="-wi 1 -i 2 -w 1 -r 1"; else iterations="-wi 3 -i 5 -w 1 -r 1"; fi
java="$JAVA_HOME/bin/java"
# shellcheck disable=SC2086
"$java" -jar "$jar" "UncontendedBenchmark|SpringProxyBenchmark" -f 1 $iterations ${JMH_OPTS:-} -rf json -rff "$out/uncontended.json"
for threads in 2 8; do
  # shellcheck disable=SC2086
  "$java" -jar "$jar" "ContendedLockBenchmark" -t "$threads" -f 1 $iterations ${JMH_OPTS:-} -rf json -rff "$out/contended-$threads.json"
done
"$java" -Xmx3g -cp "$jar" dev.signalbox.benchmarks.AsyncWaiterFootprint 1000000 | tee "$out/footprint.txt"
# One JSON array from the three runs, then the report.
{ echo '['; sed -e '1d' -e '$d' "$out/uncontended.json"; echo ','; sed -e '1d' -e '$d' "$out/contended-2.json"; echo ',';
  sed -e '1d' -e '$d' "$out/contended-8.json"; echo ']'; } > "$out/all.json"
"$java" -cp "$jar" dev.signalbox.benchmarks.report.ResultsReport "$out/all.json" benchmarks/results.md benchmarks/results.svg
{ echo; echo '## Async waiters'; echo; sed 's/^/    /' "$out/footprint.txt";
  echo; echo "Run: $(date -u +%F), ${1:-full} mode ($iterations), $("$java" -version 2>&1 | head -1), $(nproc) cores."; } >> benchmarks/results.md
