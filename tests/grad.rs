//! Backpropagation through time (`model::backward`) against the PyTorch autograd gradients in
//! refdata (`*_grad.json`, schema in `tests/data/refdata/README.refdata.md` §6), against
//! central finite differences of our own f32 forward pass, and against a hand-worked case.
//!
//! Golden tolerance: |a − b| ≤ 1e-4·max(1, |b|) for every gradient, `dh` and `dc`.
//!
//! Natively with `cargo test`; in headless Chromium with `cargo test --target
//! wasm32-unknown-unknown --test grad`, where BPTT runs its wasm SIMD code.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{load, params, tensor};
use gatescope::model::rng::SplitMix64;
use gatescope::model::{
    backward, forward, mse_loss, CellKind, Grads, InitConfig, InitialState, ModelError, Params,
    Series, Trace,
};
use ndarray::{arr1, arr2, Array1, Array2, ShapeBuilder};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// refdata

/// The cases of a `*_grad.json` file.
fn load_grad(file: &str) -> Vec<Value> {
    let cases = load(file);
    assert!(cases.iter().all(|c| c["category"] == "gradient"), "{file}");
    cases
}

/// Compares values element by element with |a − b| ≤ rtol·max(1, |b|); returns the worst
/// |a − b| / max(1, |b|) seen and counts the comparisons.
struct Checker {
    id: String,
    rtol: f64,
    worst: f64,
    worst_at: String,
    compared: usize,
}

impl Checker {
    fn new(id: &str, rtol: f64) -> Self {
        Self {
            id: id.to_string(),
            rtol,
            worst: 0.0,
            worst_at: String::new(),
            compared: 0,
        }
    }

    fn check<'a>(
        &mut self,
        what: &str,
        got: impl IntoIterator<Item = &'a f32>,
        want: impl IntoIterator<Item = &'a f64>,
    ) {
        let (got, want): (Vec<f32>, Vec<f64>) = (
            got.into_iter().copied().collect(),
            want.into_iter().copied().collect(),
        );
        assert_eq!(got.len(), want.len(), "{}: {what}: length", self.id);
        assert!(!got.is_empty(), "{}: {what}: nothing to compare", self.id);
        for (k, (&g, &w)) in got.iter().zip(&want).enumerate() {
            let err = (g as f64 - w).abs() / w.abs().max(1.0);
            assert!(
                err <= self.rtol,
                "{}: {what}[{k}] = {g}, golden {w} (|diff|/max(1,|golden|) = {err:.3e} > {:.0e})",
                self.id,
                self.rtol
            );
            if err > self.worst {
                self.worst = err;
                self.worst_at = format!("{what}[{k}]");
            }
            self.compared += 1;
        }
    }
}

/// Runs every case and batch element of `file`; returns (values compared, worst error).
fn check_file(file: &str, kind: CellKind) -> (usize, f64) {
    let cases = load(file);
    assert_eq!(
        cases.len(),
        2,
        "{file}: expected the 2 public gradient cases"
    );
    let (mut compared, mut worst) = (0, 0.0f64);
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        assert_eq!(case["cell"], kind.name(), "{id}");
        let p = params(case, kind);
        let x = tensor(&case["x"]);
        let (t_len, batch) = (x.shape[0], x.shape[1]);
        let h0 = tensor(&case["h0"]);
        let c0 = (kind == CellKind::Lstm).then(|| tensor(&case["c0"]));
        let target = tensor(&case["target"]);
        let g = &case["grads"];
        let mut chk = Checker::new(id, 1e-4);

        let mut loss = 0.0f64;
        let mut sums: Option<Grads> = None;
        for b in 0..batch {
            let init = InitialState {
                h0: h0.batch2(b),
                c0: c0.as_ref().map(|c| c.batch2(b)).unwrap_or_default(),
            };
            let xb = x.batch3(b).mapv(|v| v as f32);
            let trace = forward(&p, xb.view(), &init).unwrap();
            let y = target.batch3(b).mapv(|v| v as f32);
            let (l, dl_dh) = mse_loss(&trace, y.view()).unwrap();
            loss += l as f64;
            let gr = backward(&p, &trace, dl_dh.view()).unwrap();

            // Per batch element: inputs, initial state, and the debug totals.
            chk.check(&format!("x b={b}"), &gr.x, &tensor(&g["x"]).batch3(b));
            chk.check(
                &format!("h0 b={b}"),
                &gr.h0,
                &tensor(&g["h0"]).batch2_f64(b),
            );
            let dbg = &case["grads_debug"];
            chk.check(&format!("dh b={b}"), &gr.dh, &tensor(&dbg["dh"]).batch3(b));
            if kind == CellKind::Lstm {
                chk.check(
                    &format!("c0 b={b}"),
                    &gr.c0,
                    &tensor(&g["c0"]).batch2_f64(b),
                );
                chk.check(&format!("dc b={b}"), &gr.dc, &tensor(&dbg["dc"]).batch3(b));
            } else {
                assert!(
                    gr.c0.is_empty() && gr.dc.is_empty(),
                    "{id}: c0/dc for a non-LSTM"
                );
                assert!(g.get("c0").is_none(), "{id}: golden c0 for a non-LSTM");
            }
            assert_eq!(gr.dh.dim(), (t_len, p.hidden_size()), "{id}");

            // Parameters: summed over the batch, as autograd does.
            sums = Some(match sums {
                None => gr,
                Some(mut s) => {
                    s.weight_ih += &gr.weight_ih;
                    s.weight_hh += &gr.weight_hh;
                    s.bias_ih += &gr.bias_ih;
                    s.bias_hh += &gr.bias_hh;
                    s
                }
            });
        }
        let s = sums.unwrap();
        for (name, got) in [
            ("weight_ih", s.weight_ih.iter().collect::<Vec<_>>()),
            ("weight_hh", s.weight_hh.iter().collect()),
            ("bias_ih", s.bias_ih.iter().collect()),
            ("bias_hh", s.bias_hh.iter().collect()),
        ] {
            let want = tensor(&g[name]);
            let own = match name {
                "weight_ih" => s.weight_ih.shape().to_vec(),
                "weight_hh" => s.weight_hh.shape().to_vec(),
                "bias_ih" => s.bias_ih.shape().to_vec(),
                _ => s.bias_hh.shape().to_vec(),
            };
            assert_eq!(own, want.shape, "{id}: {name} shape");
            chk.check(name, got, &want.data);
        }
        let want_loss = case["loss"].as_f64().unwrap();
        let loss_err = (loss - want_loss).abs() / want_loss.abs().max(1.0);
        assert!(
            loss_err <= 1e-5,
            "{id}: loss {loss}, golden {want_loss} ({loss_err:.2e})"
        );
        println!(
            "{id}: {} values, worst |diff|/max(1,|g|) = {:.2e} at {}; loss error {loss_err:.1e}",
            chk.compared, chk.worst, chk.worst_at
        );
        compared += chk.compared;
        worst = worst.max(chk.worst);
    }
    (compared, worst)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lstm_gradients_match_pytorch() {
    let (n, worst) = check_file("lstm_grad.json", CellKind::Lstm);
    // weights 16+64+16+16 + x 5 + h0 4 + c0 4 + dh 20 + dc 20, and 24+36+12+12 + 12+3+3+18+18.
    assert_eq!(n, 165 + 138);
    println!("lstm worst {worst:.2e}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn gru_gradients_match_pytorch() {
    let (n, worst) = check_file("gru_grad.json", CellKind::Gru);
    assert_eq!(
        n,
        (12 + 48 + 12 + 12 + 5 + 4 + 20) + (18 + 27 + 9 + 9 + 12 + 3 + 18)
    );
    println!("gru worst {worst:.2e}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rnn_gradients_match_pytorch() {
    let (n, worst) = check_file("rnn_grad.json", CellKind::Rnn);
    assert_eq!(
        n,
        (4 + 16 + 4 + 4 + 5 + 4 + 20) + (6 + 9 + 3 + 3 + 12 + 3 + 18)
    );
    println!("rnn worst {worst:.2e}");
}

// ---------------------------------------------------------------------------------------------
// finite differences of our own f32 forward pass

/// Everything the loss depends on, as plain arrays that can be nudged one value at a time.
#[derive(Clone)]
struct Inputs {
    kind: CellKind,
    w_ih: Array2<f32>,
    w_hh: Array2<f32>,
    b_ih: Array1<f32>,
    b_hh: Array1<f32>,
    x: Array2<f32>,
    h0: Array1<f32>,
    c0: Array1<f32>,
    y: Array2<f32>,
}

impl Inputs {
    /// H = 3, D = 2, T = 4, PyTorch-scaled seeded weights, all inputs and states non-zero.
    fn random(kind: CellKind, seed: u64) -> Self {
        Self::random_sized(kind, seed, (3, 2, 4))
    }

    /// As [`Inputs::random`], with H, D and T given.
    fn random_sized(kind: CellKind, seed: u64, (h, d, t): (usize, usize, usize)) -> Self {
        let p = Params::init(
            kind,
            h,
            d,
            InitConfig {
                seed,
                ..Default::default()
            },
        )
        .unwrap();
        let mut rng = SplitMix64::new(seed ^ 0x5eed);
        let mut u = |lo: f32, hi: f32, n: usize| (0..n).map(|_| rng.uniform(lo, hi)).collect();
        let x = Array2::from_shape_vec((t, d), u(-1.0, 1.0, t * d)).unwrap();
        let h0 = Array1::from_vec(u(-0.5, 0.5, h));
        let c0 = if kind == CellKind::Lstm {
            Array1::from_vec(u(-0.5, 0.5, h))
        } else {
            Array1::zeros(0)
        };
        let y = Array2::from_shape_vec((t, h), u(-0.5, 0.5, t * h)).unwrap();
        Self {
            kind,
            w_ih: p.weight_ih().to_owned(),
            w_hh: p.weight_hh().to_owned(),
            b_ih: p.bias_ih().to_owned(),
            b_hh: p.bias_hh().to_owned(),
            x,
            h0,
            c0,
            y,
        }
    }

    fn params(&self) -> Params {
        Params::new(
            self.kind,
            self.w_ih.clone(),
            self.w_hh.clone(),
            self.b_ih.clone(),
            self.b_hh.clone(),
        )
        .unwrap()
    }

    fn trace(&self) -> Trace {
        let init = InitialState {
            h0: self.h0.to_vec(),
            c0: self.c0.to_vec(),
        };
        forward(&self.params(), self.x.view(), &init).unwrap()
    }

    /// ½ Σ (h − y)², summed in f64 from the f32 trace.
    fn loss(&self) -> f64 {
        let trace = self.trace();
        let h = trace.get(Series::H).unwrap();
        h.iter()
            .zip(&self.y)
            .map(|(&a, &b)| (a as f64 - b as f64).powi(2))
            .sum::<f64>()
            * 0.5
    }

    fn grads(&self) -> Grads {
        let trace = self.trace();
        let (_, dl_dh) = mse_loss(&trace, self.y.view()).unwrap();
        backward(&self.params(), &trace, dl_dh.view()).unwrap()
    }

    /// The tensors that get a gradient, by name, mutable.
    fn tensor_mut(&mut self, name: &str) -> &mut [f32] {
        match name {
            "weight_ih" => self.w_ih.as_slice_mut(),
            "weight_hh" => self.w_hh.as_slice_mut(),
            "bias_ih" => self.b_ih.as_slice_mut(),
            "bias_hh" => self.b_hh.as_slice_mut(),
            "x" => self.x.as_slice_mut(),
            "h0" => self.h0.as_slice_mut(),
            "c0" => self.c0.as_slice_mut(),
            _ => panic!("{name}"),
        }
        .unwrap()
    }
}

fn grad_of<'a>(g: &'a Grads, name: &str) -> &'a [f32] {
    match name {
        "weight_ih" => g.weight_ih.as_slice(),
        "weight_hh" => g.weight_hh.as_slice(),
        "bias_ih" => g.bias_ih.as_slice(),
        "bias_hh" => g.bias_hh.as_slice(),
        "x" => g.x.as_slice(),
        "h0" => g.h0.as_slice(),
        "c0" => g.c0.as_slice(),
        _ => panic!("{name}"),
    }
    .unwrap()
}

/// Central differences with step 1e-2 (the actual f32 step is used as the denominator) for
/// every parameter, input and initial-state value, against [`backward`]. Tolerance
/// |fd − bptt| ≤ 2e-4 + 2e-3·|bptt| (the f32 forward and the O(step²) truncation give about
/// 2e-5); returns the worst |fd − bptt| / tolerance.
fn check_finite_differences(kind: CellKind, seed: u64) -> f64 {
    check_finite_differences_of(Inputs::random(kind, seed), seed, 1)
}

/// Every `stride`-th value of every gradient of `base` against central differences.
fn check_finite_differences_of(base: Inputs, seed: u64, stride: usize) -> f64 {
    let kind = base.kind;
    let grads = base.grads();
    let mut names = vec!["weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0"];
    if kind == CellKind::Lstm {
        names.push("c0");
    }
    let (mut worst, mut compared, mut nonzero) = (0.0f64, 0, 0);
    for name in names {
        let analytic = grad_of(&grads, name);
        let n = base.clone().tensor_mut(name).len();
        assert_eq!(analytic.len(), n, "{kind:?} {name}: gradient length");
        for (k, &a) in analytic.iter().enumerate().step_by(stride) {
            let (mut plus, mut minus) = (base.clone(), base.clone());
            let v = base.clone().tensor_mut(name)[k];
            plus.tensor_mut(name)[k] = v + 1e-2;
            minus.tensor_mut(name)[k] = v - 1e-2;
            let step = ((v + 1e-2) as f64) - ((v - 1e-2) as f64);
            let fd = (plus.loss() - minus.loss()) / step;
            let a = a as f64;
            let tol = 2e-4 + 2e-3 * a.abs();
            assert!(
                (fd - a).abs() <= tol,
                "{kind:?} seed {seed}: d L / d {name}[{k}]: backward {a:.6}, finite differences {fd:.6}"
            );
            worst = worst.max((fd - a).abs() / tol);
            compared += 1;
            nonzero += usize::from(a.abs() > 1e-3);
        }
    }
    // A gradient that is zero everywhere would pass trivially.
    assert!(
        nonzero * 5 >= compared * 4,
        "{kind:?} seed {seed}: only {nonzero} of {compared} gradients above 1e-3"
    );
    worst
}

/// H = 20 and D = 17: rows of 16 and more, where BPTT's sums and weight-row products take
/// their four-lane paths on wasm SIMD (and their tails), checked by central differences of
/// the forward pass at every 23rd value of every gradient.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn finite_differences_agree_at_wide_sizes() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let worst =
            check_finite_differences_of(Inputs::random_sized(kind, 11, (20, 17, 5)), 11, 23);
        println!("{kind:?} H = 20, D = 17: worst |fd - backward| / tolerance = {worst:.2}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn finite_differences_agree_for_every_value() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        for seed in [1, 2, 3] {
            let worst = check_finite_differences(kind, seed);
            println!("{kind:?} seed {seed}: worst error/tolerance {worst:.3}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// worked by hand (H = 1, D = 1; closed forms in f64)

fn sig(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn assert_close(what: &str, got: f32, want: f64) {
    assert!(
        (got as f64 - want).abs() <= 1e-6 * want.abs().max(1.0),
        "{what}: {got}, worked by hand {want}"
    );
}

/// Runs one H = 1, D = 1 cell over `xs` with targets `ys` and returns the gradients.
fn tiny(
    kind: CellKind,
    w: (&[f32], &[f32], &[f32], &[f32]),
    h0: f32,
    c0: Option<f32>,
    xs: &[f32],
    ys: &[f32],
) -> Grads {
    let col = |v: &[f32]| Array2::from_shape_vec((v.len(), 1), v.to_vec()).unwrap();
    let p = Params::new(kind, col(w.0), col(w.1), arr1(w.2), arr1(w.3)).unwrap();
    let init = InitialState {
        h0: vec![h0],
        c0: c0.into_iter().collect(),
    };
    let trace = forward(&p, col(xs).view(), &init).unwrap();
    let (_, dl_dh) = mse_loss(&trace, col(ys).view()).unwrap();
    backward(&p, &trace, dl_dh.view()).unwrap()
}

/// RNN over two steps, so the recurrence is exercised:
/// ```text
/// h_1 = tanh(w x_1 + b + u h_0)    h_2 = tanh(w x_2 + b + u h_1)    (b = b_ih + b_hh)
/// δh_2 = h_2 − y_2                 â_2 = δh_2 (1 − h_2²)
/// δh_1 = h_1 − y_1 + u â_2          â_1 = δh_1 (1 − h_1²)
/// ∂L/∂w = â_1 x_1 + â_2 x_2   ∂L/∂u = â_1 h_0 + â_2 h_1   ∂L/∂b_ih = ∂L/∂b_hh = â_1 + â_2
/// ∂L/∂x_t = w â_t             ∂L/∂h_0 = u â_1
/// ```
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rnn_two_steps_by_hand() {
    let (w, u, bi, bh, h0) = (0.5f32, -0.8f32, 0.1f32, -0.2f32, 0.3f32);
    let (xs, ys) = ([1.0f32, -2.0], [0.5f32, 0.25]);
    let g = tiny(
        CellKind::Rnn,
        (&[w], &[u], &[bi], &[bh]),
        h0,
        None,
        &xs,
        &ys,
    );
    let [w, u, b, h0] = [w as f64, u as f64, (bi + bh) as f64, h0 as f64];
    let (x1, x2, y1, y2) = (xs[0] as f64, xs[1] as f64, ys[0] as f64, ys[1] as f64);
    let h1 = (w * x1 + b + u * h0).tanh();
    let h2 = (w * x2 + b + u * h1).tanh();
    let a2 = (h2 - y2) * (1.0 - h2 * h2);
    let dh1 = h1 - y1 + u * a2;
    let a1 = dh1 * (1.0 - h1 * h1);
    assert_close("dL/dw", g.weight_ih[[0, 0]], a1 * x1 + a2 * x2);
    assert_close("dL/du", g.weight_hh[[0, 0]], a1 * h0 + a2 * h1);
    assert_close("dL/db_ih", g.bias_ih[0], a1 + a2);
    assert_close("dL/db_hh", g.bias_hh[0], a1 + a2);
    assert_close("dL/dx_1", g.x[[0, 0]], w * a1);
    assert_close("dL/dx_2", g.x[[1, 0]], w * a2);
    assert_close("dL/dh_0", g.h0[0], u * a1);
    assert_close("δh_1", g.dh[[0, 0]], dh1);
    assert_close("δh_2", g.dh[[1, 0]], h2 - y2);
    assert!(g.c0.is_empty() && g.dc.is_empty());
}

/// One LSTM step from a non-zero state, with `p_k = w_k x + u_k h_0 + b_k`:
/// ```text
/// c = f c_0 + i g     h = o tanh c     e = h − y     δc = e o (1 − tanh² c)
/// âi = δc g i(1−i)   âf = δc c_0 f(1−f)   âg = δc i (1−g²)   âo = e tanh(c) o(1−o)
/// ∂L/∂w_k = â_k x   ∂L/∂u_k = â_k h_0   ∂L/∂x = Σ w_k â_k   ∂L/∂h_0 = Σ u_k â_k
/// ∂L/∂c_0 = δc f
/// ```
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn lstm_step_by_hand() {
    let w = [0.5f32, 0.25, 1.0, -0.5];
    let u = [0.1f32, 0.2, 0.3, 0.4];
    let bi = [0.0f32, 1.0, 0.0, 0.0];
    let bh = [0.05f32, -0.1, 0.2, 0.0];
    let (h0, c0, x, y) = (-0.4f32, 0.7f32, 2.0f32, 0.3f32);
    let g = tiny(CellKind::Lstm, (&w, &u, &bi, &bh), h0, Some(c0), &[x], &[y]);
    let (h0, c0, x, y) = (h0 as f64, c0 as f64, x as f64, y as f64);
    let p: Vec<f64> = (0..4)
        .map(|k| w[k] as f64 * x + u[k] as f64 * h0 + bi[k] as f64 + bh[k] as f64)
        .collect();
    let (i, f, gg, o) = (sig(p[0]), sig(p[1]), p[2].tanh(), sig(p[3]));
    let c = f * c0 + i * gg;
    let h = o * c.tanh();
    let e = h - y;
    let dc = e * o * (1.0 - c.tanh().powi(2));
    let a = [
        dc * gg * i * (1.0 - i),
        dc * c0 * f * (1.0 - f),
        dc * i * (1.0 - gg * gg),
        e * c.tanh() * o * (1.0 - o),
    ];
    for (k, &ak) in a.iter().enumerate() {
        assert_close(&format!("dL/dW_ih[{k}]"), g.weight_ih[[k, 0]], ak * x);
        assert_close(&format!("dL/dW_hh[{k}]"), g.weight_hh[[k, 0]], ak * h0);
        assert_close(&format!("dL/db_ih[{k}]"), g.bias_ih[k], ak);
        assert_close(&format!("dL/db_hh[{k}]"), g.bias_hh[k], ak);
    }
    let dot = |v: &[f32]| (0..4).map(|k| v[k] as f64 * a[k]).sum::<f64>();
    assert_close("dL/dx", g.x[[0, 0]], dot(&w));
    assert_close("dL/dh_0", g.h0[0], dot(&u));
    assert_close("dL/dc_0", g.c0[0], dc * f);
    assert_close("δc_1", g.dc[[0, 0]], dc);
    assert_close("δh_1", g.dh[[0, 0]], e);
}

/// One GRU step from a non-zero state; the reset gate multiplies `m = u_n h_0 + b_hn`:
/// ```text
/// n = tanh(w_n x + b_in + r m)   h = (1 − z) n + z h_0   e = h − y
/// ân = e (1 − z)(1 − n²)   âz = e (h_0 − n) z(1 − z)   âr = ân m r(1 − r)
/// ∂L/∂b_in = ân   ∂L/∂b_hn = r ân   ∂L/∂u_n = r ân h_0   ∂L/∂w_n = ân x
/// ∂L/∂h_0 = e z + u_r âr + u_z âz + u_n r ân     ∂L/∂x = w_r âr + w_z âz + w_n ân
/// ```
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn gru_step_by_hand() {
    let w = [0.6f32, -0.3, 0.9];
    let u = [0.2f32, 0.5, -0.7];
    let bi = [0.1f32, -0.2, 0.3];
    let bh = [-0.1f32, 0.4, 0.25];
    let (h0, x, y) = (0.6f32, -1.5f32, 0.1f32);
    let g = tiny(CellKind::Gru, (&w, &u, &bi, &bh), h0, None, &[x], &[y]);
    let f = |v: &[f32]| v.iter().map(|&a| a as f64).collect::<Vec<f64>>();
    let (w, u, bi, bh) = (f(&w), f(&u), f(&bi), f(&bh));
    let (h0, x, y) = (h0 as f64, x as f64, y as f64);
    let r = sig(w[0] * x + bi[0] + u[0] * h0 + bh[0]);
    let z = sig(w[1] * x + bi[1] + u[1] * h0 + bh[1]);
    let m = u[2] * h0 + bh[2];
    let n = (w[2] * x + bi[2] + r * m).tanh();
    let e = (1.0 - z) * n + z * h0 - y;
    let an = e * (1.0 - z) * (1.0 - n * n);
    let az = e * (h0 - n) * z * (1.0 - z);
    let ar = an * m * r * (1.0 - r);
    let gx = [ar, az, an];
    let gh = [ar, az, r * an];
    for k in 0..3 {
        assert_close(&format!("dL/dW_ih[{k}]"), g.weight_ih[[k, 0]], gx[k] * x);
        assert_close(&format!("dL/dW_hh[{k}]"), g.weight_hh[[k, 0]], gh[k] * h0);
        assert_close(&format!("dL/db_ih[{k}]"), g.bias_ih[k], gx[k]);
        assert_close(&format!("dL/db_hh[{k}]"), g.bias_hh[k], gh[k]);
    }
    let dx = (0..3).map(|k| w[k] * gx[k]).sum::<f64>();
    let dh0 = e * z + (0..3).map(|k| u[k] * gh[k]).sum::<f64>();
    assert_close("dL/dx", g.x[[0, 0]], dx);
    assert_close("dL/dh_0", g.h0[0], dh0);
}

// ---------------------------------------------------------------------------------------------
// API: layouts, gradient flow, typed errors

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn column_major_weights_and_input_give_the_same_gradients() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let base = Inputs::random(kind, 7);
        let want = base.grads();
        let fortran = |a: &Array2<f32>| {
            let mut f = Array2::zeros(a.dim().f());
            f.assign(a);
            f
        };
        let p = Params::new(
            kind,
            fortran(&base.w_ih),
            fortran(&base.w_hh),
            base.b_ih.clone(),
            base.b_hh.clone(),
        )
        .unwrap();
        let xt = base.x.t().to_owned(); // [D, T], so its transpose is a column-major view
        let init = InitialState {
            h0: base.h0.to_vec(),
            c0: base.c0.to_vec(),
        };
        let trace = forward(&p, xt.t(), &init).unwrap();
        let target = base.y.t().to_owned();
        let (_, dl_dh) = mse_loss(&trace, target.t()).unwrap();
        let got = backward(&p, &trace, dl_dh.t().to_owned().t()).unwrap();
        assert_eq!(got, want, "{kind:?}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn dh_norms_are_the_row_norms_and_a_last_step_loss_flows_back() {
    let base = Inputs::random(CellKind::Lstm, 11);
    let trace = base.trace();
    // Loss on the last step only: every earlier δh_t comes from the recurrence alone.
    let mut dl_dh = Array2::<f32>::zeros((4, 3));
    dl_dh.row_mut(3).fill(1.0);
    let g = backward(&base.params(), &trace, dl_dh.view()).unwrap();
    let norms = g.dh_norms();
    assert_eq!(norms.len(), 4);
    for (t, &n) in norms.iter().enumerate() {
        let want = g.dh.row(t).iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!(
            (n - want).abs() <= 1e-6 * want.max(1.0),
            "t={t}: {n} vs {want}"
        );
        assert!(n > 0.0, "t={t}: no gradient reached this step");
    }
    assert!((norms[3] - 3f32.sqrt()).abs() < 1e-6, "{norms}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn zero_loss_gradient_gives_zero_gradients() {
    for kind in [CellKind::Lstm, CellKind::Gru, CellKind::Rnn] {
        let base = Inputs::random(kind, 5);
        let trace = base.trace();
        let y = trace.get(Series::H).unwrap().to_owned();
        let (loss, dl_dh) = mse_loss(&trace, y.view()).unwrap();
        assert_eq!(loss, 0.0);
        let g = backward(&base.params(), &trace, dl_dh.view()).unwrap();
        for v in g
            .weight_ih
            .iter()
            .chain(&g.weight_hh)
            .chain(&g.x)
            .chain(&g.h0)
        {
            assert_eq!(*v, 0.0, "{kind:?}");
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn typed_errors_for_mismatched_shapes_and_values() {
    let lstm = Inputs::random(CellKind::Lstm, 1);
    let trace = lstm.trace(); // T = 4, H = 3, D = 2
    let p = lstm.params();

    let e = mse_loss(&trace, Array2::zeros((4, 2)).view()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Shape { what, expected, found }
            if what == "target" && expected.starts_with("[4, 3]") && found == "[4, 2]"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "target: expected shape [4, 3] ([T, H]), found [4, 2]"
    );
    assert!(mse_loss(&trace, Array2::zeros((5, 3)).view()).is_err());
    let mut y = Array2::<f32>::zeros((4, 3));
    y[[2, 1]] = f32::NAN;
    let e = mse_loss(&trace, y.view()).unwrap_err();
    assert!(
        matches!(&e, ModelError::NonFinite { what, index, .. } if what == "target" && index == "[2][1]"),
        "{e:?}"
    );

    let e = backward(&p, &trace, Array2::zeros((3, 3)).view()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Shape { what, found, .. } if what == "dL/dh" && found == "[3, 3]"),
        "{e:?}"
    );
    let mut dl = Array2::<f32>::zeros((4, 3));
    dl[[0, 0]] = f32::INFINITY;
    assert!(matches!(
        backward(&p, &trace, dl.view()).unwrap_err(),
        ModelError::NonFinite { .. }
    ));

    let ok = Array2::<f32>::zeros((4, 3));
    let gru = Inputs::random(CellKind::Gru, 1).params();
    let e = backward(&gru, &trace, ok.view()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Format(m) if m.contains("LSTM") && m.contains("GRU")),
        "{e:?}"
    );
    let wider = Params::init(CellKind::Lstm, 3, 5, InitConfig::default()).unwrap();
    let e = backward(&wider, &trace, ok.view()).unwrap_err();
    assert!(
        matches!(&e, ModelError::Shape { what, .. } if what == "trace"),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("D = 5") && e.to_string().contains("D = 2"),
        "{e}"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn seed_example_loss_matches_the_golden_loss_through_the_public_api() {
    // The same numbers the CLI prints with --target: a quick end-to-end check of mse_loss.
    let case = load_grad("lstm_grad.json")
        .into_iter()
        .find(|c| c["id"] == "lstm_grad_classic_h4_d1_t5")
        .unwrap();
    let p = params(&case, CellKind::Lstm);
    let x = arr2(&[[1.0f32], [2.0], [3.0], [4.0], [5.0]]);
    let trace = forward(&p, x.view(), &InitialState::default()).unwrap();
    let y = tensor(&case["target"]).batch3(0).mapv(|v| v as f32);
    let (loss, _) = mse_loss(&trace, y.view()).unwrap();
    let want = case["loss"].as_f64().unwrap();
    assert!(
        (loss as f64 - want).abs() <= 1e-6 * want,
        "{loss} vs {want}"
    );
}
