//! Text mode in a link: not the weights (a character model is over the link's 8 000
//! parameters) but the recipe that makes them. Training is seeded and deterministic, so the
//! same corpus, settings and step count give the same model again, and the text read.
//!
//! | key | value |
//! |---|---|
//! | `text` | `CORPUS,CELL,H,STEPS,RECIPE`: a built-in corpus id, `lstm`/`gru`/`rnn`, the hidden size, the training steps, `default` or `quote` (the quote preset) |
//! | `read` | the text read |

use crate::model::text::Corpus;
use crate::model::CellKind;

use super::text_lab::{CorpusChoice, TextLab, TextSettings, MAX_READ_CHARS};

/// Most training steps a link may ask for (about a minute in a browser at H = 32).
pub const MAX_LINK_STEPS: u64 = 20_000;
/// Hidden sizes text mode offers.
pub const HIDDEN_SIZES: [usize; 5] = [8, 16, 32, 64, 128];

/// How a text model was made, enough to make it again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextRecipe {
    pub corpus: Corpus,
    pub settings: TextSettings,
    pub steps: u64,
}

impl TextRecipe {
    /// The recipe of `lab`'s model, if it has one: a built-in corpus, no opened file, and
    /// settings the page offers (the defaults with another cell or size, or the quote
    /// preset).
    pub fn of(lab: &TextLab) -> Option<Self> {
        let CorpusChoice::Builtin(corpus) = lab.corpus() else {
            return None;
        };
        if lab.file().is_some() {
            return None;
        }
        let settings = *lab.settings();
        recipe_name(&settings)?;
        Some(Self {
            corpus: *corpus,
            settings,
            steps: lab.steps(),
        })
    }

    /// The `text` value.
    pub fn encode(&self) -> String {
        format!(
            "{},{},{},{},{}",
            self.corpus.id(),
            self.settings.kind.name(),
            self.settings.hidden,
            self.steps,
            recipe_name(&self.settings).unwrap_or("default")
        )
    }

    /// Reads a `text` value, or says what is wrong with it.
    pub fn decode(v: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "Text mode must be \"corpus,cell,H,steps,recipe\" (e.g. code,lstm,32,300,quote); \"{}\" is not.",
                crate::model::parse::excerpt(v)
            )
        };
        let parts: Vec<&str> = v.split(',').map(str::trim).collect();
        let [corpus, cell, h, steps, recipe] = parts[..] else {
            return Err(bad());
        };
        let corpus = Corpus::from_id(corpus).ok_or_else(bad)?;
        let kind = CellKind::parse(cell).map_err(|_| bad())?;
        let hidden = h
            .parse::<usize>()
            .ok()
            .filter(|h| HIDDEN_SIZES.contains(h))
            .ok_or_else(bad)?;
        let steps = steps.parse::<u64>().map_err(|_| bad())?;
        if steps > MAX_LINK_STEPS {
            return Err(format!(
                "Text mode: {steps} training steps is more than a link may ask for ({MAX_LINK_STEPS})."
            ));
        }
        let settings = match recipe {
            "quote" if hidden == 32 => TextSettings::quote_preset(kind),
            "default" => TextSettings {
                kind,
                hidden,
                ..TextSettings::default()
            },
            _ => return Err(bad()),
        };
        Ok(Self {
            corpus,
            settings,
            steps,
        })
    }
}

/// `quote` for the quote preset, `default` for the defaults with any cell and offered size.
fn recipe_name(s: &TextSettings) -> Option<&'static str> {
    if *s == TextSettings::quote_preset(s.kind) {
        return Some("quote");
    }
    let plain = TextSettings {
        kind: s.kind,
        hidden: s.hidden,
        ..TextSettings::default()
    };
    (*s == plain && HIDDEN_SIZES.contains(&s.hidden)).then_some("default")
}

/// Checks a `read` value's length (its characters are checked against the model's
/// vocabulary once the model exists).
pub fn check_read(v: &str) -> Result<(), String> {
    if v.chars().take(MAX_READ_CHARS + 1).count() > MAX_READ_CHARS {
        return Err(format!(
            "The link's text to read has more than {MAX_READ_CHARS} characters; the corpus's first line is read instead."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_round_trip_and_remake_the_model() {
        let mut lab = TextLab::new(
            CorpusChoice::Builtin(Corpus::Code),
            TextSettings::quote_preset(CellKind::Gru),
        )
        .unwrap();
        lab.train(5).unwrap();
        let r = TextRecipe::of(&lab).unwrap();
        assert_eq!(r.encode(), "code,gru,32,5,quote");
        let back = TextRecipe::decode(&r.encode()).unwrap();
        assert_eq!(back, r);
        let mut again = TextLab::new(CorpusChoice::Builtin(back.corpus), back.settings).unwrap();
        again.train(back.steps as usize).unwrap();
        assert_eq!(again.model(), lab.model(), "bit for bit");

        let plain = TextLab::new(
            CorpusChoice::Builtin(Corpus::English),
            TextSettings {
                kind: CellKind::Rnn,
                hidden: 16,
                ..TextSettings::default()
            },
        )
        .unwrap();
        let r = TextRecipe::of(&plain).unwrap();
        assert_eq!(r.encode(), "english,rnn,16,0,default");
        assert_eq!(TextRecipe::decode(&r.encode()).unwrap(), r);
    }

    #[test]
    fn models_without_a_recipe_have_none() {
        let pasted = TextLab::new(
            CorpusChoice::Pasted("ab(ab)".to_string()),
            TextSettings::default(),
        )
        .unwrap();
        assert_eq!(TextRecipe::of(&pasted), None);
        let opened = TextLab::opened(
            pasted.model().clone(),
            "m.json",
            CorpusChoice::Builtin(Corpus::Code),
        );
        assert_eq!(TextRecipe::of(&opened), None);
    }

    #[test]
    fn bad_recipes_get_messages() {
        for v in [
            "",
            "code,lstm,32,300",
            "poems,lstm,32,300,default",
            "code,cnn,32,300,default",
            "code,lstm,33,300,default",
            "code,lstm,64,300,quote",
            "code,lstm,32,-1,default",
            "code,lstm,32,300,fancy",
            "code,lstm,32,300,default,x",
        ] {
            let e = TextRecipe::decode(v).unwrap_err();
            assert!(e.starts_with("Text mode must be"), "{v}: {e}");
        }
        let e = TextRecipe::decode("code,lstm,32,999999,default").unwrap_err();
        assert!(e.contains("more than a link may ask for"), "{e}");
        assert!(check_read(&"a".repeat(MAX_READ_CHARS + 1)).is_err());
        assert!(check_read("ok").is_ok());
    }
}
