//! The step editor's row of cells as a plain [`crate::viz::tree`]: one `<li>` per shown
//! timestep with its grip, insert and delete buttons and D inputs. `app::sequence_editor`
//! patches it into its `<ol>` and handles every event on the list itself, reading the step
//! and dimension from the `data-*` attributes written here.
//!
//! Why a tree: written as a Leptos keyed `<For>` with a `view!` per step and per cell, the
//! editor cost about 31 KB gzip of the first visit's wasm (measured by building without it),
//! most of it the keyed list's and each binding's generic code.

use std::ops::Range;

use ndarray::ArrayView2;

use super::editor::{cell_label, format_cell};
use crate::viz::tree::{html, Node};

/// The id of the editor's message line: an invalid cell points at it (`aria-describedby`).
pub const ERROR_ID: &str = "sequence-editor-error";

/// What the row of cells shows.
#[derive(Debug, Clone)]
pub struct CellsView<'a> {
    /// The input, `(T, D)`.
    pub x: ArrayView2<'a, f32>,
    /// The steps shown (all, or the page holding the current step).
    pub window: Range<usize>,
    /// The cell whose text was rejected, if its message is shown.
    pub invalid: Option<(usize, usize)>,
    /// The cell being dragged.
    pub dragging: Option<(usize, usize)>,
}

const GRIP_TITLE: &str = "Drag up or down to change the value (Shift: finer)";

impl CellsView<'_> {
    /// One `<li class="se-step">` per shown step.
    pub fn steps(&self) -> Vec<Node> {
        let (steps, dims) = self.x.dim();
        self.window
            .clone()
            .filter(|&t| t < steps)
            .map(|t| self.step(t, dims, steps).into())
            .collect()
    }

    /// Step `t`: its label (the drag grip when D = 1), insert/delete buttons and D cells.
    fn step(&self, t: usize, dims: usize, steps: usize) -> crate::viz::tree::Element {
        let n = t + 1;
        let label = if dims == 1 {
            self.grip(t, 0, "se-t se-grip")
                .child(html("span").class("se-grip-icon").text("⇕"))
                .text(format!("t={n}"))
        } else {
            html("span")
                .class("se-t")
                .attr("aria-hidden", "true")
                .text(format!("t={n}"))
        };
        let insert = format!("Insert a step after step {n}");
        let delete = format!("Delete step {n}");
        let head = html("div")
            .class("se-head")
            .child(label)
            .child(
                html("button")
                    .attr("type", "button")
                    .class("se-btn se-ins")
                    .attr("aria-label", insert.clone())
                    .attr("title", insert)
                    .attr("data-act", "ins")
                    .attr("data-t", t.to_string())
                    .text("+"),
            )
            .child(
                html("button")
                    .attr("type", "button")
                    .class("se-btn se-del")
                    .attr("aria-label", delete.clone())
                    .attr("title", delete)
                    .attr_if(steps <= 1, "disabled", "")
                    .attr("data-act", "del")
                    .attr("data-t", t.to_string())
                    .text("×"),
            );
        html("li")
            .class(if dims > 1 {
                "se-step se-multi"
            } else {
                "se-step"
            })
            .child(head)
            .children((0..dims).map(|d| self.cell(t, d, dims).into()))
    }

    /// A drag handle for cell (t, d) with the given classes.
    fn grip(&self, t: usize, d: usize, class: &str) -> crate::viz::tree::Element {
        html("span")
            .class(self.with_dragging(class, t, d))
            .attr("aria-hidden", "true")
            .attr("title", GRIP_TITLE)
            .attr("data-grip", format!("{t},{d}"))
    }

    fn with_dragging(&self, class: &str, t: usize, d: usize) -> String {
        if self.dragging == Some((t, d)) {
            format!("{class} se-dragging")
        } else {
            class.to_string()
        }
    }

    /// The input for dimension `d` of step `t`, with its own grip when D > 1.
    fn cell(&self, t: usize, d: usize, dims: usize) -> crate::viz::tree::Element {
        let value = self.x[(t, d)];
        let text = format_cell(value);
        let exact = value.to_string();
        let invalid = self.invalid == Some((t, d));
        let mut class = self.with_dragging("se-cell", t, d);
        if invalid {
            class.push_str(" se-invalid");
        }
        let input = html("input")
            .attr("type", "text")
            .attr("inputmode", "decimal")
            .attr("autocomplete", "off")
            .attr("spellcheck", "false")
            .attr("enterkeyhint", "done")
            .attr("aria-label", cell_label(t, d, dims))
            .attr("aria-invalid", if invalid { "true" } else { "false" })
            .attr_if(invalid, "aria-describedby", ERROR_ID)
            // The exact value as a tooltip, only when the cell shows it shortened.
            .attr_if(exact != text, "title", exact)
            .attr("value", text)
            .attr("data-t", t.to_string())
            .attr("data-d", d.to_string());
        let cell = html("div").class(class);
        let cell = if dims > 1 {
            cell.child(self.grip(t, d, "se-grip se-cell-grip").text("⇕"))
        } else {
            cell
        };
        cell.child(input)
    }
}

/// Reads `"t,d"` from a grip's `data-grip`.
pub fn parse_grip(value: &str) -> Option<(usize, usize)> {
    let (t, d) = value.split_once(',')?;
    Some((t.parse().ok()?, d.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::tree::Element;
    use ndarray::array;

    fn all<'a>(nodes: &'a [Node], keep: &dyn Fn(&Element) -> bool) -> Vec<&'a Element> {
        nodes.iter().flat_map(|n| n.find_all(keep)).collect()
    }

    fn inputs(nodes: &[Node]) -> Vec<&Element> {
        all(nodes, &|e| e.tag == "input")
    }

    #[test]
    fn one_step_per_shown_step_with_its_values_and_names() {
        let x = array![[1.0f32], [0.123_456_79], [-3.0]];
        let view = CellsView {
            x: x.view(),
            window: 0..3,
            invalid: None,
            dragging: None,
        };
        let nodes = view.steps();
        assert_eq!(nodes.len(), 3);
        let cells = inputs(&nodes);
        let values: Vec<_> = cells.iter().map(|e| e.get("value").unwrap()).collect();
        assert_eq!(values, ["1", "0.1235", "-3"]);
        assert_eq!(cells[1].get("aria-label"), Some("x at step 2"));
        // Shortened shown value: the exact one is the tooltip; otherwise no tooltip.
        assert_eq!(cells[1].get("title"), Some("0.12345679"));
        assert_eq!(cells[0].get("title"), None);
        assert_eq!(nodes[2].text_content(), "⇕t=3+×");
        let grips = all(&nodes, &|e| e.get("data-grip").is_some());
        assert_eq!(grips.len(), 3, "with D = 1 the step label is the grip");
        assert_eq!(parse_grip(grips[2].get("data-grip").unwrap()), Some((2, 0)));
    }

    #[test]
    fn a_window_shows_only_its_steps_and_a_lone_step_cannot_be_deleted() {
        let x = array![[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let view = CellsView {
            x: x.view(),
            window: 1..3,
            invalid: Some((2, 1)),
            dragging: Some((1, 0)),
        };
        let nodes = view.steps();
        assert_eq!(nodes[0].text_content(), "t=2+×⇕⇕");
        let cells = inputs(&nodes);
        assert_eq!(cells.len(), 4);
        assert_eq!(cells[0].get("aria-label"), Some("x[1] at step 2"));
        assert_eq!(cells[3].get("aria-invalid"), Some("true"));
        assert_eq!(cells[3].get("aria-describedby"), Some(ERROR_ID));
        assert_eq!(cells[2].get("aria-describedby"), None);
        let dragged = all(&nodes, &|e| {
            e.get("class")
                .is_some_and(|c| c.split(' ').any(|k| k == "se-dragging"))
        });
        assert_eq!(dragged.len(), 2, "the dragged cell and its own grip");
        let deletable = all(&nodes, &|e| e.get("data-act") == Some("del"));
        assert!(deletable.iter().all(|e| e.get("disabled").is_none()));

        let one = array![[7.0f32]];
        let lone = CellsView {
            x: one.view(),
            window: 0..5,
            invalid: None,
            dragging: None,
        };
        let nodes = lone.steps();
        assert_eq!(nodes.len(), 1, "a window past the input shows what exists");
        let del = all(&nodes, &|e| e.get("data-act") == Some("del"));
        assert_eq!(del[0].get("disabled"), Some(""));
    }

    #[test]
    fn grips_parse_only_their_own_format() {
        assert_eq!(parse_grip("12,3"), Some((12, 3)));
        assert_eq!(parse_grip("12"), None);
        assert_eq!(parse_grip("a,1"), None);
        assert_eq!(parse_grip("-1,0"), None);
    }
}
