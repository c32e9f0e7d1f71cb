#!/usr/bin/env python3
"""Prints the probe's own counters of a running kestrel process: "EVENTS DROPS" (sums over
CPUs and categories of the kes_counters map the process holds, read with bpftool).
   python3 bench/live-counters.py PID
kestrel inspect has no /metrics; this reads the same kernel-side counters /metrics reports."""
import json
import os
import re
import subprocess
import sys

pid = sys.argv[1]
ids = set()
for fd in os.listdir(f'/proc/{pid}/fdinfo'):
    try:
        with open(f'/proc/{pid}/fdinfo/{fd}') as f:
            m = re.search(r'map_id:\s*(\d+)', f.read())
    except OSError:
        continue
    if m:
        ids.add(int(m.group(1)))
for mid in sorted(ids):
    info = json.loads(subprocess.run(['bpftool', 'map', 'show', 'id', str(mid), '-j'], capture_output=True, text=True, timeout=60).stdout or '{}')
    if not info.get('name', '').startswith('kes_counters'):
        continue
    dump = json.loads(subprocess.run(['bpftool', 'map', 'dump', 'id', str(mid), '-j'], capture_output=True, text=True, timeout=60).stdout)
    events = drops = 0
    for cpu in dump[0]['values']:
        raw = bytes(int(b, 16) for b in cpu['value'])
        vals = [int.from_bytes(raw[i:i + 8], 'little') for i in range(0, len(raw), 8)]
        half = len(vals) // 2  # struct kes_counters { u64 events[N]; u64 drops[N]; }
        events += sum(vals[:half])
        drops += sum(vals[half:])
    print(events, drops)
    sys.exit(0)
sys.exit(f'no kestrel counters map held by pid {pid}')
