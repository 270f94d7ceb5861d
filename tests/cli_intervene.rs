//! `gatescope-trace --clamp` / `--set`: interventions from the command line, checked against
//! what they must mean, and bad flags with exit 2 and one line.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

use serde_json::Value;

mod common;

use common::temp::matrix;

const BIN: &str = env!("CARGO_BIN_EXE_gatescope-trace");

fn seed() -> String {
    format!(
        "{}/tests/data/seed-article-lstm.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(extra: &[&str]) -> (Option<i32>, Value, String) {
    let model = seed();
    let mut args = vec!["--model", model.as_str(), "--input", "1, 2, 3, 4, 5"];
    args.extend_from_slice(extra);
    let out = Command::new(BIN).args(&args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn forget_open_and_input_shut_keep_c0() {
    let (code, out, err) = run(&["--c0=0.5,-1,2,0.25", "--clamp", "f=1", "--clamp=i=0"]);
    assert_eq!(code, Some(0), "{err}");
    for row in matrix(&out["c"]) {
        assert_eq!(row, [0.5, -1.0, 2.0, 0.25]);
    }
    assert!(matrix(&out["f"]).iter().flatten().all(|&f| f == 1.0));
}

#[test]
fn clamps_and_sets_land_on_their_units_and_steps() {
    let (_, plain, _) = run(&[]);
    let (code, out, err) = run(&["--clamp", "o:2@2..3=0", "--set", "h:4@4=0.5"]);
    assert_eq!(code, Some(0), "{err}");
    let (o, h, h0) = (matrix(&out["o"]), matrix(&out["h"]), matrix(&plain["h"]));
    // Steps and units count from 1: o of unit 2 at steps 2 and 3, h of unit 4 after step 4.
    assert_eq!((o[1][1], o[2][1]), (0.0, 0.0));
    assert_ne!(o[0][1], 0.0);
    assert_eq!((h[1][1], h[2][1]), (0.0, 0.0), "h = o·tanh(c) with o = 0");
    assert_eq!(h[3][3], 0.5);
    assert_eq!(h[0], h0[0], "step 1 is before every intervention");
    assert_ne!(h[4], h0[4], "step 5 reads the changed state");
}

#[test]
fn bad_flags_get_exit_2_and_one_line() {
    let table: [(&[&str], &str); 9] = [
        (&["--clamp", "q=1"], "not one of i, f, g, o"),
        (&["--clamp", "f:0=1"], "unit \"0\""),
        (&["--clamp", "f:9=1"], "unit 9 does not exist"),
        (&["--clamp", "f@4..2=1"], "run backwards"),
        (&["--clamp", "f=nan"], "not a finite number"),
        (&["--clamp", "f"], "expected GATE"),
        (&["--clamp", "r=1"], "has no r"),
        (&["--set", "h:1=0.5"], "expected c|h:UNIT@T=VALUE"),
        (&["--set", "g:1@2=0.5"], "not one of c, h"),
    ];
    for (flags, needle) in table {
        let (code, out, err) = run(flags);
        assert_eq!(code, Some(2), "{flags:?}: {err}");
        assert_eq!(out, Value::Null, "{flags:?}: printed a trace");
        assert_eq!(err.matches('\n').count(), 1, "{flags:?}: {err:?}");
        assert!(err.contains(needle), "{flags:?}: {err:?} lacks {needle:?}");
    }
    let stacked = format!(
        "{}/examples/models/lstm-2layer-bidir.safetensors",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(BIN)
        .args(["--model", &stacked, "--input", "1", "--clamp", "f=1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one-layer models"));
}
