//! `--clamp` and `--set`: interventions written as text, 1-based like everything the CLI
//! prints, turned into the core's 0-based [`Intervention`]s.
//!
//! ```text
//! --clamp GATE[:UNIT][@T0..T1]=VALUE   GATE: i f g o (LSTM), r z n (GRU); all units and
//!                                      all steps when left out; T0..T1 inclusive, or @T
//! --set c|h:UNIT@T=VALUE               the state after step T
//! ```

use gatescope::model::{Intervention, Series};

fn series(s: &str, flag: &str, allowed: &[&str]) -> Result<Series, String> {
    let found = match s {
        "i" => Some(Series::I),
        "f" => Some(Series::F),
        "g" => Some(Series::G),
        "o" => Some(Series::O),
        "r" => Some(Series::R),
        "z" => Some(Series::Z),
        "n" => Some(Series::N),
        "c" => Some(Series::C),
        "h" => Some(Series::H),
        _ => None,
    };
    found
        .filter(|_| allowed.contains(&s))
        .ok_or_else(|| format!("{flag}: {s:?} is not one of {}", allowed.join(", ")))
}

/// A 1-based count (unit or step) → 0-based.
fn one_based(s: &str, what: &str, flag: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(format!("{flag}: {what} {s:?} is not a whole number from 1")),
    }
}

fn value(s: &str, flag: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{flag}: value {s:?} is not a finite number")),
    }
}

/// `T` or `T0..T1` (1-based, inclusive).
fn steps(s: &str, flag: &str) -> Result<std::ops::RangeInclusive<usize>, String> {
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let (a, b) = (one_based(a, "step", flag)?, one_based(b, "step", flag)?);
    if a > b {
        return Err(format!("{flag}: steps {s:?} run backwards"));
    }
    Ok(a..=b)
}

/// `GATE[:UNIT][@T0..T1]=VALUE`.
pub fn clamp(spec: &str) -> Result<Intervention, String> {
    let flag = "--clamp";
    let (target, v) = spec
        .rsplit_once('=')
        .ok_or_else(|| format!("{flag}: expected GATE[:UNIT][@T0..T1]=VALUE, found {spec:?}"))?;
    let (target, range) = match target.split_once('@') {
        Some((t, r)) => (t, Some(steps(r, flag)?)),
        None => (target, None),
    };
    let (gate, unit) = match target.split_once(':') {
        Some((g, u)) => (g, Some(one_based(u, "unit", flag)?)),
        None => (target, None),
    };
    Ok(Intervention {
        series: series(gate.trim(), flag, &["i", "f", "g", "o", "r", "z", "n"])?,
        unit,
        steps: range.unwrap_or(0..=usize::MAX),
        value: value(v, flag)?,
    })
}

/// `c|h:UNIT@T=VALUE`.
pub fn set(spec: &str) -> Result<Intervention, String> {
    let flag = "--set";
    let form = || format!("{flag}: expected c|h:UNIT@T=VALUE, found {spec:?}");
    let (target, v) = spec.rsplit_once('=').ok_or_else(form)?;
    let (target, t) = target.split_once('@').ok_or_else(form)?;
    let (state, unit) = target.split_once(':').ok_or_else(form)?;
    let t = one_based(t, "step", flag)?;
    Ok(Intervention {
        series: series(state.trim(), flag, &["c", "h"])?,
        unit: Some(one_based(unit, "unit", flag)?),
        steps: t..=t,
        value: value(v, flag)?,
    })
}
