//! Generating text from a [`CharModel`], seeded.

use super::error::TextError;
use super::model::{exp_shifted, CharModel};
use crate::rng::SplitMix64;

/// Most characters one [`CharModel::sample`] call generates.
pub const MAX_SAMPLE_CHARS: usize = 10_000;
/// Highest temperature accepted (beyond it every sample is uniform noise anyway).
pub const MAX_TEMPERATURE: f32 = 100.0;

impl CharModel {
    /// Reads `prime` (at least one character), then generates `len` characters, each drawn
    /// from `softmax(z / temperature)` of the step before and fed back in. Returns the
    /// generated characters only (`"<unk>"` as U+FFFD).
    ///
    /// `temperature = 0` takes the most likely character (the lowest id among equals);
    /// otherwise `p_k ∝ exp((z_k − max z) / temperature)` in f64, drawn with a uniform
    /// `u ∈ [0, 1)` of 53 bits from [`SplitMix64`] seeded with `seed`.
    ///
    /// Errors: temperature not finite or outside `0..=`[`MAX_TEMPERATURE`], `len` beyond
    /// [`MAX_SAMPLE_CHARS`], an empty prime or one with unknown characters.
    pub fn sample(
        &self,
        prime: &str,
        len: usize,
        temperature: f32,
        seed: u64,
    ) -> Result<String, TextError> {
        if !(temperature.is_finite() && (0.0..=MAX_TEMPERATURE).contains(&temperature)) {
            return Err(TextError::config(
                "temperature",
                temperature,
                "a number from 0 (most likely character) to 100",
            ));
        }
        if len > MAX_SAMPLE_CHARS {
            return Err(TextError::config("sample length", len, "at most 10000"));
        }
        let mut run = self.run_text(prime)?;
        let mut rng = SplitMix64::new(seed);
        let mut out = Vec::with_capacity(len);
        for _ in 0..len {
            let z = run.logits();
            let z = z.row(z.nrows() - 1);
            let id = if temperature == 0.0 {
                run.top_k(run.steps() - 1, 1).first().map_or(0, |p| p.id)
            } else {
                let w = exp_shifted(z, f64::from(temperature));
                let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                let mut left = u * w.iter().sum::<f64>();
                // The last id with any weight catches rounding at the top end.
                let fallback = w.iter().rposition(|&v| v > 0.0).unwrap_or(0);
                w.iter()
                    .position(|&v| {
                        left -= v;
                        left < 0.0
                    })
                    .unwrap_or(fallback)
            };
            out.push(id);
            run = self.forward_from(&[id], &run.final_state())?;
        }
        Ok(self.vocab().decode(&out))
    }
}
