// gatescope's core as a plug-in of the peers harness (../shared/peers/README.md, "Adding an
// implementation"). build.sh copies this file to pkg/gatescope.mjs next to the wasm-bindgen
// output. `prepare` uploads the weights once (as the harness does for tf.js and
// onnxruntime-web); a timed `forward(x)` copies x into wasm memory, runs the core's sequence
// loop, and returns a view of h in wasm memory (the contract allows a view that the next call
// overwrites).
import wasmInit, { Lstm } from './gatescope_peers.js';

let memory;

export async function init() {
  const wasm = await wasmInit();
  memory = wasm.memory;
  return { library: 'gatescope-core (Rust/wasm, app release build)', version: '0.1.0', simd: true };
}

export async function prepare(T, H, D, w) {
  const m = new Lstm(T, H, D, w.weight_ih, w.weight_hh, w.bias_ih, w.bias_hh);
  const inPtr = m.input_ptr(), outPtr = m.output_ptr();
  let buffer = null, xView = null, hView = null;
  const views = () => {
    // Growing wasm memory detaches old views: make new ones when the buffer changed.
    if (buffer !== memory.buffer) {
      buffer = memory.buffer;
      xView = new Float32Array(buffer, inPtr, T * D);
      hView = new Float32Array(buffer, outPtr, T * H);
    }
  };
  return {
    forward(x) {
      views();
      xView.set(x);
      m.forward();
      views();
      return hView;
    },
    dispose() { m.free(); },
  };
}

// The one-shot contract, for completeness: weights uploaded on every call.
export async function lstmForward(T, H, D, w, x) {
  const p = await prepare(T, H, D, w);
  const h = p.forward(x).slice();
  p.dispose();
  return h;
}
