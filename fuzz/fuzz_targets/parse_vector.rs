//! `parse_vector` (initial states): the first byte is the length (0–31), the rest the text.
#![no_main]

use gatescope::model::parse_vector;
use gatescope_fuzz::{bits, check_parse_error, reference_vector, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&len, rest)) = data.split_first() else {
        return;
    };
    let len = usize::from(len % 32);
    let text = text(rest);
    match (parse_vector(&text, len, "h0"), reference_vector(&text, len)) {
        (Ok(v), Some(want)) => {
            assert_eq!(bits(v.iter()), bits(want.iter()), "{text:?}");
            let written: Vec<String> = v.iter().map(|x| x.to_string()).collect();
            let again = parse_vector(&written.join(", "), len, "h0").unwrap();
            assert_eq!(bits(again.iter()), bits(v.iter()));
        }
        (Err(e), None) => check_parse_error(&e, &text),
        (got, want) => panic!("{text:?} (len {len}): parsed {got:?}, reference {want:?}"),
    }
});
