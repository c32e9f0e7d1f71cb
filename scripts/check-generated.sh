#!/usr/bin/env bash
# Regenerate every generated file from schema/events.ts and fail if any differs from the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
node dist/scripts/gen-events.js --check
