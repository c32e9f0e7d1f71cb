#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (root): apt packages, npm packages, the
# TypeScript build, the eBPF probe and the N-API addon. Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'kestrel setup: %s\n' "$*" >&2; }

APT_PKGS=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config make gcc g++ python3 sysdig)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root or install them)"; exit 1
  fi
  log "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund >/dev/null
fi

# tsc takes ~20 s here: run it only when a TypeScript source (or the config) changed since the
# last build. The stamp is taken before compiling, so an edit made during a build is seen next time.
stamp=dist/.tsc-stamp
if [ ! -f "$stamp" ] || [ ! -f dist/src/cli/index.js ] || [ -n "$(find schema scripts src test bench native/lib tsconfig.json package.json package-lock.json -newer "$stamp" \( -name '*.ts' -o -name '*.json' \) -print -quit 2>/dev/null)" ]; then
  log "building TypeScript"
  mkdir -p dist
  touch "$stamp.next"
  npx tsc -p tsconfig.json
  mv "$stamp.next" "$stamp"
  # `kestrel inspect` starts from a one-script bundle with a V8 code cache when it is fresh
  # (src/cli/commands/inspect/bundle-load.ts); without it inspect runs from its modules.
  node dist/src/cli/commands/inspect/bundle-build.js >/dev/null || log "inspect bundle not built (inspect runs from its modules)"
fi

if [ -f driver/Makefile ]; then
  log "building the eBPF probe"
  make -s -C driver
fi
if [ -f native/binding.gyp ]; then
  if [ ! -f native/build/Release/kestrel_native.node ] || [ -n "$(find native/src driver/build -newer native/build/Release/kestrel_native.node -type f 2>/dev/null | head -1)" ]; then
    log "building the native addon"
    (cd native && npx --no-install node-gyp rebuild >/dev/null 2>&1 || npx node-gyp rebuild)
  fi
fi
