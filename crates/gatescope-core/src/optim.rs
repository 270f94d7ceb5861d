//! Optimisers over a flat parameter vector: SGD (with optional momentum) and Adam, plus
//! global gradient-norm clipping. All arithmetic is plain f32/f64 (no `powi`, no platform
//! maths), so an update is bit-identical natively and in wasm.

/// Which update rule, with its settings. Default: Adam with its standard settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Optimizer {
    /// `θ ← θ − lr · v`, `v ← momentum · v + g` (plain SGD when `momentum = 0`).
    Sgd(SgdConfig),
    /// Adam (Kingma & Ba 2015) with bias correction.
    Adam(AdamConfig),
}

impl Default for Optimizer {
    fn default() -> Self {
        Optimizer::Adam(AdamConfig::default())
    }
}

/// Settings of [`Optimizer::Sgd`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SgdConfig {
    /// Heavy-ball momentum in `[0, 1)`. Default 0 (plain SGD).
    pub momentum: f32,
}

/// Settings of [`Optimizer::Adam`]; the defaults are the paper's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    /// Decay of the first moment, in `[0, 1)`. Default 0.9.
    pub beta1: f32,
    /// Decay of the second moment, in `[0, 1)`. Default 0.999.
    pub beta2: f32,
    /// Added to `√v̂`, `> 0`. Default 1e-8.
    pub epsilon: f32,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

/// An optimiser's running state for one flat parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OptState {
    rule: Optimizer,
    /// SGD velocity, or Adam's first moment `m`.
    m: Vec<f32>,
    /// Adam's second moment `v` (empty for SGD).
    v: Vec<f32>,
    /// `β1ᵗ` and `β2ᵗ`, kept as running products.
    beta1_t: f64,
    beta2_t: f64,
}

impl OptState {
    pub(crate) fn new(rule: Optimizer, n: usize) -> Self {
        let v = match rule {
            Optimizer::Sgd(_) => 0,
            Optimizer::Adam(_) => n,
        };
        Self {
            rule,
            m: vec![0.0; n],
            v: vec![0.0; v],
            beta1_t: 1.0,
            beta2_t: 1.0,
        }
    }

    /// One update of `params` along `grads` (same length as at [`OptState::new`]).
    pub(crate) fn update(&mut self, params: &mut [f32], grads: &[f32], lr: f32) {
        debug_assert_eq!(params.len(), self.m.len());
        debug_assert_eq!(grads.len(), self.m.len());
        match self.rule {
            Optimizer::Sgd(SgdConfig { momentum }) => {
                for ((p, m), &g) in params.iter_mut().zip(&mut self.m).zip(grads) {
                    *m = momentum * *m + g;
                    *p -= lr * *m;
                }
            }
            Optimizer::Adam(AdamConfig {
                beta1,
                beta2,
                epsilon,
            }) => {
                self.beta1_t *= beta1 as f64;
                self.beta2_t *= beta2 as f64;
                // lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
                let c1 = (1.0 / (1.0 - self.beta1_t)) as f32;
                let c2 = (1.0 / (1.0 - self.beta2_t)) as f32;
                for (((p, m), v), &g) in params
                    .iter_mut()
                    .zip(&mut self.m)
                    .zip(&mut self.v)
                    .zip(grads)
                {
                    *m = beta1 * *m + (1.0 - beta1) * g;
                    *v = beta2 * *v + (1.0 - beta2) * g * g;
                    *p -= lr * (*m * c1) / ((*v * c2).sqrt() + epsilon);
                }
            }
        }
    }
}

/// `‖g‖₂` over the whole vector, accumulated in f64.
pub fn global_norm(grads: &[f32]) -> f32 {
    grads
        .iter()
        .map(|&g| g as f64 * g as f64)
        .sum::<f64>()
        .sqrt() as f32
}

/// Scales `grads` so that `‖g‖₂ ≤ max_norm` (unchanged if already within it); returns the
/// norm before clipping.
pub fn clip_global_norm(grads: &mut [f32], max_norm: f32) -> f32 {
    let norm = global_norm(grads);
    if norm > max_norm && norm.is_finite() {
        let s = max_norm / norm;
        grads.iter_mut().for_each(|g| *g *= s);
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sgd_steps_against_the_gradient() {
        let mut s = OptState::new(Optimizer::Sgd(SgdConfig::default()), 2);
        let mut p = [1.0, -2.0];
        s.update(&mut p, &[0.5, -1.0], 0.1);
        assert_eq!(p, [0.95, -1.9]);
    }

    #[test]
    fn adam_first_step_moves_each_weight_by_about_lr() {
        // With bias correction, m̂ = g and v̂ = g², so the first step is lr·g/(|g| + ε).
        let mut s = OptState::new(Optimizer::Adam(AdamConfig::default()), 3);
        let mut p = [0.0f32; 3];
        s.update(&mut p, &[0.3, -4.0, 1e-3], 0.01);
        for (v, want) in p.iter().zip([-0.01, 0.01, -0.01]) {
            assert!((v - want).abs() < 1e-6, "{v} vs {want}");
        }
    }

    #[test]
    fn adam_minimises_a_quadratic() {
        let mut s = OptState::new(Optimizer::Adam(AdamConfig::default()), 2);
        let mut p = [3.0f32, -2.0];
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 1.0), 2.0 * (p[1] + 0.5)];
            s.update(&mut p, &g, 0.05);
        }
        assert!(
            (p[0] - 1.0).abs() < 1e-2 && (p[1] + 0.5).abs() < 1e-2,
            "{p:?}"
        );
    }

    #[test]
    fn clipping_scales_to_the_bound_only_when_above() {
        let mut g = [3.0f32, 4.0];
        assert_eq!(clip_global_norm(&mut g, 1.0), 5.0);
        assert!((global_norm(&g) - 1.0).abs() < 1e-6);
        let mut g = [0.3f32, 0.4];
        assert_eq!(clip_global_norm(&mut g, 1.0), 0.5);
        assert_eq!(g, [0.3, 0.4]);
    }
}
