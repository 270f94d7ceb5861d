//! `parse_cell` (the per-step editor): accepted values are finite and their shortest form
//! reads back bit-identically; errors quote a short, clean excerpt of the trimmed text.
#![no_main]

use gatescope::state::editor::{cell_error_message, parse_cell, CellTextError};
use gatescope_fuzz::{check_excerpt, check_message, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = text(data);
    match parse_cell(&text) {
        Ok(v) => {
            assert!(v.is_finite());
            assert_eq!(
                parse_cell(&v.to_string()).map(f32::to_bits),
                Ok(v.to_bits())
            );
        }
        Err(e) => {
            check_message(&e.to_string());
            check_message(&cell_error_message(9_999, 15, 16, &e));
            match &e {
                CellTextError::Empty => assert!(text.trim().is_empty()),
                CellTextError::NotANumber(s)
                | CellTextError::NotFinite(s)
                | CellTextError::TooLarge(s) => check_excerpt(s, text.trim()),
            }
        }
    }
});
