#!/usr/bin/env bash
# Runs every benchmark (JMH for core, then the end-to-end load runs) and rewrites docs/BENCHMARKS.md and
# docs/benchmarks.svg. About 13 minutes on a 2-core machine; run it with nothing else busy.
# Options go to the runner: --quick (seconds instead of minutes, report under benchmarks/runner/target),
# --skip-jmh, --only=setup1,setup2 (or 'paused'), --output=FILE.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v memcached >/dev/null 2>&1; then
  echo "Installing memcached (Debian package)..."
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq memcached >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq memcached >/dev/null; fi
fi

mvn -B -ntp -q package -DskipTests -pl benchmarks/runner,benchmarks/tomcat,benchmarks/msm,benchmarks/jetty -am
exec java -Xms1g -Xmx1g -Dmcsessions.benchmarks.root="$PWD" \
  -cp "benchmarks/runner/target/classes:$(cat benchmarks/runner/target/classpath.txt)" \
  io.mcsessions.benchmarks.RunBenchmarks "$@"
