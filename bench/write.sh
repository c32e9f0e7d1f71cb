#!/usr/bin/env bash
# Write benchmark: `kestrel inspect -r BIG -w OUT` vs `sysdig -r BIG -w OUT` on the 2M-event
# capture of bench/replay.sh, interleaved runs, median wall and CPU time (user+sys, all
# threads) and the ratio; then, with INSTR=1, instructions executed (valgrind cachegrind,
# every thread), which do not move with the load of other jobs on a shared machine.
#
#   bash bench/write.sh [RUNS]            INSTR=1 bash bench/write.sh [RUNS]    GZ=1 adds (c)
#
# kestrel runs as installed: bin/kestrel (KESTREL_CLI overrides). Output files go to a temp
# dir (WRITE_DIR overrides) and are removed; both sides write the same capture, so the page
# cache and the disk see the same amount of data.
#
# (a) no filter: every event is copied to the output;
# (b) `evt.type in (futex, write, read)`: ~10% of the events pass (40 of libs_sample's 402), every
#     event still goes through the state (the filter runs on sinsp's/kestrel's view);
# (c) with GZ=1: no filter, gzip output (`-w OUT.gz` / `sysdig -z -w OUT.gz`), mostly zlib.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
source bench/big-capture.sh  # after the cd: the project root
read -r -a CLI <<< "${KESTREL_CLI:-bin/kestrel}"
OUT=${WRITE_DIR:-$(mktemp -d)}
trap 'rm -f "$OUT"/k.scap "$OUT"/k.scap.gz "$OUT"/s.scap; [ -n "${WRITE_DIR:-}" ] || rmdir "$OUT"' EXIT
# one untimed run writes the bundle's code cache
"${CLI[@]}" inspect -r "$SHARED/data/scap/libs_sample.scap" -w "$OUT/k.scap" > /dev/null

FILTER_B='evt.type in (futex, write, read)'

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# "wall cpu" of one run, in ms (GNU time, 10 ms resolution); a failing run aborts. stderr is
# kept aside (sysdig -w prints its progress there) and shown only on failure.
timed() {
  local f e t0 t1; f=$(mktemp); e=$(mktemp)
  t0=$(date +%s%N)
  if ! /usr/bin/time -o "$f" -f '%U %S' "$@" > /dev/null 2> "$e"; then cat "$e" >&2; echo "bench: command failed: $*" >&2; exit 1; fi
  t1=$(date +%s%N)
  awk -v w=$(( (t1 - t0) / 1000000 )) '{printf "%d %d\n", w, ($1 + $2) * 1000}' "$f"; rm -f "$f" "$e"
}

bench() {
  local label=$1; shift
  local kw=() kc=() sw=() sc=() w c k=k.scap z=()
  if [ "${1:-}" = -z ]; then shift; k=k.scap.gz; z=(-z); fi
  for _ in $(seq "$RUNS"); do
    rm -f "$OUT/$k"; read -r w c < <(timed "${CLI[@]}" inspect -r "$BIG" -w "$OUT/$k" "$@"); kw+=("$w"); kc+=("$c")
    rm -f "$OUT/s.scap"; read -r w c < <(TZ=UTC timed sysdig -r "$BIG" "${z[@]}" -w "$OUT/s.scap" "$@"); sw+=("$w"); sc+=("$c")
  done
  local km sm kcm scm
  km=$(printf '%s\n' "${kw[@]}" | median); sm=$(printf '%s\n' "${sw[@]}" | median)
  kcm=$(printf '%s\n' "${kc[@]}" | median); scm=$(printf '%s\n' "${sc[@]}" | median)
  printf '%-22s kestrel %6.3f s   sysdig %6.3f s   kestrel/sysdig %5.2f   (cpu: kestrel %6.3f s, sysdig %6.3f s; out %s / %s bytes)\n' "$label" \
    "$(echo "$km/1000" | bc -l)" "$(echo "$sm/1000" | bc -l)" "$(echo "$km/$sm" | bc -l)" \
    "$(echo "$kcm/1000" | bc -l)" "$(echo "$scm/1000" | bc -l)" \
    "$(stat -c %s "$OUT/$k")" "$(stat -c %s "$OUT/s.scap")"
}

instr() {
  TZ=UTC valgrind --trace-children=yes --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/I +refs/ {gsub(",", "", $4); printf "%.0f", $4 / 1e6}'
}

echo "capture: $BIG ($(stat -c %s "$BIG") bytes), median of $RUNS runs, $(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg), kestrel: ${CLI[*]}"
bench "(a) -w, no filter"
bench "(b) -w, ~10% kept" "$FILTER_B"
[ "${GZ:-0}" != 1 ] || bench "(c) -w, gzip" -z
if [ "${INSTR:-0}" = 1 ]; then
  command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
  printf '%-22s %12s %12s   (instructions, valgrind)\n' '' 'kestrel' 'sysdig'
  rm -f "$OUT"/k.scap "$OUT"/s.scap
  printf '%-22s %10sM %10sM\n' '(a) -w, no filter' "$(instr "${CLI[@]}" inspect -r "$BIG" -w "$OUT/k.scap")" "$(instr sysdig -r "$BIG" -w "$OUT/s.scap")"
  rm -f "$OUT"/k.scap "$OUT"/s.scap
  printf '%-22s %10sM %10sM\n' '(b) -w, ~10% kept' "$(instr "${CLI[@]}" inspect -r "$BIG" -w "$OUT/k.scap" "$FILTER_B")" "$(instr sysdig -r "$BIG" -w "$OUT/s.scap" "$FILTER_B")"
fi
