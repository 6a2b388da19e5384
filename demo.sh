#!/usr/bin/env bash
# Starts the demo: three local memcached nodes, two Tomcats and two Jettys sharing sessions (N=2).
#   ./demo.sh            run until Ctrl-C, which stops everything it started
#   ./demo.sh --tour     walk through every failure in the terminal, then exit
#   ports: --memcached-ports=21211,21212,21213 --tomcat-ports=8081,8082 --jetty-ports=8091,8092
set -euo pipefail
cd "$(dirname "$0")"

command -v java >/dev/null 2>&1 || { echo "demo.sh: java is missing: install a JDK 17 or newer" >&2; exit 2; }
command -v mvn >/dev/null 2>&1 || { echo "demo.sh: mvn is missing: install Apache Maven 3.8 or newer" >&2; exit 2; }
if ! command -v memcached >/dev/null 2>&1 && [ ! -x /usr/bin/memcached ] && [ -z "${MEMCACHED_BIN:-}" ]; then
  if [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; then
    echo "demo.sh: memcached is missing; installing it with apt-get" >&2
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq memcached >/dev/null
  else
    echo "demo.sh: memcached is missing: run 'sudo apt-get install -y memcached' (or set MEMCACHED_BIN)" >&2
    exit 2
  fi
fi

echo "Building the demo (the first run downloads the dependencies)..." >&2
mvn -B -q -ntp install -DskipTests -pl examples -am
mvn -B -q -ntp -pl examples dependency:build-classpath -Dmdep.outputFile=target/demo.classpath >/dev/null
exec java -cp "examples/target/classes:$(cat examples/target/demo.classpath)" io.mcsessions.examples.DemoLauncher "$@"
