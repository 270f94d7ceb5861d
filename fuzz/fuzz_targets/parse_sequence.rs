//! `parse_sequence`: the first byte is the input size D (0–255, beyond the model's limit on
//! purpose), the rest is the text. Checks the result against a plain reference reading,
//! that accepted values are finite and read back bit-identically once formatted, and that
//! errors point at their token with a short, clean excerpt.
#![no_main]

use gatescope::model::parse_sequence;
use gatescope::state::format_sequence;
use gatescope_fuzz::{bits, check_parse_error, reference_sequence, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&d, rest)) = data.split_first() else {
        return;
    };
    let d = usize::from(d);
    let text = text(rest);
    let got = parse_sequence(&text, d);
    let want = reference_sequence(&text, d);
    match (&got, want) {
        (Ok(x), Some((t, values))) => {
            assert_eq!(x.dim(), (t, d.max(1)));
            assert_eq!(bits(x.iter()), bits(values.iter()), "{text:?}");
            assert!(x.iter().all(|v| v.is_finite()));
            let again = parse_sequence(&format_sequence(x), d).expect("formatted text parses");
            assert_eq!(bits(again.iter()), bits(x.iter()));
            assert_eq!(again.dim(), x.dim());
        }
        (Err(e), None) => check_parse_error(e, &text),
        (got, want) => panic!("{text:?} (D = {d}): parsed {got:?}, reference {want:?}"),
    }
});
