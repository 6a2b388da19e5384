#!/usr/bin/env bash
# Starts the demo: three local memcached nodes, two Tomcats and two Jettys sharing sessions.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f examples/src/main/java/io/mcsessions/examples/DemoLauncher.java ]; then
  cat >&2 <<'MSG'
The demo is not built yet: it arrives with the examples module (see docs/ and the README's status section).
Until then, `./test.sh` shows every failure scenario against real memcached processes.
MSG
  exit 1
fi
exec mvn -B -q -ntp -pl examples -am exec:java "$@"
