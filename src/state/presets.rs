//! Ready-made input sequences, each a seeded, pure function of its parameters.

use ndarray::Array2;

use crate::model::rng::SplitMix64;

/// The presets offered next to the input field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// The seed article's 1, 2, 3, 4, 5.
    SeedExample,
    /// A single 1 at t = 1, then zeros: how long does the cell remember it?
    Impulse,
    /// Zeros, then ones from t = 6: how fast does the state settle?
    Step,
    /// One sine period every 10 steps.
    Sine,
    /// +1, −1, +1, …
    Alternating,
    /// Uniform in [−1, 1), seeded.
    Random,
}

impl Preset {
    pub const ALL: [Preset; 6] = [
        Preset::SeedExample,
        Preset::Impulse,
        Preset::Step,
        Preset::Sine,
        Preset::Alternating,
        Preset::Random,
    ];

    /// The button text.
    pub fn label(self) -> &'static str {
        match self {
            Preset::SeedExample => "Seed example 1…5",
            Preset::Impulse => "Impulse",
            Preset::Step => "Step",
            Preset::Sine => "Sine",
            Preset::Alternating => "Alternating",
            Preset::Random => "Random",
        }
    }

    /// `[T, d]` values; input dimension `k` is phase-shifted (sine) or shifted in time
    /// (impulse, step) so dimensions are distinguishable. Random uses `seed`.
    pub fn generate(self, d: usize, seed: u64) -> Array2<f32> {
        let d = d.max(1);
        let t_len = match self {
            Preset::SeedExample => 5,
            Preset::Impulse
            | Preset::Step
            | Preset::Sine
            | Preset::Alternating
            | Preset::Random => 20,
        };
        let mut rng = SplitMix64::new(seed);
        let mut x = Array2::zeros((t_len, d));
        for t in 0..t_len {
            for k in 0..d {
                x[[t, k]] = match self {
                    Preset::SeedExample => (t + 1) as f32,
                    Preset::Impulse => f32::from(t == k),
                    Preset::Step => f32::from(t >= 5 + k),
                    Preset::Sine => {
                        let phase =
                            std::f32::consts::TAU * (t as f32 / 10.0 + k as f32 / (2.0 * d as f32));
                        (phase.sin() * 1000.0).round() / 1000.0
                    }
                    Preset::Alternating => {
                        if (t + k) % 2 == 0 {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                    Preset::Random => (rng.uniform(-1.0, 1.0) * 1000.0).round() / 1000.0,
                };
            }
        }
        x
    }
}

/// Writes `[T, D]` values in the input format: `1, 2, 3` when `D = 1`, otherwise one step
/// per `;` with values separated by spaces. Each value is the shortest decimal that reads
/// back as the same f32, so text ↔ values round-trips.
pub fn format_sequence(x: &Array2<f32>) -> String {
    if x.ncols() == 1 {
        return x
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ");
    }
    x.rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_sequence;

    #[test]
    fn presets_have_their_shape() {
        assert_eq!(
            Preset::SeedExample.generate(1, 0).column(0).to_vec(),
            vec![1.0, 2.0, 3.0, 4.0, 5.0]
        );
        let imp = Preset::Impulse.generate(2, 0);
        assert_eq!(
            (imp[[0, 0]], imp[[1, 0]], imp[[1, 1]], imp.sum()),
            (1.0, 0.0, 1.0, 2.0)
        );
        assert_eq!(Preset::Random.generate(3, 9), Preset::Random.generate(3, 9));
        assert_ne!(
            Preset::Random.generate(3, 9),
            Preset::Random.generate(3, 10)
        );
    }

    #[test]
    fn formatted_text_parses_back_exactly() {
        for p in Preset::ALL {
            for d in [1, 3] {
                let x = p.generate(d, 4);
                assert_eq!(
                    parse_sequence(&format_sequence(&x), d).unwrap(),
                    x,
                    "{p:?} d={d}"
                );
            }
        }
    }
}
