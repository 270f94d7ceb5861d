//! Running `gatescope-trace` in the CLI tests (native only), and its one contract for bad
//! input: exit 2, nothing on stdout, one line on stderr.

use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_gatescope-trace");

pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run gatescope-trace")
}

/// Runs and expects a clean failure: status 2, no stdout, exactly one non-empty stderr line
/// starting with the program's name and containing every one of `needles`, and no trace of
/// a panic. Returns that line.
pub fn bad(args: &[&str], needles: &[&str]) -> String {
    let out = run(args);
    let err = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: stderr {err:?}");
    assert!(out.stdout.is_empty(), "{args:?}: printed to stdout");
    assert!(err.ends_with('\n'), "{args:?}: {err:?}");
    let line = &err[..err.len() - 1];
    assert!(!line.trim().is_empty(), "{args:?}: empty error line");
    assert!(
        !line.contains('\n'),
        "{args:?}: more than one line: {err:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{args:?}: {err}"
    );
    assert!(err.starts_with("gatescope-trace: "), "{err}");
    for n in needles {
        assert!(
            line.contains(n),
            "{args:?}: {line:?} does not mention {n:?}"
        );
    }
    line.to_string()
}
