#!/usr/bin/env bash
# Replay benchmark: `kestrel inspect` vs `sysdig -r` on a 2M-event capture, same filter on
# both sides, whole-process wall time, median of N runs (interleaved), and the ratio.
#
#   bash bench/replay.sh [RUNS]
#
# (a) a filter that matches nothing and does not name an event type (every event goes
#     through the state and the filter);
# (b) a heavier Falco-like filter (event types first, then fd/process/user conditions).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BIG=${KESTREL_BIG:-/tmp/kestrel-big.scap}
SHARED=${KESTREL_SHARED:-$( [ -d ../shared ] && cd ../shared && pwd || echo /work/shared )}
if [ ! -s "$BIG" ]; then
  python3 "$SHARED/bench/make_big.py" --base "$SHARED/data/scap/libs_sample.scap" --out "$BIG" --min-events 2000000 >&2
fi
[ -f dist/src/cli/index.js ] || npx tsc -p tsconfig.json >&2
# inspect's bundle (one script + V8 code cache, see src/cli/commands/inspect/bundle-build.ts):
# rebuilt when a bundled module changed; one untimed run writes its code cache.
CLI=${KESTREL_CLI:-dist/src/cli/index.js}
BUILDER="$(dirname "$CLI")/commands/inspect/bundle-build.js"
if [ -f "$BUILDER" ]; then node "$BUILDER" --if-stale >&2; fi
node "$CLI" inspect -r "$BIG" -n 1 'evt.num = 0' > /dev/null

FILTER_A='proc.name = no_such_process_kestrel'
FILTER_B='evt.type in (open, openat, openat2, execve, connect, accept, socket) and evt.dir = < and (fd.name startswith /etc or fd.typechar = 4 or fd.typechar = 6 or proc.name in (bash, sh, nc, curl) or user.uid = 12345) and not proc.pname in (sshd, systemd)'

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench() {
  local label=$1 filter=$2
  local ks=() ss=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(now_ns); node "$CLI" inspect -r "$BIG" "$filter" > /dev/null; t1=$(now_ns)
    ks+=($(( (t1 - t0) / 1000000 )))
    t0=$(now_ns); TZ=UTC sysdig -r "$BIG" "$filter" > /dev/null; t1=$(now_ns)
    ss+=($(( (t1 - t0) / 1000000 )))
  done
  local km sm
  km=$(printf '%s\n' "${ks[@]}" | median)
  sm=$(printf '%s\n' "${ss[@]}" | median)
  printf '%-28s kestrel %7.3f s   sysdig %7.3f s   kestrel/sysdig %5.2f\n' "$label" \
    "$(echo "$km/1000" | bc -l)" "$(echo "$sm/1000" | bc -l)" "$(echo "$km/$sm" | bc -l)"
}

echo "capture: $BIG ($(stat -c %s "$BIG") bytes), median of $RUNS runs, $(nproc) cpus, load $(cut -d' ' -f1 /proc/loadavg)"
bench "(a) filter matching nothing" "$FILTER_A"
bench "(b) Falco-like filter" "$FILTER_B"
