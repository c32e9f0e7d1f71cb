#!/usr/bin/env python3
# Interleaved A/B of whole commands: CPU time (user+sys of the child, from wait4) and wall time,
# median and minimum over RUNS rounds. On a shared machine the minimum CPU time is the steadier
# figure; compare variants run in the same rounds, never across sessions.
#
#   python3 bench/cpu-ab.py RUNS 'label::command' ['label::command' ...]
#   e.g. python3 bench/cpu-ab.py 9 "kestrel::node dist/src/cli/index.js inspect -r /tmp/kestrel-big.scap 'proc.name = x'" \
#                                   "sysdig::sysdig -r /tmp/kestrel-big.scap 'proc.name = x'"
import os, statistics, subprocess, sys, time

runs = int(sys.argv[1])
variants = [a.split('::', 1) for a in sys.argv[2:]]
res = {label: ([], []) for label, _ in variants}
env = dict(os.environ, TZ='UTC')
for _ in range(runs):
    for label, cmd in variants:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if status != 0:
            sys.exit(f'{label}: command failed (status {status}): {cmd}')
        res[label][0].append(ru.ru_utime + ru.ru_stime)
        res[label][1].append(wall)
print(f'{runs} interleaved rounds, load {os.getloadavg()[0]:.2f}')
for label, _ in variants:
    cpu, wall = res[label]
    print(f'{label:24s} cpu median {statistics.median(cpu):.3f} s  min {min(cpu):.3f} s   wall median {statistics.median(wall):.3f} s  min {min(wall):.3f} s')
