//! The model panel's form as a plain type: the text of each number field, its message, and
//! the rules for turning an edit into a [`ModelConfig`] (valid text that changes something
//! gives a config to apply; invalid text gives a message and changes nothing) and for
//! showing the session's settings without overwriting text the user is still fixing.

use super::session::{ModelConfig, APP_MAX_HIDDEN, APP_MAX_INPUT};
use crate::model::parse::excerpt;

/// Largest init scale the app accepts (the same bound as [`ModelConfig::validate`]).
pub const MAX_SCALE: f32 = 100.0;

/// A number field of the model panel. A cell-type selector or another setting would be
/// one more variant (or its own control) writing into the same [`ModelConfig`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumField {
    Hidden,
    Input,
    Seed,
    Scale,
}

impl NumField {
    /// In display order.
    pub const ALL: [NumField; 4] = [
        NumField::Hidden,
        NumField::Input,
        NumField::Seed,
        NumField::Scale,
    ];

    /// Position in [`NumField::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The visible label, which is also the control's accessible name.
    pub fn label(self) -> &'static str {
        match self {
            NumField::Hidden => "Hidden size",
            NumField::Input => "Input size",
            NumField::Seed => "Seed",
            NumField::Scale => "Init scale",
        }
    }

    /// The element id of the input.
    pub fn id(self) -> &'static str {
        match self {
            NumField::Hidden => "model-hidden",
            NumField::Input => "model-input",
            NumField::Seed => "model-seed",
            NumField::Scale => "model-scale",
        }
    }

    /// The element id of the field's message.
    pub fn message_id(self) -> &'static str {
        match self {
            NumField::Hidden => "model-hidden-msg",
            NumField::Input => "model-input-msg",
            NumField::Seed => "model-seed-msg",
            NumField::Scale => "model-scale-msg",
        }
    }

    /// `min`, `max` (empty: none) and `step` attributes of the number input.
    pub fn bounds(self) -> (&'static str, &'static str, &'static str) {
        match self {
            NumField::Hidden => ("1", "256", "1"),
            NumField::Input => ("1", "16", "1"),
            NumField::Seed => ("0", "", "1"),
            NumField::Scale => ("0", "100", "0.1"),
        }
    }

    /// A short hint of what the field does (for a tooltip).
    pub fn hint(self) -> &'static str {
        match self {
            NumField::Hidden => "H, units per gate (1 to 256)",
            NumField::Input => "D, numbers per input step (1 to 16)",
            NumField::Seed => "Seed of the random weights (whole number, 0 or more)",
            NumField::Scale => "Multiplies PyTorch's init bound 1/√H (0 to 100)",
        }
    }

    /// The field's value in `cfg`, as the field shows it.
    pub fn format(self, cfg: &ModelConfig) -> String {
        match self {
            NumField::Hidden => cfg.hidden.to_string(),
            NumField::Input => cfg.input.to_string(),
            NumField::Seed => cfg.seed.to_string(),
            NumField::Scale => cfg.scale.to_string(),
        }
    }

    /// `base` with this field set from `text`, or a message for the user.
    pub fn apply(self, text: &str, base: ModelConfig) -> Result<ModelConfig, String> {
        let text = text.trim();
        let cfg = match self {
            NumField::Hidden => ModelConfig {
                hidden: parse_count(self, text, APP_MAX_HIDDEN)?,
                ..base
            },
            NumField::Input => ModelConfig {
                input: parse_count(self, text, APP_MAX_INPUT)?,
                ..base
            },
            NumField::Seed => ModelConfig {
                seed: parse_seed(text)?,
                ..base
            },
            NumField::Scale => ModelConfig {
                scale: parse_scale(text)?,
                ..base
            },
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// The message for text the browser could not read as a number (a number input whose
    /// `validity.badInput` is set reports its value as empty).
    pub fn unreadable(self) -> String {
        match self {
            NumField::Hidden => whole_message(self, APP_MAX_HIDDEN),
            NumField::Input => whole_message(self, APP_MAX_INPUT),
            NumField::Seed => SEED_WHOLE.to_string(),
            NumField::Scale => SCALE_NUMBER.to_string(),
        }
    }
}

const SEED_WHOLE: &str = "Seed must be a whole number, 0 or more.";
const SCALE_NUMBER: &str = "Init scale must be a number from 0 to 100.";

fn whole_message(field: NumField, max: usize) -> String {
    format!("{} must be a whole number from 1 to {max}.", field.label())
}

/// Optional sign, then digits only.
fn looks_whole(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_count(field: NumField, text: &str, max: usize) -> Result<usize, String> {
    if !looks_whole(text) {
        return Err(whole_message(field, max));
    }
    match text.parse::<i128>() {
        Ok(v) if (1..=max as i128).contains(&v) => Ok(v as usize),
        _ => Err(format!(
            "{} must be 1 to {max}, not {}.",
            field.label(),
            excerpt(text)
        )),
    }
}

fn parse_seed(text: &str) -> Result<u64, String> {
    if !looks_whole(text) {
        return Err(SEED_WHOLE.to_string());
    }
    if text.starts_with('-') && text.bytes().skip(1).any(|b| b != b'0') {
        return Err(format!("Seed must be 0 or more, not {}.", excerpt(text)));
    }
    let digits = text.trim_start_matches(['+', '-']);
    digits
        .parse::<u64>()
        .map_err(|_| format!("Seed must be at most {}, not {}.", u64::MAX, excerpt(text)))
}

fn parse_scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(v) if v.is_nan() => Err(SCALE_NUMBER.to_string()),
        Ok(v) if (0.0..=MAX_SCALE).contains(&v) => Ok(v + 0.0), // -0 becomes 0
        Ok(_) => Err(format!(
            "Init scale must be 0 to 100, not {}.",
            excerpt(text)
        )),
        Err(_) => Err(SCALE_NUMBER.to_string()),
    }
}

/// What the model panel's number fields show: each field's text and, while that text is
/// invalid, its message.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelForm {
    texts: [String; 4],
    errors: [Option<String>; 4],
}

impl ModelForm {
    /// Every field showing `cfg`, no messages.
    pub fn new(cfg: ModelConfig) -> Self {
        Self {
            texts: NumField::ALL.map(|f| f.format(&cfg)),
            errors: Default::default(),
        }
    }

    pub fn text(&self, field: NumField) -> &str {
        &self.texts[field.index()]
    }

    /// Why the field's text is not used, if it is not.
    pub fn error(&self, field: NumField) -> Option<&str> {
        self.errors[field.index()].as_deref()
    }

    /// The user typed `text` into `field` while the session's settings are `current`.
    /// Returns the settings to apply, or `None` when the text is invalid (the field gets a
    /// message) or changes nothing (so the seed example is not replaced by an identical
    /// random model).
    pub fn edit(
        &mut self,
        field: NumField,
        text: &str,
        current: ModelConfig,
    ) -> Option<ModelConfig> {
        let k = field.index();
        self.texts[k] = text.to_string();
        match field.apply(text, current) {
            Ok(cfg) => {
                self.errors[k] = None;
                (cfg != current).then_some(cfg)
            }
            Err(e) => {
                self.errors[k] = Some(e);
                None
            }
        }
    }

    /// The browser could not read the field's text as a number.
    pub fn edit_unreadable(&mut self, field: NumField) {
        let k = field.index();
        self.texts[k].clear();
        self.errors[k] = Some(field.unreadable());
    }

    /// The session's settings are now `cfg` (changed here or elsewhere). Fields whose text
    /// is valid but says something else are rewritten; fields holding invalid text keep it
    /// and their message. Returns the fields to rewrite on screen, with their new text.
    pub fn sync(&mut self, cfg: ModelConfig) -> Vec<(NumField, String)> {
        let mut changed = Vec::new();
        for field in NumField::ALL {
            let k = field.index();
            if self.errors[k].is_some() || field.apply(&self.texts[k], cfg) == Ok(cfg) {
                continue;
            }
            self.texts[k] = field.format(&cfg);
            changed.push((field, self.texts[k].clone()));
        }
        changed
    }

    /// Shows `cfg` in every field and drops every message (after an explicit reset such as
    /// "Seed article example"). Returns every field with its text.
    pub fn reset(&mut self, cfg: ModelConfig) -> Vec<(NumField, String)> {
        *self = Self::new(cfg);
        NumField::ALL
            .iter()
            .map(|&f| (f, self.texts[f.index()].clone()))
            .collect()
    }
}

/// One line on how the random weights are drawn, e.g. `Weights ~ U(−k, k), k = 1/√8 = 0.354`
/// (the forget-gate bias has its own checkbox, so it is not repeated here).
pub fn init_note(cfg: &ModelConfig) -> String {
    let k = cfg.scale / (cfg.hidden as f32).sqrt();
    format!(
        "Weights ~ U(−k, k), k = {}/√{} = {}",
        cfg.scale,
        cfg.hidden,
        crate::viz::format_sig(k, 3)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ModelConfig {
        ModelConfig::default()
    }

    #[test]
    fn valid_text_sets_only_its_field() {
        let base = ModelConfig {
            hidden: 4,
            input: 2,
            seed: 7,
            scale: 1.0,
            forget_bias_one: true,
            ..cfg()
        };
        let hidden = NumField::Hidden.apply(" 8 ", base).unwrap();
        assert_eq!(hidden, ModelConfig { hidden: 8, ..base });
        assert_eq!(NumField::Hidden.apply("256", base).unwrap().hidden, 256);
        assert_eq!(NumField::Hidden.apply("+1", base).unwrap().hidden, 1);
        assert_eq!(NumField::Input.apply("16", base).unwrap().input, 16);
        assert_eq!(NumField::Seed.apply("0", base).unwrap().seed, 0);
        assert_eq!(
            NumField::Seed
                .apply("18446744073709551615", base)
                .unwrap()
                .seed,
            u64::MAX
        );
        assert_eq!(NumField::Scale.apply("2.5", base).unwrap().scale, 2.5);
        assert_eq!(NumField::Scale.apply("1e1", base).unwrap().scale, 10.0);
        assert_eq!(NumField::Scale.apply(".5", base).unwrap().scale, 0.5);
        let zero = NumField::Scale.apply("-0", base).unwrap().scale;
        assert!(zero == 0.0 && zero.is_sign_positive());
        assert_eq!(NumField::Scale.apply("100", base).unwrap().scale, 100.0);
    }

    #[test]
    fn invalid_text_gets_a_message_naming_the_field_and_range() {
        let m = |f: NumField, t: &str| f.apply(t, cfg()).unwrap_err();
        assert_eq!(
            m(NumField::Hidden, "1000"),
            "Hidden size must be 1 to 256, not 1000."
        );
        assert_eq!(
            m(NumField::Hidden, "0"),
            "Hidden size must be 1 to 256, not 0."
        );
        assert_eq!(
            m(NumField::Hidden, "-3"),
            "Hidden size must be 1 to 256, not -3."
        );
        assert_eq!(
            m(
                NumField::Hidden,
                "99999999999999999999999999999999999999999"
            ),
            "Hidden size must be 1 to 256, not 999999999999999999999999…."
        );
        // Found by the property tests: a pasted megabyte of digits was quoted whole.
        let many = "1".repeat(1 << 20);
        for f in NumField::ALL {
            let msg = f.apply(&many, cfg()).unwrap_err();
            assert!(
                msg.ends_with(&format!(" {}….", "1".repeat(24))),
                "{f:?}: {msg}"
            );
        }
        for bad in ["", "  ", "abc", "8.0", "1e2", "NaN", "4 4", "+"] {
            assert_eq!(
                m(NumField::Hidden, bad),
                "Hidden size must be a whole number from 1 to 256.",
                "{bad:?}"
            );
        }
        assert_eq!(
            m(NumField::Input, "17"),
            "Input size must be 1 to 16, not 17."
        );
        assert_eq!(
            m(NumField::Input, ""),
            "Input size must be a whole number from 1 to 16."
        );
        assert_eq!(m(NumField::Seed, "-1"), "Seed must be 0 or more, not -1.");
        assert_eq!(m(NumField::Seed, "1.5"), SEED_WHOLE);
        assert_eq!(m(NumField::Seed, ""), SEED_WHOLE);
        assert!(m(NumField::Seed, "18446744073709551616").starts_with("Seed must be at most"));
        assert_eq!(NumField::Seed.apply("-0", cfg()).unwrap().seed, 0);
        for bad in ["", "NaN", "nan", "abc", "1,5"] {
            assert_eq!(m(NumField::Scale, bad), SCALE_NUMBER, "{bad:?}");
        }
        assert_eq!(
            m(NumField::Scale, "inf"),
            "Init scale must be 0 to 100, not inf."
        );
        assert_eq!(
            m(NumField::Scale, "100.5"),
            "Init scale must be 0 to 100, not 100.5."
        );
        assert_eq!(
            m(NumField::Scale, "-0.1"),
            "Init scale must be 0 to 100, not -0.1."
        );
        assert_eq!(
            m(NumField::Scale, "1e40"),
            "Init scale must be 0 to 100, not 1e40."
        );
        for f in NumField::ALL {
            assert!(f.unreadable().starts_with(f.label()), "{f:?}");
        }
    }

    #[test]
    fn limits_agree_with_the_session() {
        for f in NumField::ALL {
            let (min, max, _) = f.bounds();
            assert!(f.apply(min, cfg()).is_ok(), "{f:?} min");
            if !max.is_empty() {
                let at = f.apply(max, cfg()).unwrap();
                assert!(at.validate().is_ok());
                let over = format!("{}1", max); // 2561, 161, 1001
                assert!(f.apply(&over, cfg()).is_err(), "{f:?} over");
            }
        }
        assert!(ModelConfig {
            scale: MAX_SCALE,
            ..cfg()
        }
        .validate()
        .is_ok());
        assert!(ModelConfig {
            scale: MAX_SCALE + 0.01,
            ..cfg()
        }
        .validate()
        .is_err());
    }

    #[test]
    fn edits_return_a_config_only_when_valid_and_different() {
        let current = cfg();
        let mut form = ModelForm::new(current);
        assert_eq!(form.text(NumField::Hidden), "8");
        assert_eq!(form.text(NumField::Scale), "1");
        let next = form.edit(NumField::Hidden, "16", current).unwrap();
        assert_eq!(
            next,
            ModelConfig {
                hidden: 16,
                ..current
            }
        );
        assert_eq!(form.error(NumField::Hidden), None);
        // Same value again (e.g. both "input" and "change" fired): nothing to do.
        assert_eq!(form.edit(NumField::Hidden, "16", next), None);
        assert_eq!(form.edit(NumField::Hidden, "016", next), None);
        assert_eq!(form.text(NumField::Hidden), "016");
        // Invalid: a message, no config.
        assert_eq!(form.edit(NumField::Hidden, "1000", next), None);
        assert_eq!(
            form.error(NumField::Hidden),
            Some("Hidden size must be 1 to 256, not 1000.")
        );
        assert_eq!(form.text(NumField::Hidden), "1000");
        // Fixing it clears the message.
        assert_eq!(
            form.edit(NumField::Hidden, "4", next),
            Some(ModelConfig { hidden: 4, ..next })
        );
        assert_eq!(form.error(NumField::Hidden), None);
        form.edit_unreadable(NumField::Scale);
        assert_eq!(form.text(NumField::Scale), "");
        assert_eq!(form.error(NumField::Scale), Some(SCALE_NUMBER));
    }

    #[test]
    fn sync_rewrites_stale_fields_but_keeps_invalid_text() {
        let seed_example = ModelConfig { hidden: 4, ..cfg() };
        let mut form = ModelForm::new(ModelConfig {
            hidden: 16,
            seed: 3,
            ..cfg()
        });
        form.edit(
            NumField::Scale,
            "0.50",
            ModelConfig {
                hidden: 16,
                seed: 3,
                ..cfg()
            },
        );
        form.edit(
            NumField::Input,
            "99",
            ModelConfig {
                hidden: 16,
                seed: 3,
                scale: 0.5,
                ..cfg()
            },
        );
        let changed = form.sync(ModelConfig {
            hidden: 16,
            seed: 3,
            scale: 0.5,
            ..cfg()
        });
        assert_eq!(
            changed,
            vec![],
            "\"0.50\" already shows 0.5; \"99\" is being fixed"
        );
        assert_eq!(form.text(NumField::Scale), "0.50");
        let changed = form.sync(seed_example);
        assert_eq!(
            changed,
            vec![
                (NumField::Hidden, "4".to_string()),
                (NumField::Seed, "0".to_string()),
                (NumField::Scale, "1".to_string())
            ]
        );
        assert_eq!(form.text(NumField::Input), "99");
        assert!(form.error(NumField::Input).is_some());
        // An explicit reset rewrites everything and drops the messages.
        let all = form.reset(seed_example);
        assert_eq!(all.len(), 4);
        assert_eq!(form, ModelForm::new(seed_example));
        assert!(NumField::ALL.iter().all(|&f| form.error(f).is_none()));
    }

    #[test]
    fn formatting_round_trips() {
        let c = ModelConfig {
            hidden: 12,
            input: 3,
            seed: 42,
            scale: 0.1,
            ..cfg()
        };
        for f in NumField::ALL {
            assert_eq!(f.apply(&f.format(&c), c), Ok(c), "{f:?}");
        }
        assert_eq!(NumField::Scale.format(&c), "0.1");
    }

    #[test]
    fn init_note_shows_the_bound() {
        assert_eq!(init_note(&cfg()), "Weights ~ U(−k, k), k = 1/√8 = 0.354");
        let c = ModelConfig {
            hidden: 4,
            scale: 2.5,
            forget_bias_one: true,
            ..cfg()
        };
        assert_eq!(init_note(&c), "Weights ~ U(−k, k), k = 2.5/√4 = 1.25");
    }
}
