//! `params_from_json` (model files): accepted models are within the size limits, finite,
//! and read back bit-identically from `params_to_json`; errors are short and clean.
#![no_main]

use gatescope::model::io::{params_from_json, params_to_json};
use gatescope::model::{Params, MAX_HIDDEN, MAX_INPUT};
use gatescope_fuzz::{bits, check_model_error, text};
use libfuzzer_sys::fuzz_target;

fn all_bits(p: &Params) -> Vec<u32> {
    bits(
        p.weight_ih()
            .iter()
            .chain(p.weight_hh().iter())
            .chain(p.bias_ih().iter())
            .chain(p.bias_hh().iter()),
    )
}

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match params_from_json(&text) {
        Ok(p) => {
            assert!((1..=MAX_HIDDEN).contains(&p.hidden_size()));
            assert!((1..=MAX_INPUT).contains(&p.input_size()));
            assert!(all_bits(&p).iter().all(|&b| f32::from_bits(b).is_finite()));
            let again = params_from_json(&params_to_json(&p)).expect("written model reads back");
            assert_eq!(again.kind(), p.kind());
            assert_eq!(all_bits(&again), all_bits(&p));
        }
        Err(e) => check_model_error(&e),
    }
});
