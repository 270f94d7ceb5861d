#[cfg(target_arch = "wasm32")]
fn main() {
    gatescope::app::install_panic_hook();
    leptos::mount::mount_to_body(gatescope::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("gatescope is a browser app: run `bash .ci/serve` (see README.md). The native CLI is `gatescope-trace`.");
    std::process::exit(2);
}
