#!/usr/bin/env bash
# Builds the JMH suite and runs all of it, then writes benchmarks/results.md, benchmarks/results.svg
# and the results section of BENCHMARKS.md (between its results:begin/results:end markers).
# Usage: benchmarks/run.sh [quick]   ("quick": fewer measured iterations; same benchmarks, same sizes)
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
rm -rf "$out"
mkdir -p "$out"
mode=${1:-full}
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
# Time-based benchmarks: warmup and measured iterations of 1 s. Batch benchmarks (one operation is a
# whole batch of virtual threads): warmup and measured batches.
if [ "$mode" = quick ]; then iterations="-wi 1 -i 2 -w 1 -r 1"; batches="-wi 1 -i 1"; else iterations="-wi 3 -i 5 -w 1 -r 1"; batches="-wi 1 -i 3"; fi
java="$JAVA_HOME/bin/java"
jmh() { # jmh NAME PATTERN OPTIONS...: one JMH run of the classes matching PATTERN, results in $out/NAME.json
  local name=$1 pattern=$2; shift 2
  # shellcheck disable=SC2086
  "$java" -jar "$jar" "$pattern" -f 1 "$@" ${JMH_OPTS:-} -rf json -rff "$out/$name.json"
}
# Every class but the two below runs on one thread (a new benchmark class is included by default).
# shellcheck disable=SC2086
jmh uncontended '^dev\.signalbox\.benchmarks\.' -e '\.(ContendedLockBenchmark|VirtualThreadsBenchmark)\.' $iterations
for threads in 2 8; do
  # shellcheck disable=SC2086
  jmh "contended-$threads" '\.ContendedLockBenchmark\.' -t "$threads" $iterations
done
# shellcheck disable=SC2086
jmh virtual-threads '\.VirtualThreadsBenchmark\.' $batches
"$java" -Xmx3g -cp "$jar" dev.signalbox.benchmarks.AsyncWaiterFootprint 1000000 "$out/async.properties"
"$java" -Xmx3g -cp "$jar" dev.signalbox.benchmarks.VirtualThreadFootprint 100000 "$out/virtual-threads.properties"
# The uncontended cluster-lock ratios, interleaved round by round (see ClusterLockInterleaved).
"$java" -cp "$jar" dev.signalbox.benchmarks.ClusterLockInterleaved 40 "$out/cluster.properties"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
note="$(date -u +%F), $mode mode (time-based: JMH $iterations; batches: $batches), $("$java" -version 2>&1 | head -1), $(nproc) cores${cpu:+ ($cpu)}, load average (1, 5, 15 min) when the run started: $load."
if awk -v busy="${load%% *}" -v cores="$(nproc)" 'BEGIN { exit !(busy + 0 > cores + 0) }'; then
  note="$note **The machine was busy when the run started (load above its number of cores): other processes took CPU time from the benchmarks at varying moments, so even ratios within this run are distorted. Rerun on a quiet machine before drawing conclusions.**"
fi
"$java" -cp "$jar" dev.signalbox.benchmarks.report.ResultsReport --json "$out/uncontended.json" \
  --json "$out/contended-2.json" --json "$out/contended-8.json" --json "$out/virtual-threads.json" \
  --facts "$out/async.properties" --facts "$out/virtual-threads.properties" --facts "$out/cluster.properties" \
  --md benchmarks/results.md --svg benchmarks/results.svg --splice BENCHMARKS.md --note "$note"
