#!/bin/bash
# CPU time and context switches per thread group of a running benchmark server, over an interval: what each kind of
# thread costs, and how often it sleeps and wakes, which JFR's execution samples do not tell (they sample runnable
# threads, not CPU time).
#   benchmarks/thread-cpu.sh PATTERN SECONDS
# PATTERN picks the server JVM by its command line (e.g. benchmarks/tomcat/target/classes, benchmarks/msm/target);
# run it while ./bench.sh measures that server. Thread names are cut to 15 characters by Linux; numbers become #.
# Divide by the requests (or memcached operations) of the interval for a figure per request (or per operation).
set -euo pipefail
pattern=${1:?"usage: $0 PATTERN SECONDS"}
seconds=${2:?"usage: $0 PATTERN SECONDS"}
pid=$(pgrep -f "^[^ ]*java .*$pattern" | head -1) || { echo "no java process matches $pattern" >&2; exit 1; }
snapshot() {
    for task in /proc/"$pid"/task/*; do
        name=$(tr ' ' '_' < "$task/comm" 2>/dev/null) || continue
        read -r -a fields <<< "$(sed 's/.*) //' "$task/stat" 2>/dev/null)" || continue
        switches=$(awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n + 0 }' "$task/status" 2>/dev/null) \
            || continue
        # utime + stime in clock ticks, then voluntary + involuntary context switches
        echo "$(basename "$task") $((fields[11] + fields[12])) $switches $name"
    done | sort
}
before=$(snapshot)
sleep "$seconds"
after=$(snapshot)
join <(echo "$before") <(echo "$after") | awk '{
    d = $5 - $2; s = $6 - $3; name = $4; gsub(/[0-9]+/, "#", name); ticks[name] += d; switches[name] += s; total += d
} END {
    for (n in ticks) if (ticks[n] > 0 || switches[n] > 0)
        printf "%7d ticks %5.1f%% %9d context switches  %s\n", ticks[n], total ? 100 * ticks[n] / total : 0, switches[n], n | "sort -rn"
    close("sort -rn")
    printf "in all: %d ticks in %s s (%.2f cores)\n", total, '"$seconds"', total / 100 / '"$seconds"'
}'
