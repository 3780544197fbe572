#!/usr/bin/env bash
# Runs every benchmark and writes its sections of BENCHMARKS.md (Submission, Pacing, Retry storm, Scale) and the
# plots under bench/results/:
#
#   bench/run.sh quick                      # a few minutes on a quiet 2-core machine
#   bench/run.sh full                       # the sizes the issues name; the better part of an hour
#   bench/run.sh quick --only=pacing,storm  # some of them (submission, pacing, storm, scale)
#
# Builds what it needs without installing anything into ~/.m2 (mvn package -pl bench -am) when a source or pom is
# newer than the last build (BENCH_BUILD=always|never to force), installs the Debian tools it uses when they are
# missing (redis-tools for redis-benchmark; fonts for the plots), then runs the Java harness. Service logs go to
# bench/target/logs/<time>/; BENCH_JAVA_OPTS adds harness JVM options, e.g. BENCH_JAVA_OPTS=-Dbench.jfr=true records a
# JFR CPU profile of every service there. Exits non-zero if a benchmark could not run (a missed goal is not a failure: it is
# reported in BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-}"
case "$mode" in
  quick|full) shift ;;
  *) echo "usage: bench/run.sh quick|full [--only=submission,pacing,storm,scale] [--out=FILE] [--results=DIR]" >&2; exit 2 ;;
esac

need=()
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -q .; } || need+=(fontconfig fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "== missing ${need[*]}: install them with apt-get (continuing without)" >&2
  fi
fi

stamp=bench/target/classpath.txt
build="${BENCH_BUILD:-auto}"
if [ "$build" = auto ]; then
  build=never
  if [ ! -f "$stamp" ] || [ ! -f launcher/target/ezthrottle.jar ] \
     || [ -n "$(find pom.xml ./*/pom.xml ./*/src -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
    build=always
  fi
fi
if [ "$build" = always ]; then
  echo "== building (mvn -B -q package -pl bench -am -DskipTests)"
  mvn -B -q -o package -pl bench -am -DskipTests || mvn -B -q package -pl bench -am -DskipTests
fi

echo "== load before the run: $(uptime)"
# The harness is the measuring instrument: its upstream stubs stamp each arrival, so a stop-the-world pause here
# would show up as calls bunched at the upstream. G1 paused it for 150-330 ms on a busy 2-core box; ZGC's pauses are
# under a millisecond (BENCH_HARNESS_GC=-XX:+UseG1GC to compare). Its GC log is kept next to the build output.
mkdir -p bench/target
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
exec java -Xms512m -Xmx3g ${BENCH_HARNESS_GC:--XX:+UseZGC} -Xlog:gc:file=bench/target/harness-gc.log:timemillis ${BENCH_JAVA_OPTS:-} \
  -Dbench.root="$PWD" \
  -Dbench.platform.jar="$PWD/launcher/target/ezthrottle.jar" \
  -Dbench.command="bench/run.sh $mode${*:+ $*}" \
  -cp "bench/target/classes:$(cat "$stamp")" \
  io.ezthrottle.bench.BenchMain "$mode" "$@"
