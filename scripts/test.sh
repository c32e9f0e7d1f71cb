#!/usr/bin/env bash
# The test command: set up what is missing, check generated files, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/check-generated.sh
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
# Kernel (driver) tests load the real probe; they run one file at a time with the rest so
# two captures never see each other's trigger programs as noise.
exec node --test --test-concurrency=2 --test-timeout=600000 "${files[@]}"
