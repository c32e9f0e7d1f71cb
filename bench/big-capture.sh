# Sourced by the replay, decode and write benchmarks (from the project root): the 2M-event
# capture they all run on, built once from shared/'s libs_sample.scap by shared/bench/make_big.py,
# and an up-to-date build with inspect's bundle.
#   KESTREL_BIG     the capture (default /tmp/kestrel-big.scap)
#   KESTREL_SHARED  shared/ (default ../shared, else /work/shared)
BIG=${KESTREL_BIG:-/tmp/kestrel-big.scap}
SHARED=${KESTREL_SHARED:-$( [ -d ../shared ] && cd ../shared && pwd || echo /work/shared )}
if [ ! -s "$BIG" ]; then
  python3 "$SHARED/bench/make_big.py" --base "$SHARED/data/scap/libs_sample.scap" --out "$BIG" --min-events 2000000 >&2
fi
[ -f dist/src/cli/index.js ] || npx tsc -p tsconfig.json >&2
# inspect's bundle (one script + V8 code cache, see src/cli/commands/inspect/bundle-build.ts):
# rebuilt when a bundled module changed.
node dist/src/cli/commands/inspect/bundle-build.js --if-stale >&2
