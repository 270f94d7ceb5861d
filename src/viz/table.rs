//! Value tables as HTML text: the browser parses a whole table far faster than the same
//! table can be built node by node across the wasm boundary.

use std::fmt::Write;
use std::ops::Range;

use ndarray::ArrayView2;

use super::format_sig;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A `<table>` of `values` (`[T, H]`): caption, a header row of steps (each `th` carries
/// `data-t`, 0-based, so the current step can be marked without rebuilding), one row per
/// unit, values to 4 significant digits. Only the steps in `steps` are listed. `labels`: a
/// name per step (text mode's characters), shown after the step number.
pub fn value_table_html(
    caption: &str,
    values: ArrayView2<'_, f32>,
    steps: Range<usize>,
    labels: Option<&[String]>,
) -> String {
    let (_, h) = values.dim();
    let mut out = String::with_capacity(64 + h * steps.len() * 16);
    let _ = write!(
        out,
        "<table class=\"values\"><caption>{}</caption><thead><tr><th scope=\"col\">unit</th>",
        escape(caption)
    );
    for t in steps.clone() {
        let _ = write!(out, "<th scope=\"col\" data-t=\"{t}\">t = {}", t + 1);
        if let Some(l) = labels.and_then(|l| l.get(t)) {
            let _ = write!(out, " <q>{}</q>", escape(l));
        }
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for u in 0..h {
        let _ = write!(out, "<tr><th scope=\"row\">unit {}</th>", u + 1);
        for t in steps.clone() {
            let _ = write!(out, "<td>{}</td>", format_sig(values[[t, u]], 4));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::arr2;

    #[test]
    fn rows_are_units_and_columns_are_steps() {
        let v = arr2(&[[0.5, -0.25], [1.0, 0.125]]);
        let html = value_table_html("Input gate i", v.view(), 0..2, None);
        assert!(html.starts_with("<table class=\"values\"><caption>Input gate i</caption>"));
        assert!(html.contains("<th scope=\"col\" data-t=\"1\">t = 2</th>"));
        assert!(
            html.contains("<tr><th scope=\"row\">unit 2</th><td>-0.2500</td><td>0.1250</td></tr>")
        );
        assert_eq!(html.matches("<td>").count(), 4);
        let part = value_table_html("x", v.view(), 1..2, None);
        assert_eq!(part.matches("<td>").count(), 2);
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    /// The caption is the only text in a table that could come from a user (a model's name).
    #[test]
    fn a_hostile_caption_stays_text() {
        let v = arr2(&[[0.5]]);
        let html = value_table_html("<img src=x onerror='alert(1)'>", v.view(), 0..1, None);
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=&#39;alert(1)&#39;&gt;"),
            "{html}"
        );
    }

    #[test]
    fn step_labels_follow_the_numbers_escaped() {
        let v = arr2(&[[0.5f32], [1.0]]);
        let labels = vec!["<".to_string(), "\"".to_string()];
        let html = value_table_html("h", v.view(), 0..2, Some(&labels));
        assert!(
            html.contains("data-t=\"0\">t = 1 <q>&lt;</q></th>"),
            "{html}"
        );
        assert!(
            html.contains("data-t=\"1\">t = 2 <q>&quot;</q></th>"),
            "{html}"
        );
    }
}
