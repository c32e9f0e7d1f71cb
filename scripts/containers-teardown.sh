#!/usr/bin/env bash
# Stops what scripts/containers-setup.sh started, by the PIDs it recorded, after removing the
# test containers (label kestrel.test=1).
#   containers-teardown.sh [podman] [containerd] [docker]   stop these (default: all three)
#   KESTREL_CTR_USER=<pid> containers-teardown.sh --release
#       a test file is done: unregister it; when no registered user is left alive, stop the
#       daemons that containers-setup.sh started itself (never ones it found running).
# Safe to run when nothing is running.
set -uo pipefail
W=${KESTREL_CTR_DIR:-/tmp/kestrel-containers-test}
mkdir -p "$W/users"
exec 9>"$W/lock"
flock -w 600 9 || exit 1
release=0
which=()
for a in "$@"; do
  case "$a" in
    --release) release=1 ;;
    podman|containerd|docker) which+=("$a") ;;
    *) echo "containers-teardown: unknown argument '$a'" >&2; exit 2 ;;
  esac
done
if [ $release = 1 ]; then
  [ -n "${KESTREL_CTR_USER:-}" ] && rm -f "$W/users/$KESTREL_CTR_USER"
  for u in "$W"/users/*; do
    [ -e "$u" ] || continue
    if kill -0 "$(basename "$u")" 2>/dev/null; then exit 0; fi   # still in use
    rm -f "$u"
  done
  which=()
  for r in podman containerd docker; do [ -f "$W/$r.started-here" ] && which+=("$r"); done
  [ ${#which[@]} -eq 0 ] && exit 0
fi
[ ${#which[@]} -eq 0 ] && which=(podman containerd docker)
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
  rm -f "$W/$r.started-here"
done
exit 0
