#!/usr/bin/env bash
# Builds the gatescope core for the peers harness into benches/peers/pkg/ (idempotent, no
# arguments): the app's release profile (core at opt-level 3, LTO, panic = abort, wasm SIMD
# from .cargo/config.toml), wasm-bindgen --target web, then npm binaryen's wasm-opt with the
# flags index.html gives Trunk for the app. Run it with
#   node ../shared/peers/run.mjs --mount /gs=$PWD/benches/peers/pkg --impl gatescope=/gs/gatescope.mjs
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/setup
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --target wasm32-unknown-unknown -p gatescope-peers
out=benches/peers/pkg
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" --out-name gatescope_peers \
  "$target/wasm32-unknown-unknown/release/gatescope_peers.wasm"
# The app's own settings: data-split-opt and the first data-wasm-opt-params in index.html
# (the app's link; tools/split.mjs optimises the app with them).
level=$(sed -n 's/.*data-split-opt="\([^"]*\)".*/\1/p' index.html | head -n 1)
read -r -a params <<<"$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html | head -n 1)"
wasm-opt "-O$level" "${params[@]}" -o "$out/gatescope_peers_bg.wasm" "$out/gatescope_peers_bg.wasm"
cp benches/peers/adapter.mjs "$out/gatescope.mjs"
echo "built $out: $(du -b "$out/gatescope_peers_bg.wasm" | cut -f1) bytes of wasm"
