#!/usr/bin/env bash
# Idempotent, time-bounded set-up of real container runtimes for test/containers/ (and for
# trying kestrel by hand). Follows ../shared/tools/{podman-setup.sh,containerd-setup.sh}
# (facts about this machine kind: runc not crun, cgroupfs, no systemd, no registry, root
# without CAP_SYS_RESOURCE), but only does what is missing, so a second run takes < 1 s.
#
# usage: scripts/containers-setup.sh [podman] [containerd] [docker]     (default: all three)
# Leaves running (PIDs in $W/*.pid, stop with scripts/containers-teardown.sh):
#   podman API  on /run/podman/podman.sock      (libpod + Docker-compatible endpoints)
#   containerd  on $W/containerd.sock            (ctr + CRI runtime.v1 on the same socket)
#   dockerd     on $W/docker.sock                (Docker Engine from Debian's docker.io; own
#                                                  data/exec roots, no bridge/iptables: --network none)
# Images: localhost/testimg:1 (podman store; containerd namespaces default and k8s.io) and a
# stand-in registry.k8s.io/pause:3.6 in k8s.io for CRI pod sandboxes.
# Prints `key=value` lines at the end (podman_sock, containerd_sock, containerd_root...).
# Exit status: 0 when every requested runtime is usable; 3 when the packages could not be
# installed (no Debian mirror); 1 otherwise (with the reason on stderr).
# `started_<runtime>=1` lines say which daemons this run started; `<runtime>.started-here`
# marks them for `containers-teardown.sh --release` (daemons found running are left alone).
set -uo pipefail
W=${KESTREL_CTR_DIR:-/tmp/kestrel-containers-test}
IMG=${IMG:-localhost/testimg:1}
PAUSE=registry.k8s.io/pause:3.6
HERE=$(cd "$(dirname "$0")" && pwd)
MKOCI=${MKOCI:-$HERE/../../shared/tools/mkoci.py}   # CI has ../shared next to the repo
log() { printf 'containers-setup: %s\n' "$*" >&2; }
mkdir -p "$W/users"
# Test files run in parallel: one set-up at a time, and each user (KESTREL_CTR_USER=<pid>)
# registered so that containers-teardown.sh --release stops daemons only after the last one.
exec 9>"$W/lock"
flock -w 600 9 || { log "could not lock $W/lock"; exit 1; }
[ -n "${KESTREL_CTR_USER:-}" ] && : > "$W/users/$KESTREL_CTR_USER"

want_podman=0; want_containerd=0; want_docker=0
if [ $# -eq 0 ]; then want_podman=1; want_containerd=1; want_docker=1; fi
for a in "$@"; do
  case "$a" in
    podman) want_podman=1 ;;
    containerd) want_containerd=1 ;;
    docker) want_docker=1 ;;
    *) log "unknown runtime '$a' (podman|containerd|docker)"; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }

pkgs=(runc busybox-static)
[ $want_podman = 1 ] && pkgs+=(podman)
[ $want_containerd = 1 ] && pkgs+=(containerd)
[ $want_docker = 1 ] && pkgs+=(docker.io)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get -o DPkg::Lock::Timeout=180 update -qq >/dev/null 2>&1 || true
  if ! timeout 600 apt-get -o DPkg::Lock::Timeout=180 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    log "apt-get install ${missing[*]} failed"; exit 3
  fi
fi

# A busybox root filesystem, shared by both image builds.
R="$W/bbroot"
if [ ! -x "$R/bin/sleep" ]; then
  rm -rf "$R"; mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/root"
  cp /bin/busybox "$R/bin/busybox"
  for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"; echo 'root:x:0:' > "$R/etc/group"
fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
status=0

if [ $want_podman = 1 ]; then
  # runc: crun 1.8.1 refuses the v1/v2 hybrid; rlimits within the VM's hard limit; no systemd.
  conf='[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"'
  mkdir -p /etc/containers
  if [ "$(cat /etc/containers/containers.conf 2>/dev/null)" != "$conf" ]; then
    printf '%s\n' "$conf" > /etc/containers/containers.conf
  fi
  if ! timeout 30 podman image exists "$IMG" 2>/dev/null; then
    log "building $IMG (podman import)"
    tar -C "$R" -c . | timeout 60 podman import --change 'LABEL org.example.suite=kestrel' \
      --change 'CMD ["/bin/sh"]' - "$IMG" >/dev/null || { log "podman import failed"; status=1; }
  fi
  if ! curl -s -m 2 --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1; then
    log "starting podman system service"
    mkdir -p /run/podman
    setsid podman system service --time=0 unix:///run/podman/podman.sock >"$W/podman-service.log" 2>&1 < /dev/null 9>&- &
    echo $! > "$W/podman-service.pid"
    echo "started_podman=1"
    : > "$W/podman.started-here"
    ok=0
    for _ in $(seq 100); do
      curl -s -m 1 --unix-socket /run/podman/podman.sock http://d/_ping >/dev/null 2>&1 && { ok=1; break; }
      sleep 0.1
    done
    [ $ok = 1 ] || { log "podman API did not come up (see $W/podman-service.log)"; status=1; }
  fi
  echo "podman_sock=/run/podman/podman.sock"
fi

if [ $want_containerd = 1 ]; then
  # A private containerd (own root, state and socket) so the suite never touches a system one.
  # restrict_oom_score_adj: root lacks CAP_SYS_RESOURCE here, the pause container's
  # oom_score_adj=-998 fails without it. The CRI plugin shares the socket.
  S="$W/containerd.sock"
  cat > "$W/containerd.toml.new" <<EOF
version = 2
root = "$W/containerd-root"
state = "$W/containerd-state"
[grpc]
  address = "$S"
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    restrict_oom_score_adj = true
    sandbox_image = "$PAUSE"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$W/cni"
EOF
  mv "$W/containerd.toml.new" "$W/containerd.toml"
  mkdir -p "$W/cni"
  if ! timeout 5 ctr -a "$S" version >/dev/null 2>&1; then
    log "starting containerd"
    setsid containerd --config "$W/containerd.toml" >"$W/containerd.log" 2>&1 < /dev/null 9>&- &
    echo $! > "$W/containerd.pid"
    echo "started_containerd=1"
    : > "$W/containerd.started-here"
    for _ in $(seq 100); do timeout 2 ctr -a "$S" version >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  if ! timeout 5 ctr -a "$S" version >/dev/null 2>&1; then
    log "containerd did not come up (see $W/containerd.log)"; status=1
  else
    if [ ! -f "$W/testimg-oci.tar" ]; then
      python3 "$MKOCI" "$R" "$W/testimg-oci.tar" "$IMG" --label org.example.suite=kestrel >/dev/null
    fi
    if [ ! -f "$W/pause-oci.tar" ]; then
      python3 "$MKOCI" "$R" "$W/pause-oci.tar" "$PAUSE" --entrypoint '["/bin/sleep","2147483647"]' --cmd '[]' >/dev/null
    fi
    for ns in default k8s.io; do
      if ! timeout 10 ctr -a "$S" -n $ns image ls -q 2>/dev/null | grep -x "$IMG" >/dev/null; then
        timeout 60 ctr -a "$S" -n $ns image import "$W/testimg-oci.tar" >/dev/null || { log "image import ($ns) failed"; status=1; }
      fi
    done
    if ! timeout 10 ctr -a "$S" -n k8s.io image ls -q 2>/dev/null | grep -x "$PAUSE" >/dev/null; then
      timeout 60 ctr -a "$S" -n k8s.io image import "$W/pause-oci.tar" >/dev/null || { log "pause import failed"; status=1; }
    fi
  fi
  echo "containerd_sock=$S"
  echo "containerd_state=$W/containerd-state"
fi
if [ $want_docker = 1 ]; then
  # Debian's client (a docker binary elsewhere on PATH may be another version).
  D=(/usr/bin/docker -H "unix://$W/docker.sock")
  if ! timeout 5 "${D[@]}" version >/dev/null 2>&1; then
    log "starting dockerd"
    mkdir -p "$W/docker-data" "$W/docker-exec"
    setsid dockerd --data-root "$W/docker-data" --exec-root "$W/docker-exec" -H "unix://$W/docker.sock" \
      --pidfile "$W/dockerd.pidfile" --iptables=false --ip-masq=false --bridge=none \
      --exec-opt native.cgroupdriver=cgroupfs --default-ulimit nofile=20000:20000 \
      >"$W/dockerd.log" 2>&1 < /dev/null 9>&- &
    echo $! > "$W/dockerd.pid"
    echo "started_docker=1"
    : > "$W/docker.started-here"
    for _ in $(seq 100); do timeout 2 "${D[@]}" version >/dev/null 2>&1 && break; sleep 0.2; done
  fi
  if ! timeout 5 "${D[@]}" version >/dev/null 2>&1; then
    log "dockerd did not come up (see $W/dockerd.log)"; status=1
  else
    if ! timeout 10 "${D[@]}" image inspect "$IMG" >/dev/null 2>&1; then
      tar -C "$R" -c . | timeout 60 "${D[@]}" import --change 'LABEL org.example.suite=kestrel' \
        --change 'CMD ["/bin/sh"]' - "$IMG" >/dev/null || { log "docker import failed"; status=1; }
    fi
  fi
  echo "docker_sock=$W/docker.sock"
fi
echo "image=$IMG"
exit $status
