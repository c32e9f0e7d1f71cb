#!/usr/bin/env bash
# The consumer's own capacity, apart from what a generator on the same 2 CPUs can produce:
# `kestrel run` (default rules) is stopped (SIGSTOP) while bench/live-gen.c fills its rings
# with EVENTS close(-1) events, then continued; the time it takes to count them all
# (/metrics, polled every 20 ms) gives its drain rate with the whole machine's share it gets.
#
#   bash bench/live-backlog.sh [EVENTS] [RING_KIB]       (root, after setup)
#
# Prints events/s drained, kestrel's CPU per event, and drops (there must be none: the rings
# hold the whole backlog, 64 MiB per CPU by default).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-1000000}
RING_KIB=${2:-65536}
TMP=$(mktemp -d)
K=
trap '[ -z "$K" ] || kill -CONT "$K" 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/live-gen" bench/live-gen.c
PORT=$((20000 + RANDOM % 20000))
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {printf "%d\n", $2}'; }
node dist/src/cli/index.js run -o webserver.listen_port=$PORT -o engine.modern_ebpf.buffer_dim_kb=$RING_KIB \
  -o 'syscall_event_drops.actions=[ignore]' >/dev/null 2>"$TMP/k.err" &
K=$!
for _ in $(seq 1 600); do
  n=$({ bpftool perf -j 2>/dev/null || true; } | { grep -o "\"pid\":$K," || true; } | wc -l)
  [ "$n" -ge 40 ] && break
  kill -0 "$K" 2>/dev/null || { cat "$TMP/k.err" >&2; exit 1; }
  sleep 0.2
done
sleep 2
e0=$(metric falcosecurity_scap_n_evts_total); d0=$(metric falcosecurity_scap_n_drops_total)
kill -STOP "$K"
nice -n 10 "$TMP/live-gen" close 4 "$EVENTS" 0 >/dev/null 2>&1
c0=$(awk '{print $14 + $15}' "/proc/$K/stat")
t0=$(date +%s.%N)
kill -CONT "$K"
target=$((e0 + EVENTS))
while :; do
  e=$(metric falcosecurity_scap_n_evts_total || echo 0)
  [ -n "$e" ] && [ "$e" -ge "$target" ] && break
  sleep 0.02
done
t1=$(date +%s.%N)
c1=$(awk '{print $14 + $15}' "/proc/$K/stat")
d1=$(metric falcosecurity_scap_n_drops_total)
kill -INT "$K"; wait "$K" 2>/dev/null || true
HZ=$(getconf CLK_TCK)
secs=$(echo "$t1 - $t0" | bc -l)
printf 'backlog of %d events drained in %.2f s: %.0f events/s; kestrel CPU %.0f ns/event; drops %d\n' \
  "$EVENTS" "$secs" "$(echo "$EVENTS / $secs" | bc -l)" "$(echo "($c1 - $c0) / $HZ * 1000000000 / $EVENTS" | bc -l)" $((d1 - d0))
echo "RESULT mode=backlog rate=$(printf '%.0f' "$(echo "$EVENTS / $secs" | bc -l)") ns_per_event=$(printf '%.0f' "$(echo "($c1 - $c0) / $HZ * 1000000000 / $EVENTS" | bc -l)") drops=$((d1 - d0))"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
