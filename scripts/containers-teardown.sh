#!/usr/bin/env bash
# Stops what scripts/containers-setup.sh started (by the PIDs it recorded), and removes the
# test containers it knows by name. Safe to run when nothing is running.
set -uo pipefail
W=${KESTREL_CTR_DIR:-/tmp/kestrel-containers-test}
podman rm -f -t 0 --filter label=kestrel.test=1 >/dev/null 2>&1 || true
for f in podman-service containerd; do
  if [ -f "$W/$f.pid" ]; then
    p=$(cat "$W/$f.pid")
    kill "$p" 2>/dev/null && for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    rm -f "$W/$f.pid"
  fi
done
