//! `input_from_json` and `target_from_json`: byte 0 is D (0–79), byte 1 is T (0–255),
//! byte 2 is H (0–79) (zero and oversized on purpose), the rest is the file.
#![no_main]

use gatescope::model::io::{input_from_json, target_from_json};
use gatescope::model::{MAX_INPUT, MAX_STEPS};
use gatescope_fuzz::{bits, check_model_error, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (d, t, h) = (
        usize::from(data[0] % 80),
        usize::from(data[1]),
        usize::from(data[2] % 80),
    );
    let text = text(&data[3..]);
    match input_from_json(&text, d) {
        Ok(x) => {
            assert!((1..=MAX_INPUT).contains(&d), "accepted D = {d}");
            assert_eq!(x.ncols(), d);
            assert!((1..=MAX_STEPS).contains(&x.nrows()));
            assert!(x.iter().all(|v| v.is_finite()));
            let rows: Vec<Vec<f32>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
            let again = input_from_json(&serde_json::to_string(&rows).unwrap(), d).unwrap();
            assert_eq!(bits(again.iter()), bits(x.iter()));
        }
        Err(e) => check_model_error(&e),
    }
    match target_from_json(&text, t, h) {
        Ok(y) => {
            assert!(t >= 1 && h >= 1, "accepted a [{t}][{h}] target");
            assert_eq!(y.dim(), (t, h));
            assert!(y.iter().all(|v| v.is_finite()));
        }
        Err(e) => check_model_error(&e),
    }
});
