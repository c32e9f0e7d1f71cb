#!/usr/bin/env bash
# Targets (d) and (e) of issue 3: the highest sustained event rate kestrel takes with zero
# drops, and its RSS meanwhile.
#
#   bash bench/live-rate.sh run|inspect [NPROC] [EVENTS] [RATE...]      (root, after setup)
#
#   run      `kestrel run` with its default rules; events and drops from its /metrics
#   inspect  `kestrel inspect -w FILE` (live capture to a file); drops from its probe
#            counters (bench/live-counters.py)
# One kestrel serves all steps. Each step, bench/live-gen.c forks NPROC processes that make
# EVENTS close(-1) calls (one captured event each) paced at RATE events/s in total; the step's
# drops are the counter's difference over the step (+ 2 s for the consumer to catch up).
# Prints one line per step: target and achieved rate, drops, kestrel's CPU per event and the
# share of the 2 CPUs the generator and kestrel used; then the highest zero-drop rate.
# Steps stop at the first one with drops. RATE 0 = as fast as the generator can.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-run}
NPROC=${2:-4}
EVENTS=${3:-2000000}
shift $(( $# < 3 ? $# : 3 ))
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(100000 200000 300000 400000 600000 800000 1000000 0)
RING_KIB=${RING_KIB:-8192}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/live-gen" bench/live-gen.c
PORT=$((20000 + RANDOM % 20000))

wait_attached() { # pid, programs
  for _ in $(seq 1 600); do
    n=$({ bpftool perf -j 2>/dev/null || true; } | { grep -o "\"pid\":$1," || true; } | wc -l)
    [ "$n" -ge "$2" ] && return 0
    kill -0 "$1" 2>/dev/null || { echo "kestrel exited before attaching:" >&2; cat "$TMP/k.err" >&2; exit 1; }
    sleep 0.2
  done
  echo "kestrel did not attach" >&2; exit 1
}
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {printf "%d\n", $2}'; }
counters() { # "events drops"
  if [ "$MODE" = run ]; then echo "$(metric falcosecurity_scap_n_evts_total) $(metric falcosecurity_scap_n_drops_total)"
  else python3 bench/live-counters.py "$K"; fi
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

if [ "$MODE" = run ]; then
  node dist/src/cli/index.js run -o webserver.listen_port=$PORT -o engine.modern_ebpf.buffer_dim_kb=$RING_KIB \
    -o 'syscall_event_drops.actions=[ignore]' >/dev/null 2>"$TMP/k.err" &
  K=$!
elif [ "$MODE" = inspect ]; then
  node dist/src/cli/index.js inspect -w "$TMP/live.scap" 2>"$TMP/k.err" &
  K=$!
else
  echo "usage: live-rate.sh run|inspect [NPROC] [EVENTS] [RATE...]" >&2; exit 2
fi
wait_attached "$K" 40
sleep 2
HZ=$(getconf CLK_TCK)
best=0; best_ns=0; best_share=0
printf '%-8s %10s %10s %8s %10s %12s %10s\n' mode target achieved drops "ns/event" "gen+kes CPU" "RSS MiB"
for rate in "${RATES[@]}"; do
  read -r e0 d0 < <(counters)
  c0=$(cpu_ticks "$K")
  out=$(nice -n 10 "$TMP/live-gen" close "$NPROC" "$EVENTS" "$rate" 2>"$TMP/gen.err")
  read -r _ secs achieved <<<"$out"
  sleep 2
  read -r e1 d1 < <(counters)
  c1=$(cpu_ticks "$K")
  gen_cpu=$(sed 's/.*CPU \([0-9.]*\) s user + \([0-9.]*\) s sys/\1 \2/' "$TMP/gen.err" | awk '{print $1 + $2}')
  drops=$((d1 - d0)); evs=$((e1 - e0))
  kes_s=$(echo "($c1 - $c0) / $HZ" | bc -l)
  ns_ev=$(echo "$kes_s * 1000000000 / ($evs + 1)" | bc -l)
  rss=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$K/status")
  share=$(echo "($gen_cpu + $kes_s) / ($secs + 2) / 2 * 100" | bc -l)
  printf '%-8s %10s %10s %8d %10.0f %11.0f%% %10s\n' "$MODE" "$rate" "$achieved" "$drops" "$ns_ev" "$share" "$rss"
  if [ "$drops" -eq 0 ]; then
    if [ "$achieved" -gt "$best" ]; then best=$achieved; best_ns=$ns_ev; best_share=$share; fi
  else
    break
  fi
done
kill -INT "$K"; wait "$K" 2>/dev/null || true
echo "$MODE: highest sustained rate with zero drops: $best events/s ($NPROC generator processes, ${RING_KIB} KiB rings, max RSS $rss MiB)"
echo "RESULT mode=$MODE best=$best rss_mib=$rss ns_per_event=$(printf '%.0f' "$best_ns") cpu_share=$(printf '%.0f' "$best_share")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
