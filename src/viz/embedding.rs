//! The embedding view: every character's embedding vector projected onto its two principal
//! components (`probe::pca_2d`), labelled by the character. The seed article's "embedding
//! layer" box, made visible: characters the model treats alike land near each other.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::charts::{Ink, UNIT_COLORS};
use crate::model::text::probe::Pca2;

/// Draws the points of `pca`, each labelled with `labels[k]` (the vocabulary, made visible),
/// on axes named after the share of the variance each component explains.
pub fn draw_embedding<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pca: &Pca2,
    labels: &[String],
    ink: Ink,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let extent = |k: usize| {
        let (lo, hi) = pca
            .points
            .iter()
            .map(|p| p[k])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if lo.is_finite() && hi > lo {
            let pad = (hi - lo) * 0.08;
            (lo - pad)..(hi + pad)
        } else {
            -1.0..1.0
        }
    };
    let share = |k: usize| {
        if pca.total_variance > 0.0 {
            100.0 * pca.variances[k] / pca.total_variance
        } else {
            0.0
        }
    };
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .x_label_area_size(ink.text * 3)
        .y_label_area_size(ink.text * 4)
        .build_cartesian_2d(extent(0), extent(1))?;
    chart
        .configure_mesh()
        .x_desc(format!("component 1 ({:.0}% of the variance)", share(0)))
        .y_desc(format!("component 2 ({:.0}%)", share(1)))
        .x_labels(5)
        .y_labels(5)
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((FontFamily::SansSerif, ink.text - 2))
        .axis_desc_style((FontFamily::SansSerif, ink.text))
        .draw()?;
    let dot = UNIT_COLORS[0];
    let font = (FontFamily::SansSerif, ink.text + 2)
        .into_font()
        .color(&BLACK);
    chart.draw_series(pca.points.iter().zip(labels).map(|(p, label)| {
        EmptyElement::at((p[0], p[1]))
            + Circle::new((0, 0), ink.line, dot.mix(0.6).filled())
            + Text::new(
                label.clone(),
                (ink.line as i32 + 2, -(ink.text as i32) / 2),
                font.clone(),
            )
    }))?;
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::probe::pca_2d;
    use ndarray::array;

    #[test]
    fn every_character_is_drawn_with_its_label() {
        let rows = array![
            [1.0f32, 0.0, 0.5],
            [0.0, 1.0, 0.0],
            [-1.0, 0.2, 0.1],
            [0.3, -0.7, 0.9]
        ];
        let pca = pca_2d(rows.view()).unwrap();
        let labels: Vec<String> = ["a", "␣", "(", "\""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (400, 300)).into_drawing_area();
            draw_embedding(&area, &pca, &labels, Ink::NORMAL).unwrap();
        }
        assert_eq!(svg.matches("<circle").count(), 4);
        for l in ["a", "␣", "("] {
            assert!(svg.contains(&format!("\n{l}\n</text>")), "label {l}");
        }
        assert!(svg.contains("\n&quot;\n</text>") || svg.contains("\n\"\n</text>"));
        assert!(svg.contains("of the variance"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
