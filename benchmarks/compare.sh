#!/usr/bin/env bash
# Compares the benchmarks of a base commit with those of the working tree, interleaved, in one run.
# Usage: benchmarks/compare.sh BASE [quick]      (BASE: any commit, e.g. a tag, a branch or 099ea20)
# Writes benchmarks/compare-results.md; raw JMH JSON and logs stay in benchmarks/target/compare/.
#
# What it does:
# - builds the benchmarks jar of BASE in a temporary detached worktree (benchmarks/target/compare-base,
#   removed afterwards) and of the working tree, and copies both jars to benchmarks/target/compare/;
# - lists the benchmark methods of both jars (java -jar X -l); a method in one jar only is listed as such;
# - in each of ROUNDS rounds, runs every method found in both jars with the base jar and with the
#   current jar back to back, one JMH fork each; which jar goes first alternates from one method to
#   the next and flips from one round to the next, so both jars see the same machine load on average;
# - uses run.sh's options: ContendedLockBenchmark with -t 2 and with -t 8, VirtualThreadsBenchmark in
#   batches; also runs the two footprint programs (AsyncWaiterFootprint, VirtualThreadFootprint) from
#   both jars in each round, with the same sizes for both (those of run.sh).
#   Full mode: -wi 3 -i 5 -w 1 -r 1, batches -wi 1 -i 3, 3 rounds.
#   Quick mode: -wi 1 -i 5 -w 1 -r 1, batches -wi 1 -i 2, 2 rounds. (Five measured iterations even in
#   quick mode: JMH's 99.9% interval over three iterations is about 18 standard deviations wide, which
#   would hide any regression; over five it is about 4.)
#   ROUNDS=n overrides the number of rounds; JMH_OPTS adds JMH options to every run (both jars);
#   MVN_OPTS adds Maven options to both builds (e.g. MVN_OPTS=-o). To rerun a few rows: ONLY=REGEX keeps
#   the rows whose method (or the word "footprints") matches the extended regex, SKIP_BUILD=1 reuses the
#   jars of the previous run in benchmarks/target/compare/ (if they are there), OUT=FILE writes elsewhere.
#
# How a row is judged (only the primary score of each benchmark; ContendedLockBenchmark's
# maxWaitMicros counter is not compared). For each round, worse = current/base when lower is better
# (ns/op, us/op, ms/op, bytes), base/current when higher is better (ops/us, ops/ms). The noise of a
# row is the largest of
#   (a) the JMH error: the median over rounds of (base error / base + current error / current), with
#       JMH's 99.9% half-intervals, i.e. the relative gap at which the two intervals stop overlapping
#       (left out where JMH gives no interval, with fewer than three measured iterations);
#   (b) the spread over rounds: for each jar, max/min - 1 of its scores over the rounds; the larger;
#   (c) a floor of 2%, under which these runs cannot tell a difference.
# Verdict: "regression" when the current is worse in every round and the median of worse over the
# rounds exceeds 1 + noise; "faster" for the mirror case; otherwise "same within noise" (with
# "slower" or "faster" added when every round points the same way, as a hint, not a finding).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ $# -lt 1 ]; then echo "usage: benchmarks/compare.sh BASE [quick]" >&2; exit 2; fi
base_ref=$1
mode=${2:-full}
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then export JAVA_HOME=$candidate; break; fi
  done
fi
java="$JAVA_HOME/bin/java"
command -v python3 >/dev/null || { echo "compare.sh needs python3 for its report" >&2; exit 2; }
base_sha=$(git rev-parse --verify "$base_ref^{commit}")
head_sha=$(git rev-parse HEAD)
dirty=$(git status --porcelain --untracked-files=no | head -1)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
started=$(date +%s)
if [ "$mode" = quick ]; then
  iterations="-wi 1 -i 5 -w 1 -r 1"; batches="-wi 1 -i 2"; rounds=${ROUNDS:-2}
else
  iterations="-wi 3 -i 5 -w 1 -r 1"; batches="-wi 1 -i 3"; rounds=${ROUNDS:-3}
fi
work=benchmarks/target/compare
basedir=benchmarks/target/compare-base
mkdir -p "$work"
find "$work" -mindepth 1 -maxdepth 1 ! -name base.jar ! -name current.jar ! -name base-build.log -exec rm -rf {} +
echo "compare: base $base_sha, current $head_sha${dirty:+ + uncommitted changes}, JDK at $JAVA_HOME, $mode mode, $rounds rounds"

# The two jars.
base_build=ok
if [ -n "${SKIP_BUILD:-}" ] && [ -f "$work/current.jar" ]; then
  echo "compare: SKIP_BUILD: reusing the jars in $work (built for an earlier run; the commits named are today's)"
  [ -f "$work/base.jar" ] || base_build="failed (earlier run)"
else
  rm -f "$work/base.jar" "$work/current.jar"
  # shellcheck disable=SC2086
  mvn ${MVN_OPTS:-} -q -pl benchmarks -am package -DskipTests
  cp benchmarks/target/benchmarks.jar "$work/current.jar"
  remove_base() { git worktree remove --force "$basedir" 2>/dev/null || true; rm -rf "$basedir"; git worktree prune; }
  trap remove_base EXIT
  remove_base
  git worktree add --quiet --detach "$basedir" "$base_sha"
  # shellcheck disable=SC2086
  if (cd "$basedir" && mvn ${MVN_OPTS:-} -q -pl benchmarks -am package -DskipTests) > "$work/base-build.log" 2>&1; then
    cp "$basedir/benchmarks/target/benchmarks.jar" "$work/base.jar"
  else
    base_build="failed (last lines of its log: $(tail -5 "$work/base-build.log" | tr '\n|' ' /'))"
    echo "compare: the base's benchmarks did not build; see $work/base-build.log" >&2
  fi
  remove_base
  trap - EXIT
fi

list() { [ -f "$1" ] && "$java" -jar "$1" -l 2>/dev/null | grep -E '^[a-z][A-Za-z0-9_.$]*\.[A-Za-z0-9_$]+$' | sort -u || true; }
list "$work/base.jar" > "$work/base.list"
list "$work/current.jar" > "$work/current.list"
comm -12 "$work/base.list" "$work/current.list" > "$work/both.list"
comm -23 "$work/base.list" "$work/current.list" > "$work/only-base.list"
comm -13 "$work/base.list" "$work/current.list" > "$work/only-current.list"

# Rows: "method threads": one per method, two for ContendedLockBenchmark (2 and 8 threads).
rows=()
all_rows=()
while read -r method; do
  [[ -z "${ONLY:-}" || $method =~ $ONLY ]] || continue
  case $method in
    *.ContendedLockBenchmark.*) rows+=("$method 2" "$method 8") ;;
    *) rows+=("$method -") ;;
  esac
done < "$work/both.list"
all_rows=("${rows[@]}")
[[ -z "${ONLY:-}" || footprints =~ $ONLY ]] && all_rows+=(footprints)
footprint_sizes="1000000 100000"   # AsyncWaiterFootprint, VirtualThreadFootprint: run.sh's sizes, both modes
cat > "$work/meta.properties" <<EOF
base=$base_sha
base_ref=$base_ref
current=$head_sha
dirty=${dirty:+yes}
jdk=$("$java" -version 2>&1 | head -1)
java_home=$JAVA_HOME
cores=$(nproc)
mode=$mode
rounds=$rounds
iterations=$iterations
batches=$batches
jmh_opts=${JMH_OPTS:-}
only=${ONLY:-}
load=$load
date=$(date -u '+%F %H:%M UTC')
base_build=$base_build
footprint_sizes=$footprint_sizes
EOF

run_one() { # run_one ROUND SIDE METHOD THREADS
  local round=$1 side=$2 method=$3 threads=$4 opts id dir
  dir="$work/r$round/$side"; mkdir -p "$dir"
  id=${method#dev.signalbox.benchmarks.}
  if [ "$threads" = - ]; then opts=$iterations; else opts="$iterations -t $threads"; id="$id@t$threads"; fi
  case $method in *.VirtualThreadsBenchmark.*) opts=$batches ;; esac
  # shellcheck disable=SC2086
  if ! "$java" -jar "$work/$side.jar" "^${method//./\\.}\$" -f 1 $opts ${JMH_OPTS:-} -rf json -rff "$dir/$id.json" > "$dir/$id.log" 2>&1; then
    echo "r$round $side $id" >> "$work/failures.list"
  fi
}
footprints() { # footprints ROUND SIDE
  local dir="$work/r$1/$2" async vt; mkdir -p "$dir"
  read -r async vt <<< "$footprint_sizes"
  "$java" -Xmx3g -cp "$work/$2.jar" dev.signalbox.benchmarks.AsyncWaiterFootprint "$async" "$dir/async.properties" > "$dir/async.log" 2>&1 \
    || echo "r$1 $2 AsyncWaiterFootprint" >> "$work/failures.list"
  "$java" -Xmx3g -cp "$work/$2.jar" dev.signalbox.benchmarks.VirtualThreadFootprint "$vt" "$dir/vt.properties" > "$dir/vt.log" 2>&1 \
    || echo "r$1 $2 VirtualThreadFootprint" >> "$work/failures.list"
}
touch "$work/failures.list"
if [ -f "$work/base.jar" ]; then
  for ((round = 1; round <= rounds; round++)); do
    i=0
    for row in "${all_rows[@]}"; do
      if (( (i + round) % 2 == 0 )); then order="base current"; else order="current base"; fi
      for side in $order; do
        if [ "$row" = footprints ]; then footprints "$round" "$side"; else run_one "$round" "$side" ${row}; fi
      done
      i=$((i + 1))
      echo "compare: round $round/$rounds, $i/${#all_rows[@]} done ($row; $(( ($(date +%s) - started) / 60 )) min so far)"
    done
  done
fi
echo "elapsed_minutes=$(( ($(date +%s) - started + 30) / 60 ))" >> "$work/meta.properties"

python3 - "$work" "${OUT:-benchmarks/compare-results.md}" <<'PY'
import glob, json, math, os, statistics, sys

work, out = sys.argv[1], sys.argv[2]
FLOOR = 0.02

def props(path):
    d = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.rstrip("\n")
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                d[k] = v
    return d

meta = props(os.path.join(work, "meta.properties"))
rounds = int(meta["rounds"])
# scores[key][side][round] = (score, error or None); key = (benchmark, params/threads, unit, higher_is_better)
scores, order = {}, []
def put(key, side, rnd, score, error):
    if key not in scores:
        scores[key] = {"base": {}, "current": {}}
        order.append(key)
    scores[key][side][rnd] = (score, error)

for rnd in range(1, rounds + 1):
    for side in ("base", "current"):
        d = os.path.join(work, f"r{rnd}", side)
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            try:
                entries = json.load(open(path))
            except Exception:
                continue
            for e in entries:
                name = e["benchmark"].replace("dev.signalbox.benchmarks.", "")
                extra = [f"{k}={v}" for k, v in sorted((e.get("params") or {}).items())]
                if e["threads"] != 1:
                    extra.append(f"{e['threads']} threads")
                pm = e["primaryMetric"]
                err = pm.get("scoreError")
                err = None if err in (None, "NaN") or (isinstance(err, float) and math.isnan(err)) else float(err)
                put((name, ", ".join(extra), pm["scoreUnit"], e["mode"] == "thrpt"), side, rnd, float(pm["score"]), err)
        a = props(os.path.join(d, "async.properties"))
        if "async.bytesPerWaiter" in a:
            put(("AsyncWaiterFootprint", f"{int(a['async.waiters']):,} pending acquisitions", "bytes/waiter", False),
                side, rnd, float(a["async.bytesPerWaiter"]), None)
            put(("AsyncWaiterFootprint: drained FIFO", "", "yes=1", True), side, rnd, 1.0 if a.get("async.fifo") == "true" else 0.0, None)
        v = props(os.path.join(d, "vt.properties"))
        for k in sorted(v):
            if k.endswith(".bytesPerThread"):
                put((f"VirtualThreadFootprint.{k.split('.')[1]}", f"{int(v['vt.threads']):,} virtual threads", "bytes/thread", False),
                    side, rnd, float(v[k]), None)

def fmt(x):
    if x is None:
        return ""
    a = abs(x)
    return f"{x:.0f}" if a >= 100 else f"{x:.1f}" if a >= 10 else f"{x:.2f}" if a >= 1 else f"{x:.3g}"

lines, counts = [], {}
for key in order:
    name, params, unit, higher = key
    b, c = scores[key]["base"], scores[key]["current"]
    common = sorted(set(b) & set(c))
    if not common:
        verdict = "no score from " + ("the base" if not b else "the current jar" if not c else "the same round in both")
        lines.append(f"| {name} | {params} | {unit} | | | | | | {verdict} |")
        counts[verdict] = counts.get(verdict, 0) + 1
        continue
    ratios = [c[r][0] / b[r][0] if b[r][0] else math.inf for r in common]
    worse = [(1 / x if x else math.inf) if higher else x for x in ratios]
    ratio, w = statistics.median(ratios), statistics.median(worse)
    jmh = [b[r][1] / b[r][0] + c[r][1] / c[r][0] for r in common
           if b[r][1] is not None and c[r][1] is not None and b[r][0] and c[r][0]]
    j = statistics.median(jmh) if jmh else 0.0
    def spread(side):
        vals = [side[r][0] for r in common]
        return max(vals) / min(vals) - 1 if len(vals) > 1 and min(vals) > 0 else 0.0
    s = max(spread(b), spread(c))
    noise = max(j, s, FLOOR)
    why = "JMH error" if noise == j else "round spread" if noise == s else "2% floor"
    if len(common) < 2:
        verdict = "one round only: not judged"
    elif all(x > 1 for x in worse) and w - 1 > noise:
        verdict = "**regression**"
    elif all(x < 1 for x in worse) and 1 / w - 1 > noise:
        verdict = "faster"
    elif all(x > 1 for x in worse):
        verdict = "same within noise (slower in every round)"
    elif all(x < 1 for x in worse):
        verdict = "same within noise (faster in every round)"
    else:
        verdict = "same within noise"
    counts[verdict] = counts.get(verdict, 0) + 1
    def score(side):
        sc = statistics.median(side[r][0] for r in common)
        errs = [side[r][1] for r in common if side[r][1] is not None]
        return fmt(sc) + (f" ± {fmt(statistics.median(errs))}" if errs else "")
    per_round = " / ".join(f"{x:.3f}" for x in ratios)
    lines.append(f"| {name} | {params} | {unit} {'(higher is better)' if higher else ''} | {score(b)} | {score(c)} | "
                 f"**{ratio:.3f}** | {per_round} | {noise * 100:.0f}% ({why}) | {verdict} |")

def listed(path):
    return [l.strip().replace("dev.signalbox.benchmarks.", "") for l in open(path)] if os.path.exists(path) else []
only_base, only_current = listed(os.path.join(work, "only-base.list")), listed(os.path.join(work, "only-current.list"))
failures = listed(os.path.join(work, "failures.list"))

with open(out, "w") as f:
    w = f.write
    w(f"# Benchmarks: {meta['base'][:10]} (base) against {meta['current'][:10]}{' + uncommitted changes' if meta.get('dirty') else ''} (current)\n\n")
    w(f"Written by `benchmarks/compare.sh {meta['base_ref']}{' quick' if meta['mode'] == 'quick' else ''}` on {meta['date']}: "
      f"base {meta['base']}, current {meta['current']}{' with uncommitted changes' if meta.get('dirty') else ''}; "
      f"{meta['jdk']}, {meta['cores']} cores; {meta['mode']} mode, {meta['rounds']} rounds "
      f"(time-based: JMH `{meta['iterations']}`; batches: `{meta['batches']}`{'; extra JMH options `' + meta['jmh_opts'] + '`' if meta['jmh_opts'] else ''}; "
      f"one fork per run; footprints with {meta['footprint_sizes'].replace(' ', ' and ')}); "
      f"load average (1, 5, 15 min) at the start: {meta['load']}; the whole comparison took {meta.get('elapsed_minutes', '?')} min. "
      f"Base build: {meta['base_build']}."
      + (f" Rows limited to those matching `{meta['only']}`." if meta.get('only') else "") + "\n\n")
    w("In every round each benchmark ran with the base jar and the current jar back to back (one JMH fork each), "
      "the first of the two alternating from one benchmark to the next and from one round to the next. "
      "Base and current: the median score over the rounds, ± the median of JMH's 99.9% half-intervals (none with fewer "
      "than three measured iterations). current/base: the median over rounds of the per-round ratio, then each round's ratio. "
      "Lower is better unless the unit says otherwise.\n\n"
      "Noise: the largest of (a) JMH's error, the median over rounds of the two relative half-intervals added "
      "(the gap at which the intervals stop overlapping), (b) the spread over rounds, max/min - 1 of one jar's scores, "
      "the larger of the two jars, (c) 2%. **regression**: the current is worse in every round and the median of "
      "worse (current/base, or base/current where higher is better) is beyond 1 + noise; faster is the mirror; "
      "otherwise the row is the same within noise (the note in brackets says when every round pointed the same way: a "
      "hint, not a finding).\n\n")
    w("Summary: " + "; ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1])) + ".\n\n")
    w("| benchmark | params / threads | unit | base | current | current/base | per round | noise | verdict |\n")
    w("|---|---|---|---:|---:|---:|---|---:|---|\n")
    for line in lines:
        w(line + "\n")
    w("\n")
    w("Only in the base jar: " + (", ".join(f"`{x}`" for x in only_base) if only_base else "none") + ".\n\n")
    w("Only in the current jar: " + (", ".join(f"`{x}`" for x in only_current) if only_current else "none") + ".\n\n")
    if failures:
        w("Runs that failed (their logs are in benchmarks/target/compare/): " + ", ".join(f"`{x}`" for x in failures) + ".\n")
print(open(out).read())
PY
