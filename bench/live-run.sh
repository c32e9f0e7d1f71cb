#!/usr/bin/env bash
# Live-capture benchmarks of issue 3, printed as the README's "Performance" rows (a)-(e):
#   (a) a tight getppid loop (a syscall no rule needs) without kestrel, with the tracing floor
#       (empty programs on sys_enter/exit_openat: bench/floor/), with `kestrel run` (default
#       rules) and with `kestrel inspect -w /dev/null`; the target is kestrel's added cost
#       within 1.10x the floor's                                    (bench/live-floor.sh)
#   (b) an openat+close loop and (c) a fork+execve(/bin/true)+wait loop, without and with
#       `kestrel run`                                               (bench/live-floor.sh)
#   (d) the highest sustained event rate with zero drops, `kestrel run` and `kestrel inspect
#       -w FILE`, multi-process generator; (e) kestrel's RSS meanwhile (bench/live-rate.sh);
#       and how fast `kestrel run` drains a 1M-event backlog (bench/live-backlog.sh): the
#       generator shares the 2 CPUs with kestrel and is the limit of the sustained figure
#
#   bash bench/live-run.sh [ROUNDS]          (root, after `npm run setup`; ~15 min at 5 rounds)
#
# Loops report CPU time per iteration (user + system) except fork+exec (wall time), medians
# of ROUNDS interleaved rounds. Other BPF tracers on the machine spoil the "without" figures
# (they put every syscall on the tracing slow path): live-floor.sh waits for them to go.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
NPROC=${NPROC:-4}
EVENTS=${EVENTS:-2000000}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

field() { local v; v=$(sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"); echo "${v:-0}"; }
ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then printf '%.2fx' "$(echo "$1 / $2" | bc -l)"; else echo "n/a: no added cost above noise"; fi; }

echo "== (a) getppid, floor comparison ($ROUNDS rounds)" >&2
# Each part may fail alone (e.g. the addon being rebuilt meanwhile): its row then says n/a.
part() { { "$@" 2>&1 || echo "FAILED: $*"; } | tee -a "$LOG" | { grep '^RESULT' || true; }; }
A=$(part bash bench/live-floor.sh "$ROUNDS" 2000000)
echo "== (b) openat+close" >&2
B=$(LOOP="openclose 300000" STATES="none run" part bash bench/live-floor.sh "$ROUNDS")
echo "== (c) fork+exec" >&2
C=$(LOOP="forkexec 300" STATES="none run" part bash bench/live-floor.sh "$ROUNDS")
echo "== (d), (e) rate with zero drops" >&2
D1=$(part bash bench/live-rate.sh run "$NPROC" "$EVENTS")
D2=$(part bash bench/live-rate.sh inspect "$NPROC" "$EVENTS")
echo "== (d) consumer capacity: a 1M-event backlog" >&2
D3=$(part bash bench/live-backlog.sh 1000000)
sed -n '/^RESULT/!p' "$LOG" >&2

an=$(field none "$A"); af=$(field floor "$A"); ar=$(field run "$A"); ai=$(field inspect "$A")
bn=$(field none "$B"); br=$(field run "$B")
cn=$(field none "$C"); cr=$(field run "$C")
fl=$(echo "$af - $an" | bc -l); ru=$(echo "$ar - $an" | bc -l); ins=$(echo "$ai - $an" | bc -l)
echo
echo "| what | kestrel | command |"
echo "|---|---|---|"
printf '| (a) live capture overhead on a syscall no rule needs: tight `getppid` loop, CPU ns/call without anything → tracing floor (empty programs on `sys_enter/exit_openat`) → `kestrel run` (default rules) → `kestrel inspect -w`, median of %s interleaved rounds | %.0f → %.0f → %.0f → %.0f ns: added %.0f ns (floor), %.0f ns (run, **%s the floor**), %.0f ns (inspect, %s) | `bash bench/live-run.sh` (a) |\n' \
  "$ROUNDS" "$an" "$af" "$ar" "$ai" "$fl" "$ru" "$(ratio "$ru" "$fl")" "$ins" "$(ratio "$ins" "$fl")"
printf '| (b) `openat`+`close` loop (2 captured events per iteration), CPU ns/iteration without → with `kestrel run` | %.0f → %.0f ns (%s) | `bash bench/live-run.sh` (b) |\n' "$bn" "$br" "$(ratio "$br" "$bn")"
printf '| (c) `fork`+`execve(/bin/true)`+`wait` loop, wall µs/iteration without → with `kestrel run` | %.0f → %.0f µs (%s) | `bash bench/live-run.sh` (c) |\n' "$(echo "$cn / 1000" | bc -l)" "$(echo "$cr / 1000" | bc -l)" "$(ratio "$cr" "$cn")"
printf '| (d) highest sustained event rate with zero drops (%s processes making `close(-1)`, 8 MiB ring per CPU): `kestrel run` (default rules) / `kestrel inspect -w FILE` | %s / %s events/s (kestrel CPU per event %s / %s ns; generator + kestrel used %s%% / %s%% of the 2 CPUs) | `bash bench/live-run.sh` (d) |\n' \
  "$NPROC" "$(field best "$D1")" "$(field best "$D2")" "$(field ns_per_event "$D1")" "$(field ns_per_event "$D2")" "$(field cpu_share "$D1")" "$(field cpu_share "$D2")"
printf '| (d) consumer capacity: `kestrel run` (default rules) draining a backlog of 1M events left in its rings while it was stopped | %s events/s, %s ns CPU per event, %s drops | `bash bench/live-backlog.sh` |\n' \
  "$(field rate "$D3")" "$(field ns_per_event "$D3")" "$(field drops "$D3")"
printf '| (e) kestrel max RSS during (d): `kestrel run` / `kestrel inspect -w` | %s / %s MiB | `bash bench/live-run.sh` (e) |\n' "$(field rss_mib "$D1")" "$(field rss_mib "$D2")"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
