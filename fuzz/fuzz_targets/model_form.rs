//! The model form's number fields (`NumField::apply`, `ModelForm::edit` / `sync`): byte 0
//! picks the field and the base settings, the rest is the typed text. Accepted text gives
//! valid settings that differ only in that field and whose shown text reads back the same;
//! rejected text gives a short, clean message.
#![no_main]

use gatescope::model::CellKind;
use gatescope::state::model_form::{ModelForm, NumField};
use gatescope::state::ModelConfig;
use gatescope_fuzz::{check_message, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&b, rest)) = data.split_first() else {
        return;
    };
    let field = NumField::ALL[usize::from(b & 3)];
    let base = ModelConfig {
        kind: [CellKind::Lstm, CellKind::Gru, CellKind::Rnn][usize::from(b >> 2 & 3) % 3],
        hidden: [1, 8, 256, 300][usize::from(b >> 4 & 3)],
        input: if b & 64 == 0 { 1 } else { 16 },
        seed: u64::from(b),
        scale: if b & 128 == 0 { 1.0 } else { 0.0 },
        forget_bias_one: b & 1 == 1,
    };
    let text = text(rest);
    match field.apply(&text, base) {
        Ok(cfg) => {
            assert!(cfg.validate().is_ok());
            for f in NumField::ALL {
                if f != field {
                    assert_eq!(f.format(&cfg), f.format(&base), "{f:?} changed");
                }
            }
            assert_eq!(field.apply(&field.format(&cfg), cfg), Ok(cfg));
        }
        Err(msg) => check_message(&msg),
    }
    if base.validate().is_ok() {
        let mut form = ModelForm::new(base);
        let out = form.edit(field, &text, base);
        assert_eq!(form.text(field), text);
        match form.error(field) {
            Some(msg) => {
                check_message(msg);
                assert_eq!(out, None);
            }
            None => {
                let synced = out.unwrap_or(base);
                form.sync(synced);
                assert_eq!(field.apply(form.text(field), synced), Ok(synced));
            }
        }
    }
});
