//! Interventions written as text, 1-based like everything on screen, turned into the core's
//! 0-based [`Intervention`]s: the CLI's `--clamp` and `--set`, and the interventions a link
//! carries.
//!
//! ```text
//! --clamp GATE[:UNIT][@T0..T1]=VALUE   GATE: i f g o (LSTM), r z n (GRU); all units and
//!                                      all steps when left out; T0..T1 inclusive, or @T
//! --set c|h:UNIT@T=VALUE               the state after step T
//! link: SERIES[:UNIT][@T0..T1]=VALUE   any gate, c or h
//! ```

use crate::model::parse::excerpt;
use crate::model::{Intervention, Series};

fn series(s: &str, flag: &str, allowed: &[&str]) -> Result<Series, String> {
    let found = Series::from_symbol(s);
    found.filter(|_| allowed.contains(&s)).ok_or_else(|| {
        format!(
            "{flag}: {:?} is not one of {}",
            excerpt(s),
            allowed.join(", ")
        )
    })
}

/// A 1-based count (unit or step) → 0-based.
fn one_based(s: &str, what: &str, flag: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n - 1),
        _ => Err(format!(
            "{flag}: {what} {:?} is not a whole number from 1",
            excerpt(s)
        )),
    }
}

fn value(s: &str, flag: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!(
            "{flag}: value {:?} is not a finite number",
            excerpt(s)
        )),
    }
}

/// `T` or `T0..T1` (1-based, inclusive).
fn steps(s: &str, flag: &str) -> Result<std::ops::RangeInclusive<usize>, String> {
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let (a, b) = (one_based(a, "step", flag)?, one_based(b, "step", flag)?);
    if a > b {
        return Err(format!("{flag}: steps {:?} run backwards", excerpt(s)));
    }
    Ok(a..=b)
}

/// `SERIES[:UNIT][@T0..T1]=VALUE` for a series in `allowed`; every unit and every step when
/// left out. `flag` and `form` name the source in messages ("--clamp",
/// "GATE[:UNIT][@T0..T1]=VALUE").
pub fn parse(spec: &str, flag: &str, form: &str, allowed: &[&str]) -> Result<Intervention, String> {
    let (target, v) = spec
        .rsplit_once('=')
        .ok_or_else(|| format!("{flag}: expected {form}, found {:?}", excerpt(spec)))?;
    let (target, range) = match target.split_once('@') {
        Some((t, r)) => (t, Some(steps(r, flag)?)),
        None => (target, None),
    };
    let (gate, unit) = match target.split_once(':') {
        Some((g, u)) => (g, Some(one_based(u, "unit", flag)?)),
        None => (target, None),
    };
    Ok(Intervention {
        series: series(gate.trim(), flag, allowed)?,
        unit,
        steps: range.unwrap_or(0..=usize::MAX),
        value: value(v, flag)?,
    })
}

/// The CLI's `--clamp GATE[:UNIT][@T0..T1]=VALUE`.
pub fn clamp(spec: &str) -> Result<Intervention, String> {
    parse(
        spec,
        "--clamp",
        "GATE[:UNIT][@T0..T1]=VALUE",
        &["i", "f", "g", "o", "r", "z", "n"],
    )
}

/// `iv` written as [`parse`] reads it (1-based; the unit and steps left out when they are
/// all of them), so a link can carry it.
pub fn to_spec(iv: &Intervention) -> String {
    let mut out = iv.series.symbol().to_string();
    if let Some(u) = iv.unit {
        out.push_str(&format!(":{}", u + 1));
    }
    let (a, b) = (*iv.steps.start(), *iv.steps.end());
    if (a, b) != (0, usize::MAX) {
        if a == b {
            out.push_str(&format!("@{}", a + 1));
        } else {
            out.push_str(&format!("@{}..{}", a + 1, b.saturating_add(1)));
        }
    }
    out.push_str(&format!("={}", iv.value));
    out
}

/// `c|h:UNIT@T=VALUE`.
pub fn set(spec: &str) -> Result<Intervention, String> {
    let flag = "--set";
    let form = || {
        format!(
            "{flag}: expected c|h:UNIT@T=VALUE, found {:?}",
            excerpt(spec)
        )
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip() {
        for spec in [
            "f=1",
            "i:2=0",
            "c@3=-2.5",
            "h:4@2..7=0",
            "z:1@5=0.25",
            "g@1..1=0.5",
        ] {
            let iv = parse(spec, "link", "S=V", &["i", "f", "g", "o", "c", "h", "z"]).unwrap();
            let again = parse(
                &to_spec(&iv),
                "link",
                "S=V",
                &["i", "f", "g", "o", "c", "h", "z"],
            );
            assert_eq!(again.unwrap(), iv, "{spec}");
        }
        let iv = clamp("f:2@3..5=1").unwrap();
        assert_eq!((iv.unit, iv.steps.clone(), iv.value), (Some(1), 2..=4, 1.0));
        assert_eq!(to_spec(&iv), "f:2@3..5=1");
        assert_eq!(to_spec(&clamp("o=0.5").unwrap()), "o=0.5");
    }

    #[test]
    fn messages_quote_at_most_an_excerpt() {
        let long = "x".repeat(5000);
        for bad in [
            format!("{long}=1"),
            format!("f={long}"),
            format!("f:{long}=1"),
            long.clone(),
        ] {
            let e = clamp(&bad).unwrap_err();
            assert!(e.chars().count() < 120, "{e}");
        }
        assert!(set("h:1=0.5")
            .unwrap_err()
            .contains("expected c|h:UNIT@T=VALUE"));
    }
}
