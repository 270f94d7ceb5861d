//! Compare mode: the same input through a model with long-term memory (LSTM, GRU) and a
//! traditional RNN, as in the seed article's flowchart ("use long-term memory?").

use ndarray::ArrayView2;

use super::session::{sequence_work, ModelConfig, SYNC_WORK};
use crate::model::{forward, CellKind, InitialState, Params, Trace};

/// The cells compare mode shows, with their names in the seed article's terms.
pub const COMPARED: [(CellKind, &str); 3] = [
    (CellKind::Lstm, "LSTM (long-term memory)"),
    (CellKind::Gru, "GRU (long-term memory)"),
    (CellKind::Rnn, "RNN (traditional, no long-term memory)"),
];

/// One model of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    pub kind: CellKind,
    /// Its name in the seed article's terms (from [`COMPARED`]).
    pub name: &'static str,
    pub params: Params,
    pub trace: Trace,
}

/// Runs `x` through each of [`COMPARED`] that is `chosen` (at least two): the shown model itself for its own cell kind
/// (`shown`), and a seeded init with `cfg`'s sizes, seed and scale for the others. Refuses
/// work beyond [`SYNC_WORK`] in total, with a message, rather than freezing the page.
pub fn compare_traces(
    shown: &Params,
    cfg: ModelConfig,
    x: ArrayView2<'_, f32>,
    chosen: &[CellKind],
) -> Result<Vec<Compared>, String> {
    if chosen.len() < 2 {
        return Err("Choose at least two models to compare.".to_string());
    }
    let mut models = Vec::new();
    for (kind, name) in COMPARED.into_iter().filter(|(k, _)| chosen.contains(k)) {
        let params = if kind == shown.kind() {
            shown.clone()
        } else {
            ModelConfig { kind, ..cfg }.build()?
        };
        models.push((kind, name, params));
    }
    let work = models
        .iter()
        .map(|(_, _, p)| sequence_work(p, x.nrows()))
        .fold(0u64, u64::saturating_add);
    if work > SYNC_WORK {
        return Err(format!(
            "Compare mode runs three models at once; this input and size need {:.0} M multiply-adds \
             (at most {:.0} M). Use fewer steps or a smaller hidden size.",
            work as f64 / 1e6,
            SYNC_WORK as f64 / 1e6
        ));
    }
    models
        .into_iter()
        .map(|(kind, name, params)| {
            let trace = forward(&params, x, &InitialState::default()).map_err(|e| e.to_string())?;
            Ok(Compared {
                kind,
                name,
                params,
                trace,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Session;

    #[test]
    fn the_shown_model_is_one_of_the_three() {
        let s = Session::seed_example();
        let every = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];
        let all = compare_traces(s.params(), s.config(), s.trace().x(), &every).unwrap();
        let two = compare_traces(
            s.params(),
            s.config(),
            s.trace().x(),
            &[CellKind::Rnn, CellKind::Lstm],
        )
        .unwrap();
        assert_eq!(
            two.iter().map(|c| c.kind).collect::<Vec<_>>(),
            vec![CellKind::Lstm, CellKind::Rnn]
        );
        assert!(compare_traces(s.params(), s.config(), s.trace().x(), &[CellKind::Gru]).is_err());
        let kinds: Vec<CellKind> = all.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![CellKind::Lstm, CellKind::Gru, CellKind::Rnn]);
        assert_eq!(
            &all[0].trace,
            s.trace(),
            "the LSTM is the seed example itself"
        );
        let rnn = ModelConfig {
            kind: CellKind::Rnn,
            ..s.config()
        }
        .build()
        .unwrap();
        assert_eq!(
            all[2].trace,
            forward(&rnn, s.trace().x(), &InitialState::default()).unwrap()
        );
        assert!(all[2].name.contains("traditional"));
    }

    #[test]
    fn too_much_work_is_refused() {
        let mut s = Session::seed_example();
        s.set_config(ModelConfig {
            hidden: 128,
            ..ModelConfig::default()
        });
        s.set_input(&vec!["1"; 300].join(","));
        while !s.advance_pending(1000) {}
        let every = [CellKind::Lstm, CellKind::Gru, CellKind::Rnn];
        let e = compare_traces(s.params(), s.config(), s.trace().x(), &every).unwrap_err();
        assert!(e.contains("multiply-adds"), "{e}");
    }
}
