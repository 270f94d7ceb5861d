//! The app's state in a link: the model settings, the input values, the timestep, the
//! selection, the explained unit and the interventions, as `key=value` pairs in the
//! address's fragment (`#…`). Opening the link
//! restores them; every field goes through the same checks as the UI, and a bad field gets a
//! message while the rest still loads.
//!
//! | key | value | default |
//! |---|---|---|
//! | `cell`, `h`, `d`, `seed`, `scale`, `fb` | a random model's settings (`fb=1`: forget-gate bias 1) | the seed article's example |
//! | `wname`, `w` | a trained or opened model's name and weights (`gatescope_formats::link`: its wire message, deflated, base64url), up to 8 000 parameters | |
//! | `weights` | `none`: the link was made with a trained or opened model whose weights it does not carry | |
//! | `x` | the input, as the "Input sequence" field writes it | the model's default input |
//! | `t` | the timestep, 1-based | the last step |
//! | `sel` | the selected cell, `t,unit`, 1-based | none |
//! | `unit` | the explained unit, 1-based | 1 |
//! | `iv` | one intervention, `SERIES[:UNIT][@T0..T1]=VALUE` (repeated) | none |
//! | `hide` | parts of the page a teacher hid, comma-separated (`state::teach::PARTS`) | none |
//! | `present` | `1`: presenter mode | off |
//! | `chart` | the line chart's quantity (`state::view_options`) | `h` |
//! | `tables` | the open value tables, e.g. `h,c` | none |
//! | `cmp` | compare mode open, with these models, e.g. `lstm,rnn` | closed |
//! | `layer` | the layer-direction on show, 1-based | 1 |
//! | `lesson` | the lesson and its step, `L.S` from 1 | none |
//! | `text`, `read` | text mode: the recipe of its model and the text read (`state::text_link`); the model and input keys are then left out | numbers |
//!
//! Keys are written in this order; anything else is reported as unknown.

use super::intervention_spec::{parse as parse_spec, to_spec};
use super::presets::format_sequence;
use super::session::{ModelConfig, ModelSource, Session, APP_MAX_STEPS};
use super::teach::Teach;
use super::text_link::{check_read, TextRecipe};
use super::view_options::{ViewOptions, KEYS as VIEW_KEYS};
use crate::model::parse::excerpt;
use crate::model::{parse_sequence_limited, CellKind, Intervention};

/// Longest value read from a link (a 10 000-step input of long numbers fits).
pub const MAX_VALUE_CHARS: usize = 400_000;
/// Most interventions read from a link.
pub const MAX_INTERVENTIONS: usize = 64;

/// What a link asks for, each part checked on its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Link {
    /// A random model's settings (`None`: the seed article's example).
    pub model: Option<ModelConfig>,
    /// The link's model had weights it does not carry.
    pub weights_missing: bool,
    /// A trained or opened model's weights as link text, and its name.
    pub weights: Option<String>,
    pub weights_name: Option<String>,
    /// The input text (parsed when applied, for the model's input size).
    pub input: Option<String>,
    /// 0-based.
    pub step: Option<usize>,
    pub selection: Option<(usize, usize)>,
    pub unit: Option<usize>,
    pub interventions: Vec<Intervention>,
    /// Hidden parts and presenter mode.
    pub teach: Teach,
    /// The chart, tables, compare mode, layer and lesson.
    pub views: ViewOptions,
    /// Text mode's model recipe and the text read.
    pub text: Option<TextRecipe>,
    pub read: Option<String>,
}

/// What is on show, besides the session: written into the link with it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shown {
    /// The timestep, 0-based.
    pub step: usize,
    pub selection: Option<(usize, usize)>,
    /// The explained unit, 0-based.
    pub unit: usize,
    pub teach: Teach,
    pub views: ViewOptions,
    /// Text mode on show: its recipe and the text read (the session then holds what they
    /// make, so its model and input are not written).
    pub text: Option<(TextRecipe, String)>,
}

/// The pairs of the current state, in the documented key order. `weights`: the link text of
/// the current model's weights when it is a trained or opened one small enough to carry.
pub fn encode(
    session: &Session,
    weights: Option<&str>,
    shown: &Shown,
) -> Vec<(&'static str, String)> {
    let Shown {
        step,
        selection,
        unit,
        teach,
        views,
        text,
    } = shown;
    let mut out = Vec::new();
    let cfg = session.config();
    if let Some((recipe, read)) = text {
        out.push(("text", recipe.encode()));
        out.push(("read", read.clone()));
    }
    match session.source() {
        _ if text.is_some() => {}
        ModelSource::SeedExample => {}
        source => {
            out.push(("cell", cfg.kind.name().to_string()));
            out.push(("h", cfg.hidden.to_string()));
            out.push(("d", cfg.input.to_string()));
            if let ModelSource::Random(_) = source {
                out.push(("seed", cfg.seed.to_string()));
                out.push(("scale", cfg.scale.to_string()));
                if cfg.forget_bias_one {
                    out.push(("fb", "1".to_string()));
                }
            } else if let Some(w) = weights {
                out.push(("wname", session.model_name()));
                out.push(("w", w.to_string()));
            } else {
                out.push(("weights", "none".to_string()));
            }
        }
    }
    if text.is_none() {
        out.push(("x", format_sequence(&session.x().to_owned())));
    }
    out.push(("t", (step + 1).to_string()));
    let selection = *selection;
    if let Some((t, u)) = selection {
        out.push(("sel", format!("{},{}", t + 1, u + 1)));
    }
    out.push(("unit", (unit + 1).to_string()));
    for iv in session.interventions() {
        out.push(("iv", to_spec(iv)));
    }
    if let Some(hide) = teach.link_hide() {
        out.push(("hide", hide));
    }
    if teach.presenter {
        out.push(("present", "1".to_string()));
    }
    let mut views = views.clone();
    views.layer = session.layers().map(|l| l.selected());
    views.encode(&mut out);
    out
}

/// Where a link puts the views, checked against the trace it produced.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkView {
    /// 0-based.
    pub step: Option<usize>,
    pub selection: Option<(usize, usize)>,
    pub unit: Option<usize>,
    /// Why a part was dropped.
    pub notes: Vec<String>,
}

/// Reads a link's pairs: what it asks for, and one message per field that cannot be used.
pub fn decode(pairs: &[(String, String)]) -> (Link, Vec<String>) {
    let mut link = Link::default();
    let mut notes = Vec::new();
    let mut cfg = ModelConfig::default();
    let mut has_model = false;
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in pairs {
        let key = key.as_str();
        if value.chars().count() > MAX_VALUE_CHARS {
            notes.push(format!(
                "Link: \"{}\" is longer than {MAX_VALUE_CHARS} characters; ignored.",
                excerpt(key)
            ));
            continue;
        }
        if key != "iv" {
            if seen.contains(&key) {
                notes.push(format!(
                    "Link: \"{}\" appears twice; the first is used.",
                    excerpt(key)
                ));
                continue;
            }
            if let Some(k) = KEYS.iter().chain(&VIEW_KEYS).find(|k| **k == key) {
                seen.push(k);
            }
        }
        let v = value.trim();
        let result: Result<(), String> = match key {
            "cell" => match v {
                "lstm" => Ok(CellKind::Lstm),
                "gru" => Ok(CellKind::Gru),
                "rnn" => Ok(CellKind::Rnn),
                _ => Err(format!(
                    "Cell must be lstm, gru or rnn; \"{}\" is not.",
                    excerpt(v)
                )),
            }
            .map(|k| {
                cfg.kind = k;
                has_model = true;
            }),
            "h" => whole(v, "Hidden size").map(|n| {
                cfg.hidden = n;
                has_model = true;
            }),
            "d" => whole(v, "Input size").map(|n| {
                cfg.input = n;
                has_model = true;
            }),
            "seed" => v
                .parse::<u64>()
                .map(|n| {
                    cfg.seed = n;
                    has_model = true;
                })
                .map_err(|_| {
                    format!(
                        "Seed must be a whole number, 0 or more; \"{}\" is not.",
                        excerpt(v)
                    )
                }),
            "scale" => match v.parse::<f32>() {
                Ok(s) if s.is_finite() => {
                    cfg.scale = s;
                    has_model = true;
                    Ok(())
                }
                _ => Err(format!(
                    "Init scale must be a number; \"{}\" is not.",
                    excerpt(v)
                )),
            },
            "fb" => match v {
                "1" | "0" => {
                    cfg.forget_bias_one = v == "1";
                    Ok(())
                }
                _ => Err(format!(
                    "Forget-gate bias must be 0 or 1; \"{}\" is not.",
                    excerpt(v)
                )),
            },
            "weights" if v == "none" => {
                link.weights_missing = true;
                Ok(())
            }
            "weights" => Err(format!(
                "Weights: \"{}\" is not understood (only \"none\").",
                excerpt(v)
            )),
            "x" => {
                link.input = Some(value.clone());
                Ok(())
            }
            "text" => TextRecipe::decode(v).map(|r| link.text = Some(r)),
            "read" => check_read(value).map(|()| link.read = Some(value.clone())),
            "w" => {
                link.weights = Some(v.to_string());
                Ok(())
            }
            "wname" => {
                link.weights_name = Some(excerpt(v));
                Ok(())
            }
            "t" => whole(v, "Timestep").map(|n| link.step = Some(n - 1)),
            "sel" => match v
                .split_once(',')
                .map(|(a, b)| (a.trim().parse::<usize>(), b.trim().parse::<usize>()))
            {
                Some((Ok(t), Ok(u))) if t >= 1 && u >= 1 => {
                    link.selection = Some((t - 1, u - 1));
                    Ok(())
                }
                _ => Err(format!(
                    "Selection must be \"step,unit\" counting from 1; \"{}\" is not.",
                    excerpt(v)
                )),
            },
            "unit" => whole(v, "Unit").map(|n| link.unit = Some(n - 1)),
            "hide" => link.teach.read_hide(v),
            "present" => match v {
                "1" | "0" => {
                    link.teach.presenter = v == "1";
                    Ok(())
                }
                _ => Err(format!(
                    "Present must be 0 or 1; \"{}\" is not.",
                    excerpt(v)
                )),
            },
            "iv" if link.interventions.len() >= MAX_INTERVENTIONS => Err(format!(
                "Link: more than {MAX_INTERVENTIONS} interventions; the rest are ignored."
            )),
            "iv" => parse_spec(v, "Intervention", "SERIES[:UNIT][@T0..T1]=VALUE", &SERIES)
                .map(|iv| link.interventions.push(iv)),
            _ => link.views.read(key, v).unwrap_or_else(|| {
                Err(format!(
                    "Link: \"{}\" is not a field gatescope knows; ignored.",
                    excerpt(key)
                ))
            }),
        };
        if let Err(e) = result {
            notes.push(e);
        }
    }
    if has_model {
        match cfg.validate() {
            Ok(()) => link.model = Some(cfg),
            Err(e) => notes.push(format!("{e} The seed article's example is shown instead.")),
        }
    }
    // Text mode makes its own model and input from the recipe.
    if link.text.is_some()
        && (link.input.is_some() || link.weights.is_some() || link.model.is_some())
    {
        link.input = None;
        link.weights = None;
        link.model = None;
        notes.push(
            "Link: with text mode, the model and input come from its recipe; the link's \
             other model and input fields are ignored."
                .to_string(),
        );
    }
    if link.weights_missing {
        notes.push(
            "This link was made with a trained or opened model, whose weights it does not \
             carry: a random model of the same shape is shown instead."
                .to_string(),
        );
    }
    (link, notes)
}

const KEYS: [&str; 17] = [
    "text", "read", "cell", "h", "d", "seed", "scale", "fb", "wname", "w", "weights", "x", "t",
    "sel", "unit", "hide", "present",
];
const SERIES: [&str; 9] = ["i", "f", "g", "o", "r", "z", "n", "c", "h"];

/// A whole number from 1, or a message naming `field`.
fn whole(v: &str, field: &str) -> Result<usize, String> {
    match v.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "{field} must be a whole number from 1; \"{}\" is not.",
            excerpt(v)
        )),
    }
}

impl Link {
    /// Applies the model, the input and the interventions to a fresh `session`; returns
    /// messages for the parts the session refuses (an input the model cannot read,
    /// interventions it cannot run). The step, selection and unit are the caller's (they
    /// need the resulting trace's size: see [`Link::view`]).
    pub fn apply(&self, session: &mut Session) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(cfg) = self.model {
            session.set_config(cfg);
            if let Some(e) = session.model_error() {
                notes.push(e.to_string());
            }
        }
        notes.extend(self.apply_input(session));
        notes
    }

    /// Applies the input and the interventions only (again, after the link's weights were
    /// loaded into `session`).
    pub fn apply_input(&self, session: &mut Session) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(text) = &self.input {
            let d = session.params().input_size();
            match parse_sequence_limited(text, d, APP_MAX_STEPS) {
                Ok(x) => session.set_x(&x),
                Err(e) => notes.push(format!(
                    "The link's input cannot be used ({e}); the default input is shown."
                )),
            }
        }
        if !self.interventions.is_empty() {
            if let Err(e) = session.set_interventions(self.interventions.clone()) {
                notes.push(format!("The link's interventions cannot be used: {e}"));
            }
        }
        if let Some(k) = self.views.layer {
            let count = session.layers().map_or(1, |l| l.labels().len());
            if k < count {
                session.select_layer(k);
            } else {
                notes.push(format!(
                    "Layer {} does not exist (the model has {count}); the first is shown.",
                    k + 1
                ));
            }
        }
        notes
    }

    /// The step, selection and unit for a trace of `steps` × `units`: each one inside it,
    /// or dropped with a message.
    pub fn view(&self, steps: usize, units: usize) -> LinkView {
        let mut notes = Vec::new();
        let step = self.step.filter(|&t| {
            let ok = t < steps;
            if !ok {
                notes.push(format!(
                    "Timestep {} is past the input's {steps} steps; the last is shown.",
                    t + 1
                ));
            }
            ok
        });
        let selection = self.selection.filter(|&(t, u)| {
            let ok = t < steps && u < units;
            if !ok {
                notes.push(format!("Selection ({}, {}) is outside {steps} steps × {units} units; nothing is selected.", t + 1, u + 1));
            }
            ok
        });
        let unit = self.unit.filter(|&u| {
            let ok = u < units;
            if !ok {
                notes.push(format!(
                    "Unit {} does not exist (the model has {units}); unit 1 is explained.",
                    u + 1
                ));
            }
            ok
        });
        LinkView {
            step,
            selection,
            unit,
            notes,
        }
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
