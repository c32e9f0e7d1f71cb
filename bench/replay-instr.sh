#!/usr/bin/env bash
# Instructions executed (valgrind cachegrind "I refs", every thread of the process) by
# `kestrel inspect -r` and `sysdig -r` on the replay benchmark's capture and filters.
#
#   bash bench/replay-instr.sh [KESTREL_CLI]     (default bin/kestrel, the installed launcher)
#
# Why: wall and CPU times on a shared 2-core machine move with the load of other jobs by 2-3x;
# instruction counts do not (repeat runs agree within ~1%), so they show whether a change
# helped when timings cannot. They are not times: V8 under valgrind tiers up later than
# natively, and sysdig's C++ and V8's JIT code retire instructions at different rates, so
# the kestrel/sysdig ratio here is not the wall-time ratio. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a CLI <<< "${1:-bin/kestrel}"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
source bench/big-capture.sh  # after the cd: the project root
"${CLI[@]}" inspect -r "$SHARED/data/scap/libs_sample.scap" 'evt.num = 0' > /dev/null  # writes the bundle's code cache

FILTER_A='proc.name = no_such_process_kestrel'
FILTER_B='evt.type in (open, openat, openat2, execve, connect, accept, socket) and evt.dir = < and (fd.name startswith /etc or fd.typechar = 4 or fd.typechar = 6 or proc.name in (bash, sh, nc, curl) or user.uid = 12345) and not proc.pname in (sshd, systemd)'

instr() {
  TZ=UTC valgrind --trace-children=yes --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/I +refs/ {gsub(",", "", $4); printf "%.0f", $4 / 1e6}'
}

printf '%-34s %12s %12s\n' '' 'kestrel' 'sysdig'
printf '%-34s %10sM %10sM\n' 'node -e "" (floor)' "$(instr node -e '')" '-'
printf '%-34s %10sM %10sM\n' 'start-up (libs_sample.scap, (a))' \
  "$(instr "${CLI[@]}" inspect -r "$SHARED/data/scap/libs_sample.scap" "$FILTER_A")" \
  "$(instr sysdig -r "$SHARED/data/scap/libs_sample.scap" "$FILTER_A")"
printf '%-34s %10sM %10sM\n' '(a) filter matching nothing' "$(instr "${CLI[@]}" inspect -r "$BIG" "$FILTER_A")" "$(instr sysdig -r "$BIG" "$FILTER_A")"
printf '%-34s %10sM %10sM\n' '(b) Falco-like filter' "$(instr "${CLI[@]}" inspect -r "$BIG" "$FILTER_B")" "$(instr sysdig -r "$BIG" "$FILTER_B")"
