//! `--clamp` and `--set`: parsed by the library (`state::intervention_spec`), which links
//! use too, so the CLI and the app read interventions the same way.

pub use gatescope::state::intervention_spec::{clamp, set};
