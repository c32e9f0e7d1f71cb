#!/usr/bin/env bash
# Builds the floor probe into $1 (a directory): floor.bpf.o and the floor loader.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$1"
mkdir -p "$out"
arch=$(uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
clang -O2 -g -target bpf -D__TARGET_ARCH_$arch -I/usr/include/$(uname -m)-linux-gnu -c "$here/floor.bpf.c" -o "$out/floor.bpf.o"
gcc -O2 -o "$out/floor" "$here/floor.c" -lbpf
