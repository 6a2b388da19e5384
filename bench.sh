#!/usr/bin/env bash
# Runs every benchmark (JMH for core, the end-to-end load runs with wrk and with the Java load generator, the
# heap-per-session runs, the paused-node run) and rewrites docs/BENCHMARKS.md and docs/benchmarks.svg. About
# 40 minutes on a 2-core machine; run it with nothing else busy.
# Options go to the runner: --quick (seconds instead of minutes, report under benchmarks/runner/target),
# --skip-jmh, --only=setup1,setup2 (or 'paused', 'heap'), --generators=wrk,java, --mixes=writes,reads90,
# --passes=N, --heap=setup1,setup2, --output=FILE.
set -euo pipefail
cd "$(dirname "$0")"

# memcached for the nodes, wrk for the load: Debian packages, installed when missing.
missing=()
command -v memcached >/dev/null 2>&1 || missing+=(memcached)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} (Debian packages)..."
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${missing[@]}" >/dev/null; fi
fi

mvn -B -ntp -q package -DskipTests -pl benchmarks/runner,benchmarks/tomcat,benchmarks/msm,benchmarks/jetty -am
exec java -Xms1g -Xmx1g -Dmcsessions.benchmarks.root="$PWD" \
  -cp "benchmarks/runner/target/classes:$(cat benchmarks/runner/target/classpath.txt)" \
  io.mcsessions.benchmarks.RunBenchmarks "$@"
