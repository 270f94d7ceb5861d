//! How far back a signal can travel: Jacobian norms of the last hidden state with respect to
//! every earlier state and input, the seed article's vanishing-gradient claim made visible.

use ndarray::Array2;

use super::session::sequence_work;
use crate::model::{backward, CellKind, Params, Series, Trace};

/// Multiply-adds (forward cost × (H + 1)) above which the flow is not computed here.
pub const FLOW_WORK: u64 = 40_000_000;

/// Per-step measures of gradient flow for one model and input (index t = step t + 1).
#[derive(Debug, Clone, PartialEq)]
pub struct GradientFlow {
    /// ‖∂h_T/∂h_t‖_F: how strongly the last state depends on the state after step t.
    pub state: Vec<f32>,
    /// ‖∂h_T/∂x_t‖_F: how strongly the last state depends on input x_t.
    pub input: Vec<f32>,
    /// LSTM only: Π_{k=t+1}^{T} f_k, averaged over units — the share of c_t that the forget
    /// gates let through to c_T (1 at t = T).
    pub forget_product: Option<Vec<f32>>,
}

/// Computes [`GradientFlow`] with one backward pass per hidden unit (the rows of the
/// Jacobian), or explains why it is too much work.
pub fn gradient_flow(params: &Params, trace: &Trace) -> Result<GradientFlow, String> {
    let (t_len, h) = (trace.steps(), trace.hidden_size());
    // u64: on wasm32 this product overflows usize long before it reaches the limit.
    let work = sequence_work(params, t_len).saturating_mul(h as u64 + 1);
    if work > FLOW_WORK {
        return Err(format!(
            "The gradient view needs one backward pass per unit; at H = {h} and T = {t_len} that is \
             too much to compute here. Use fewer steps or a smaller hidden size."
        ));
    }
    let mut state = vec![0.0f64; t_len];
    let mut input = vec![0.0f64; t_len];
    let mut seed = Array2::<f32>::zeros((t_len, h));
    for j in 0..h {
        seed.fill(0.0);
        seed[[t_len - 1, j]] = 1.0;
        let g = backward(params, trace, seed.view()).map_err(|e| e.to_string())?;
        for t in 0..t_len {
            state[t] += g.dh.row(t).iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
            input[t] += g.x.row(t).iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
        }
    }
    let forget_product = (params.kind() == CellKind::Lstm).then(|| {
        let f = trace.get(Series::F).expect("LSTM traces record f");
        let mut out = vec![0.0f32; t_len];
        let mut running = vec![1.0f64; h];
        for t in (0..t_len).rev() {
            out[t] = (running.iter().sum::<f64>() / h as f64) as f32;
            for (r, v) in running.iter_mut().zip(f.row(t)) {
                *r *= *v as f64;
            }
        }
        out
    });
    let root = |v: Vec<f64>| v.into_iter().map(|x| x.sqrt() as f32).collect();
    Ok(GradientFlow {
        state: root(state),
        input: root(input),
        forget_product,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{forward, InitConfig, InitialState};
    use ndarray::Array2;

    fn trace_of(p: &Params, t: usize) -> Trace {
        let x = Array2::from_shape_fn((t, p.input_size()), |(k, d)| {
            ((k * 7 + d) as f32 * 0.3).sin()
        });
        forward(p, x.view(), &InitialState::default()).unwrap()
    }

    #[test]
    fn last_step_is_the_identity_and_earlier_steps_match_finite_differences() {
        let p = Params::init(
            CellKind::Gru,
            3,
            2,
            InitConfig {
                seed: 5,
                ..Default::default()
            },
        )
        .unwrap();
        let tr = trace_of(&p, 6);
        let flow = gradient_flow(&p, &tr).unwrap();
        // ∂h_T/∂h_T = I, so its Frobenius norm is √H.
        assert!(
            (flow.state[5] - 3f32.sqrt()).abs() < 1e-5,
            "{:?}",
            flow.state
        );
        // ‖∂h_T/∂x_t‖ by central differences on x_t.
        for t in [0, 3, 5] {
            let mut sq = 0.0f64;
            for d in 0..2 {
                let bump = |e: f32| {
                    let mut x = tr.x().to_owned();
                    x[[t, d]] += e;
                    forward(&p, x.view(), &InitialState::default())
                        .unwrap()
                        .get(Series::H)
                        .unwrap()
                        .row(5)
                        .to_owned()
                };
                let (a, b) = (bump(1e-2), bump(-1e-2));
                sq += a
                    .iter()
                    .zip(b.iter())
                    .map(|(a, b)| (((a - b) / 2e-2) as f64).powi(2))
                    .sum::<f64>();
            }
            let fd = sq.sqrt() as f32;
            assert!(
                (flow.input[t] - fd).abs() <= 2e-3 + 2e-2 * fd,
                "t={t}: {} vs {fd}",
                flow.input[t]
            );
        }
        assert!(flow.forget_product.is_none());
    }

    #[test]
    fn lstm_forget_product_runs_back_from_one() {
        let p = Params::init(
            CellKind::Lstm,
            4,
            1,
            InitConfig {
                seed: 1,
                ..Default::default()
            },
        )
        .unwrap();
        let tr = trace_of(&p, 10);
        let fp = gradient_flow(&p, &tr).unwrap().forget_product.unwrap();
        assert_eq!(fp[9], 1.0);
        assert!(
            fp.windows(2).all(|w| w[0] <= w[1]),
            "products shrink going back: {fp:?}"
        );
    }

    #[test]
    fn big_models_are_refused() {
        let p = Params::init(CellKind::Lstm, 256, 1, InitConfig::default()).unwrap();
        let tr = trace_of(&p, 20);
        assert!(gradient_flow(&p, &tr).unwrap_err().contains("too much"));
    }
}
