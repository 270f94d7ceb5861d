//! The `split` feature (src/app/chunk.rs) needs wasm-ld to keep its relocations in the app's
//! module: `wasm-split-cli` (tools/split.mjs) reads them to move each on-demand view's code
//! into its own chunk.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    if split && wasm {
        println!("cargo:rustc-link-arg-bin=gatescope=--emit-relocs");
    }
}
