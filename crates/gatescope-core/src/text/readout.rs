//! The readout on its own, for states computed elsewhere: the app runs the cell through its
//! session (with the learner's interventions) and reads the next-character probabilities
//! off the `h` it shows, so the predictions always match the heatmaps.

use ndarray::{Array2, ArrayView1, ArrayView2};

use super::error::TextError;
use super::model::{softmax_rows, CharModel};
use super::run::Prediction;

impl CharModel {
    /// `p_t = softmax(W_fc h_t + b_fc)` for every row of `h` (`[T, dirs·H]`), `[T, V]`:
    /// the same arithmetic as [`CharModel::forward_from`].
    ///
    /// Errors: `h` without `dirs·H` columns, or with a value that is not finite.
    pub fn next_char_probs(&self, h: ArrayView2<'_, f32>) -> Result<Array2<f32>, TextError> {
        let width = self.fc_weight().ncols();
        if h.ncols() != width {
            return Err(TextError::config(
                "states width",
                h.ncols(),
                "the readout's dirs·H columns",
            ));
        }
        if h.iter().any(|v| !v.is_finite()) {
            return Err(TextError::config("states", "a value", "finite values"));
        }
        Ok(softmax_rows(self.logits(h).view()))
    }
}

/// The `k` largest entries of one probability row, most likely first (equal values by id).
pub fn top_k_of(p: ArrayView1<'_, f32>, k: usize) -> Vec<Prediction> {
    let mut all: Vec<Prediction> = p
        .iter()
        .enumerate()
        .map(|(id, &p)| Prediction { id, p })
        .collect();
    all.sort_by(|a, b| b.p.total_cmp(&a.p).then(a.id.cmp(&b.id)));
    all.truncate(k);
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{CharModelConfig, Vocab};
    use crate::CellKind;

    #[test]
    fn the_readout_of_a_runs_states_gives_its_probabilities() {
        let vocab = Vocab::from_text("abc (x)").unwrap();
        let cfg = CharModelConfig {
            embed_size: 3,
            hidden_size: 5,
            ..Default::default()
        };
        let m = CharModel::init(CellKind::Lstm, vocab, cfg).unwrap();
        let run = m.run_text("a(b)c").unwrap();
        let p = m.next_char_probs(run.trace().output()).unwrap();
        assert_eq!(p, run.probs());
        for t in 0..run.steps() {
            // The k largest, most likely first: every listed p ≥ every unlisted one.
            let top = top_k_of(p.row(t), 3);
            assert_eq!(top.len(), 3);
            assert!(top.windows(2).all(|w| w[0].p >= w[1].p));
            let least = top[2].p;
            for (id, &q) in p.row(t).iter().enumerate() {
                assert!(top.iter().any(|x| x.id == id) || q <= least);
                assert!(top.iter().all(|x| x.id != id || x.p == q));
            }
            // A probability row: non-negative, sums to 1 (f64 softmax rounded to f32).
            let s: f64 = p.row(t).iter().map(|&v| f64::from(v)).sum();
            assert!((s - 1.0).abs() < 1e-5 && p.row(t).iter().all(|&v| v >= 0.0));
        }
        let bad = Array2::<f32>::zeros((2, 4));
        assert!(m.next_char_probs(bad.view()).is_err());
        let mut nan = Array2::<f32>::zeros((2, 5));
        nan[[1, 2]] = f32::NAN;
        assert!(m.next_char_probs(nan.view()).is_err());
    }
}
