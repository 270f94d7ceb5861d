//! Drawing as pure functions of data: colour scales, heatmap pixel buffers and plotters
//! charts generic over the backend, so all of it is tested natively.

pub mod axis;
pub mod bars;
pub mod cell_diagram;
pub mod charts;
pub mod colormap;
pub mod embedding;
pub mod explainer;
pub mod heatmap;
pub mod table;
pub mod tree;
pub mod walkthrough;

pub use colormap::{format_compact, format_sig, text_on, ColorScale, Palette};
pub use heatmap::{first_column_of, heatmap_pixels, Grid, HeatPixels, Pixels};
