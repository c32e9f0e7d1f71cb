#!/usr/bin/env bash
# Stops what scripts/containers-setup.sh started, by the PIDs it recorded, after removing the
# test containers (label kestrel.test=1). usage: containers-teardown.sh [podman] [containerd] [docker]
# (default: both). Safe to run when nothing is running.
set -uo pipefail
W=${KESTREL_CTR_DIR:-/tmp/kestrel-containers-test}
which=("$@"); [ ${#which[@]} -eq 0 ] && which=(podman containerd docker)
stop() {
  local f="$W/$1.pid"
  [ -f "$f" ] || return 0
  local p; p=$(cat "$f")
  if kill "$p" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$f"
}
for r in "${which[@]}"; do
  case "$r" in
    podman)
      timeout 30 podman rm -f -t 0 --filter label=kestrel.test=1 >/dev/null 2>&1 || true
      stop podman-service ;;
    containerd) stop containerd ;;
    docker)
      if [ -S "$W/docker.sock" ]; then
        ids=$(timeout 10 /usr/bin/docker -H "unix://$W/docker.sock" ps -aq --filter label=kestrel.test=1 2>/dev/null)
        [ -n "$ids" ] && timeout 30 /usr/bin/docker -H "unix://$W/docker.sock" rm -f $ids >/dev/null 2>&1
      fi
      stop dockerd ;;
  esac
done
