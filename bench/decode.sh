#!/usr/bin/env bash
# Decode throughput, kestrel vs sysdig 0.29.3, on a 2M-event capture built from libs_sample.
#   bench/decode.sh [RUNS]          (default 5 runs each; medians and the ratio are printed)
# kestrel: `inspect -q` reads every block and decodes every parameter of every event;
# sysdig:  `-q` reads and parses every event without printing.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
source bench/big-capture.sh  # after the cd: the project root
# one untimed run writes the bundle's code cache.
bin/kestrel inspect -r "$BIG" -n 1 -q > /dev/null

# Wall time of one run, in seconds; a failing run aborts the benchmark.
run() {
  local t0 t1; t0=$(date +%s.%N)
  if ! "$@" >/dev/null; then echo "bench: command failed: $*" >&2; exit 1; fi
  t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

events=$(node --input-type=module -e "
import { ScapReader } from './dist/src/capture/scap-reader.js';
const r = await ScapReader.open('$BIG'); let n = 0; while (await r.nextBatch(() => { n++; })) {} console.log(n);")
k=(); s=()
for _ in $(seq "$RUNS"); do
  k+=("$(run bin/kestrel inspect -r "$BIG" -q)")
  s+=("$(TZ=UTC run sysdig -r "$BIG" -q)")
done
km=$(printf '%s\n' "${k[@]}" | median)
sm=$(printf '%s\n' "${s[@]}" | median)
echo "file: $BIG ($events events, $(stat -c %s "$BIG") bytes), $RUNS runs each, whole-process wall time"
echo "kestrel inspect -q : median ${km} s  ($(echo "$events / $km / 1000000" | bc -l | xargs printf '%.2f') M events/s)  runs: ${k[*]}"
echo "sysdig -q          : median ${sm} s  ($(echo "$events / $sm / 1000000" | bc -l | xargs printf '%.2f') M events/s)  runs: ${s[*]}"
echo "ratio kestrel/sysdig: $(echo "$km / $sm" | bc -l | xargs printf '%.2f')"
# The same decode without CLI start-up (module loading of every command), in-process.
echo "in-process (dist/bench/decode.js, reader + every parameter decoded):"
node dist/bench/decode.js "$BIG" "$RUNS" | tail -1
