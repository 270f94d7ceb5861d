//! The trace as `gatescope-trace` prints it: its forward pass and its JSON and CSV writers,
//! shared by the CLI and the page's exports (through the model-file worker), so an export is
//! byte for byte what the CLI prints for the same model and input. A one-layer,
//! one-direction model prints exactly what earlier versions printed; a stacked or
//! bidirectional one adds its layers (see the CLI's `HELP`).

use std::io::{self, Write};

use gatescope_core::{
    forward_stack, CellKind, ForwardRun, Grads, InitialState, Intervention, Interventions,
    ModelError, Stack, StackTrace, Trace,
};
use ndarray::{ArrayView1, ArrayView2};

/// A model error as one sentence. Non-finite file values carry no index of their own (the
/// key names the element), so they are worded here rather than by the generic message.
pub fn model_message(e: &ModelError) -> String {
    match e {
        ModelError::NonFinite { what, index, value } if index.is_empty() => format!(
            "{what}: value {value} is not finite (f32 values must be below 3.4e38 in magnitude)"
        ),
        other => other.to_string(),
    }
}

/// The forward pass the CLI prints: the whole stack, or with interventions forced inside the
/// steps of a one-layer forward model (`model` names it in messages).
pub fn forward(
    model: &str,
    stack: &Stack,
    x: ArrayView2<'_, f32>,
    init: &[InitialState],
    interventions: &[Intervention],
) -> Result<StackTrace, String> {
    if interventions.is_empty() {
        return forward_stack(stack, x, init).map_err(|e| model_message(&e));
    }
    let Some(params) = stack.as_single() else {
        return Err(format!(
            "--clamp / --set work on one-layer models that run forward; {model} has {} layer(s), \
             {} direction(s)",
            stack.num_layers(),
            stack.directions()
        ));
    };
    let (kind, h) = (params.kind(), params.hidden_size());
    let iv = Interventions::new(kind, h, interventions.to_vec())
        .map_err(|e| format!("--clamp / --set: {}", model_message(&e)))?;
    let first = init.first().cloned().unwrap_or_default();
    let mut run = ForwardRun::new(params, x, &first)
        .and_then(|r| r.with_interventions(iv))
        .map_err(|e| model_message(&e))?;
    run.advance(usize::MAX);
    Ok(StackTrace::from(run.finish()))
}

/// Writes `v` in the shortest decimal that parses back to the same f32 (ryu, via serde_json).
fn num(w: &mut impl Write, v: f32) -> io::Result<()> {
    if v.is_finite() {
        serde_json::to_writer(&mut *w, &v).map_err(io::Error::from)
    } else {
        w.write_all(b"null")
    }
}

fn json_vector(w: &mut impl Write, a: ArrayView1<'_, f32>) -> io::Result<()> {
    w.write_all(b"[")?;
    for (k, &v) in a.iter().enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        num(w, v)?;
    }
    w.write_all(b"]")
}

fn json_matrix(w: &mut impl Write, a: ArrayView2<'_, f32>) -> io::Result<()> {
    w.write_all(b"[")?;
    for (t, row) in a.rows().into_iter().enumerate() {
        if t > 0 {
            w.write_all(b",")?;
        }
        json_vector(w, row)?;
    }
    w.write_all(b"]")
}

/// The loss and its gradients, when a target is given.
pub struct Training {
    pub loss: f32,
    pub grads: Grads,
}

/// `"i": [[..]], "f": …` for every series of `trace`, each preceded by `sep`.
fn series(w: &mut impl Write, trace: &Trace, sep: &str) -> io::Result<()> {
    for &s in trace.series() {
        if let Some(a) = trace.get(s) {
            write!(w, "{sep}\"{}\": ", s.symbol())?;
            json_matrix(w, a)?;
        }
    }
    Ok(())
}

/// The JSON of a run: the one-layer schema for a one-layer model, else the stacked one.
pub fn write_json(
    w: &mut impl Write,
    run: &StackTrace,
    bidirectional: bool,
    training: Option<&Training>,
) -> io::Result<()> {
    write_fields(w, run, bidirectional, training)?;
    writeln!(w, "\n}}")
}

/// What a character model adds to its trace: the characters read and, per step, the most
/// likely next characters with their probabilities, most likely first.
pub struct CharText {
    pub tokens: Vec<String>,
    pub next: Vec<Vec<(String, f32)>>,
}

/// A character model's run: [`write_json`]'s keys (its `"x"` the embedding rows), then
/// `"tokens"` (the characters, as strings) and `"next"` (per step, a list of
/// `{"char": C, "p": P}`).
pub fn write_char_json(
    w: &mut impl Write,
    run: &StackTrace,
    bidirectional: bool,
    text: &CharText,
) -> io::Result<()> {
    write_fields(w, run, bidirectional, None)?;
    let string = |w: &mut dyn Write, s: &str| -> io::Result<()> {
        serde_json::to_writer(&mut *w, s).map_err(io::Error::from)
    };
    write!(w, ",\n  \"tokens\": [")?;
    for (k, t) in text.tokens.iter().enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        string(w, t)?;
    }
    write!(w, "],\n  \"next\": [")?;
    for (t, step) in text.next.iter().enumerate() {
        w.write_all(if t > 0 { b",\n    [" } else { b"\n    [" })?;
        for (k, (c, p)) in step.iter().enumerate() {
            if k > 0 {
                w.write_all(b", ")?;
            }
            w.write_all(b"{\"char\": ")?;
            string(w, c)?;
            w.write_all(b", \"p\": ")?;
            num(w, *p)?;
            w.write_all(b"}")?;
        }
        w.write_all(b"]")?;
    }
    writeln!(w, "\n  ]\n}}")
}

/// Every key of [`write_json`] but the closing brace.
fn write_fields(
    w: &mut impl Write,
    run: &StackTrace,
    bidirectional: bool,
    training: Option<&Training>,
) -> io::Result<()> {
    let traces = run.traces();
    let first = &traces[0];
    // A single reverse layer (ONNX) is printed with its direction, like a stack.
    let layered = traces.len() > 1 || first.is_reverse();
    writeln!(w, "{{")?;
    writeln!(w, "  \"cell\": \"{}\",", first.kind().name())?;
    writeln!(w, "  \"input_size\": {},", first.input_size())?;
    writeln!(w, "  \"hidden_size\": {},", first.hidden_size())?;
    if layered {
        let dirs = if bidirectional { 2 } else { 1 };
        writeln!(w, "  \"num_layers\": {},", traces.len() / dirs)?;
        writeln!(w, "  \"bidirectional\": {bidirectional},")?;
    }
    writeln!(w, "  \"steps\": {},", first.steps())?;
    write!(w, "  \"x\": ")?;
    json_matrix(w, run.x())?;
    if !layered {
        series(w, first, ",\n  ")?;
    } else {
        write!(w, ",\n  \"layers\": [")?;
        let dirs = if bidirectional { 2 } else { 1 };
        for (k, trace) in traces.iter().enumerate() {
            let dir = if trace.is_reverse() {
                "reverse"
            } else {
                "forward"
            };
            let sep = if k > 0 { "," } else { "" };
            write!(
                w,
                "{sep}\n    {{\"layer\": {}, \"direction\": \"{dir}\"",
                k / dirs
            )?;
            series(w, trace, ",\n     ")?;
            write!(w, "}}")?;
        }
        write!(w, "\n  ],\n  \"output\": ")?;
        json_matrix(w, run.output())?;
    }
    if let Some(Training { loss, grads: g }) = training {
        write!(w, ",\n  \"loss\": ")?;
        num(w, *loss)?;
        write!(w, ",\n  \"grads\": {{")?;
        let mut sep = "\n";
        let mut key = |w: &mut dyn Write, name: &str| -> io::Result<()> {
            write!(w, "{sep}    \"{name}\": ")?;
            sep = ",\n";
            Ok(())
        };
        key(w, "weight_ih_l0")?;
        json_matrix(w, g.weight_ih.view())?;
        key(w, "weight_hh_l0")?;
        json_matrix(w, g.weight_hh.view())?;
        key(w, "bias_ih_l0")?;
        json_vector(w, g.bias_ih.view())?;
        key(w, "bias_hh_l0")?;
        json_vector(w, g.bias_hh.view())?;
        key(w, "x")?;
        json_matrix(w, g.x.view())?;
        key(w, "h0")?;
        json_vector(w, g.h0.view())?;
        if first.kind() == CellKind::Lstm {
            key(w, "c0")?;
            json_vector(w, g.c0.view())?;
        }
        write!(w, "\n  }}")?;
    }
    Ok(())
}

/// One row per step and hidden unit: `t,unit,x…,<gates>`; a stacked or bidirectional model
/// starts each row with `layer,direction` and repeats the table per layer-direction (its x
/// columns are that layer's own input, `dirs·H` wide above layer 0).
pub fn write_csv(w: &mut impl Write, run: &StackTrace, bidirectional: bool) -> io::Result<()> {
    let traces = run.traces();
    let many = traces.len() > 1 || traces[0].is_reverse();
    let dirs = if bidirectional { 2 } else { 1 };
    let first = &traces[0];
    let header_x = |w: &mut dyn Write, d: usize| -> io::Result<()> {
        if d == 1 {
            write!(w, ",x")
        } else {
            (0..d).try_for_each(|k| write!(w, ",x{k}"))
        }
    };
    if many {
        write!(w, "layer,direction,t,unit")?;
        // Inputs differ in width between layers: the widest header covers all.
        let widest = traces.iter().map(Trace::input_size).max().unwrap_or(1);
        header_x(w, widest)?;
    } else {
        write!(w, "t,unit")?;
        header_x(w, first.input_size())?;
    }
    for s in first.series() {
        write!(w, ",{}", s.symbol())?;
    }
    writeln!(w)?;
    let widest = traces.iter().map(Trace::input_size).max().unwrap_or(1);
    for (k, trace) in traces.iter().enumerate() {
        let series: Vec<_> = trace
            .series()
            .iter()
            .filter_map(|&s| trace.get(s))
            .collect();
        let x = trace.x();
        for t in 0..trace.steps() {
            for unit in 0..trace.hidden_size() {
                if many {
                    let dir = if trace.is_reverse() {
                        "reverse"
                    } else {
                        "forward"
                    };
                    write!(w, "{},{dir},", k / dirs)?;
                }
                write!(w, "{},{unit}", t + 1)?;
                for &v in x.row(t) {
                    w.write_all(b",")?;
                    num(w, v)?;
                }
                if many {
                    // Narrower inputs leave their extra x columns empty.
                    for _ in trace.input_size()..widest {
                        w.write_all(b",")?;
                    }
                }
                for a in &series {
                    w.write_all(b",")?;
                    num(w, a[[t, unit]])?;
                }
                writeln!(w)?;
            }
        }
    }
    Ok(())
}
