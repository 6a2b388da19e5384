#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs memcached (and sasl2-bin) with apt-get when missing
# (the tests start their own memcached processes on free 127.0.0.1 ports), then builds and tests every module.
set -euo pipefail
cd "$(dirname "$0")"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: $1 is missing: $2" >&2; exit 2; }
}
need java "install a JDK 17 or newer (Debian: apt-get install -y openjdk-17-jdk-headless)"
need mvn "install Apache Maven 3.8 or newer (Debian: apt-get install -y maven)"

# memcached for the nodes the tests start; sasl2-bin for saslpasswd2, which the SASL tests use.
missing=()
if ! command -v memcached >/dev/null 2>&1 && [ ! -x /usr/bin/memcached ] && [ -z "${MEMCACHED_BIN:-}" ]; then
  missing+=(memcached)
fi
command -v saslpasswd2 >/dev/null 2>&1 || missing+=(sasl2-bin)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec mvn -B -ntp verify "$@"
