#!/usr/bin/env bash
# Replay benchmark: `kestrel inspect` vs `sysdig -r` on a 2M-event capture, same filter on
# both sides, whole-process wall time, median of N runs (interleaved), and the ratio. The CPU
# time (user+sys, all threads) is printed beside it: kestrel reads the file ahead on a pool
# thread and V8 collects garbage on helper threads, so its CPU time can exceed its wall time.
#
#   bash bench/replay.sh [RUNS]
#
# kestrel runs as installed: bin/kestrel (the launcher; KESTREL_CLI overrides, e.g.
# "node dist/src/cli/index.js"), in the caller's environment.
#
# (a) a filter that matches nothing and does not name an event type (every event goes
#     through the state and the filter);
# (b) a heavier Falco-like filter (event types first, then fd/process/user conditions).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
source bench/big-capture.sh  # after the cd: the project root
# one untimed run writes the bundle's code cache.
read -r -a CLI <<< "${KESTREL_CLI:-bin/kestrel}"
"${CLI[@]}" inspect -r "$BIG" -n 1 'evt.num = 0' > /dev/null

FILTER_A='proc.name = no_such_process_kestrel'
FILTER_B='evt.type in (open, openat, openat2, execve, connect, accept, socket) and evt.dir = < and (fd.name startswith /etc or fd.typechar = 4 or fd.typechar = 6 or proc.name in (bash, sh, nc, curl) or user.uid = 12345) and not proc.pname in (sshd, systemd)'

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# "wall cpu" of one run, in ms (wall from the clock around it, cpu = user+sys from GNU time,
# 10 ms resolution); a failing run aborts.
timed() {
  local f t0 t1; f=$(mktemp)
  t0=$(date +%s%N)
  if ! /usr/bin/time -o "$f" -f '%U %S' "$@" > /dev/null; then echo "bench: command failed: $*" >&2; exit 1; fi
  t1=$(date +%s%N)
  awk -v w=$(( (t1 - t0) / 1000000 )) '{printf "%d %d\n", w, ($1 + $2) * 1000}' "$f"; rm -f "$f"
}

bench() {
  local label=$1 filter=$2
  local kw=() kc=() sw=() sc=() w c
  for _ in $(seq "$RUNS"); do
    read -r w c < <(timed "${CLI[@]}" inspect -r "$BIG" "$filter"); kw+=("$w"); kc+=("$c")
    read -r w c < <(TZ=UTC timed sysdig -r "$BIG" "$filter"); sw+=("$w"); sc+=("$c")
  done
  local km sm kcm scm
  km=$(printf '%s\n' "${kw[@]}" | median); sm=$(printf '%s\n' "${sw[@]}" | median)
  kcm=$(printf '%s\n' "${kc[@]}" | median); scm=$(printf '%s\n' "${sc[@]}" | median)
  printf '%-28s kestrel %6.3f s   sysdig %6.3f s   kestrel/sysdig %5.2f   (cpu: kestrel %6.3f s, sysdig %6.3f s)\n' "$label" \
    "$(echo "$km/1000" | bc -l)" "$(echo "$sm/1000" | bc -l)" "$(echo "$km/$sm" | bc -l)" \
    "$(echo "$kcm/1000" | bc -l)" "$(echo "$scm/1000" | bc -l)"
}

echo "capture: $BIG ($(stat -c %s "$BIG") bytes), median of $RUNS runs, $(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg), kestrel: ${CLI[*]}"
bench "(a) filter matching nothing" "$FILTER_A"
bench "(b) Falco-like filter" "$FILTER_B"
