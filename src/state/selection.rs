//! Rules for the (step, unit) cells that views remember between events: the selection and
//! the hovered cell. A remembered cell is only ever used through [`within`], because the
//! trace it points into can shrink at any time (a shorter input, fewer units).

/// A (step, unit) cell of a trace's heatmaps, both 0-based.
pub type CellIndex = (usize, usize);

/// `cell` if it lies inside a trace of `steps` × `units`, else `None`.
pub fn within(cell: Option<CellIndex>, steps: usize, units: usize) -> Option<CellIndex> {
    cell.filter(|&(t, u)| t < steps && u < units)
}

/// The selection after a click on `clicked`: clicking the selected cell clears it.
pub fn toggle(selected: Option<CellIndex>, clicked: CellIndex) -> Option<CellIndex> {
    (selected != Some(clicked)).then_some(clicked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_outside_a_shrunk_trace_are_dropped() {
        assert_eq!(within(Some((4, 3)), 5, 4), Some((4, 3)));
        assert_eq!(within(Some((4, 3)), 4, 4), None);
        assert_eq!(within(Some((0, 3)), 5, 3), None);
        assert_eq!(within(None, 5, 4), None);
        assert_eq!(within(Some((0, 0)), 0, 0), None);
    }

    #[test]
    fn clicking_the_selected_cell_clears_it() {
        assert_eq!(toggle(None, (1, 2)), Some((1, 2)));
        assert_eq!(toggle(Some((1, 2)), (1, 2)), None);
        assert_eq!(toggle(Some((1, 2)), (0, 2)), Some((0, 2)));
    }
}
