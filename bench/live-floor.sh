#!/usr/bin/env bash
# Target A of issue 3: the added cost on a syscall no rule needs, against the tracing floor.
#
#   bash bench/live-floor.sh [ROUNDS] [CALLS]        (root, after `npm run setup`)
#   LOOP="openclose 300000" STATES="none run" bash bench/live-floor.sh 5   (another loop of
#   bench/live-loop.c, a subset of the states; bench/live-run.sh uses this for (b) and (c))
#
# A tight getppid loop (bench/live-loop.c, CPU ns per call) runs, in interleaved rounds, with
#   none     nothing attached,
#   floor    empty programs on syscalls:sys_enter_openat/sys_exit_openat (bench/floor/): every
#            syscall then takes the kernel's syscall-tracing slow path, the least any
#            per-syscall tracer can cost a syscall it does not trace,
#   run      `kestrel run` with its default rules,
#   inspect  `kestrel inspect -w /dev/null` (the default live syscall set).
# Prints the medians and (X - none) / (floor - none) for run and inspect; target: <= 1.10.
#
# Any other tracer sets the syscall-tracing flag for every task and spoils "none", so each
# measurement waits until `bpftool perf` shows no program but the one being measured.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
CALLS=${2:-2000000}
LOOP=${LOOP:-getppid $CALLS}
STATES=${STATES:-none floor run inspect}
has() { [[ " $STATES " == *" $1 "* ]]; }
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT
gcc -O2 -o "$TMP/live-loop" bench/live-loop.c
bash bench/floor/build.sh "$TMP" >/dev/null
KESTREL="node dist/src/cli/index.js"

# Waits until no process but $1 (or none) has a perf-attached BPF program; gives up after 10 min.
others() { { bpftool perf -j 2>/dev/null || true; } | { grep -o '"pid":[0-9]*' || true; } | { grep -v "\"pid\":${1:-x}\$" || true; } | sort -u | wc -l; }
wait_quiet() {
  for _ in $(seq 1 120); do
    [ "$(others "${1:-}")" = 0 ] && return 0
    sleep 5
  done
  echo "warning: other BPF tracers stayed attached; figures are spoiled" >&2
}
# Waits until $1 has at least $2 perf-attached programs.
wait_attached() {
  for _ in $(seq 1 600); do
    n=$({ bpftool perf -j 2>/dev/null || true; } | { grep -o "\"pid\":$1," || true; } | wc -l)
    [ "$n" -ge "$2" ] && return 0
    kill -0 "$1" 2>/dev/null || { echo "process $1 exited before attaching" >&2; exit 1; }
    sleep 0.2
  done
  echo "process $1 did not attach" >&2; exit 1
}
loop() { "$TMP/live-loop" $LOOP; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

: >"$TMP/none.ns"; : >"$TMP/floor.ns"; : >"$TMP/run.ns"; : >"$TMP/inspect.ns"
for r in $(seq 1 "$ROUNDS"); do
  if has none; then wait_quiet; loop >>"$TMP/none.ns"; fi

  if has floor; then
    wait_quiet
    "$TMP/floor" "$TMP/floor.bpf.o" >"$TMP/floor.out" </dev/null &
    FL=$!; wait_attached "$FL" 2
    wait_quiet "$FL"; loop >>"$TMP/floor.ns"
    kill "$FL"; wait "$FL" 2>/dev/null || true
  fi

  if has run; then
    wait_quiet
    $KESTREL run -M 600 -o webserver.enabled=false >/dev/null 2>"$TMP/run.err" &
    K=$!; wait_attached "$K" 60; sleep 1
    wait_quiet "$K"; loop >>"$TMP/run.ns"
    kill -INT "$K"; wait "$K" || true
  fi

  if has inspect; then
    wait_quiet
    $KESTREL inspect -M 600 -w /dev/null 2>"$TMP/inspect.err" &
    K=$!; wait_attached "$K" 60; sleep 1
    wait_quiet "$K"; loop >>"$TMP/inspect.ns"
    kill -INT "$K"; wait "$K" || true
  fi
  echo "round $r ($LOOP): none $(tail -1 "$TMP/none.ns")  floor $(tail -1 "$TMP/floor.ns")  run $(tail -1 "$TMP/run.ns")  inspect $(tail -1 "$TMP/inspect.ns")" >&2
done
med() { [ -s "$TMP/$1.ns" ] && median <"$TMP/$1.ns" || echo 0; }
N=$(med none); F=$(med floor); R=$(med run); I=$(med inspect)
# One machine-readable line (bench/live-run.sh reads it), then the human summary.
echo "RESULT loop=${LOOP%% *} rounds=$ROUNDS none=$N floor=$F run=$R inspect=$I"
ratio() { [ "$(echo "$2 > 0" | bc)" = 1 ] && printf '%.2f' "$(echo "$1 / $2" | bc -l)" || echo n/a; }
printf '%s, median of %d interleaved rounds (CPU ns per iteration; wall for forkexec): none %s, floor %s, kestrel run %s, kestrel inspect -w %s\n' "$LOOP" "$ROUNDS" "$N" "$F" "$R" "$I"
if has floor; then
  printf 'added cost over none: floor %.0f ns, run %.0f ns (%sx the floor), inspect %.0f ns (%sx the floor)\n' \
    "$(echo "$F - $N" | bc -l)" "$(echo "$R - $N" | bc -l)" "$(ratio "$(echo "$R - $N" | bc -l)" "$(echo "$F - $N" | bc -l)")" \
    "$(echo "$I - $N" | bc -l)" "$(ratio "$(echo "$I - $N" | bc -l)" "$(echo "$F - $N" | bc -l)")"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
