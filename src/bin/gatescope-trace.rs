//! `gatescope-trace`: run an LSTM, GRU or RNN over a sequence and print every gate and state
//! at every step, as JSON or CSV.
//!
//! ```text
//! gatescope-trace --model MODEL.json (--input TEXT | --input-file X.json)
//!                 [--h0=V,V,..] [--c0=V,V,..] [--target Y.json] [--format json|csv]
//! ```
//!
//! With `--target`, the JSON output also holds the loss `L = ½ Σ_{t,j} (h_t − y_t)²` and its
//! gradients with respect to the weights, the input and the initial state (BPTT, see
//! `gatescope::model::backward`).
//!
//! Exit status: 0 on success, 2 on any bad argument or input (with exactly one line on
//! stderr naming what is wrong and where), 1 if the output cannot be written. A closed
//! stdout (`| head`) ends the program quietly with status 0.

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use gatescope::model::{
    backward, forward, io as model_io, mse_loss, parse_sequence, parse_vector, CellKind, Grads,
    InitialState, ModelError, Trace,
};
use ndarray::{ArrayView1, ArrayView2};

const NAME: &str = "gatescope-trace";

const SYNOPSIS: &str = "gatescope-trace --model MODEL.json (--input TEXT | --input-file X.json) \
[--h0=V,V,..] [--c0=V,V,..] [--target Y.json] [--format json|csv]";

const HELP: &str = "\
Run a recurrent cell over a sequence and print every gate and state at every step.

Options:
  --model MODEL.json     PyTorch-layout weights: {\"cell\": \"lstm\"|\"gru\"|\"rnn\",
                         \"weight_ih_l0\": [[..]], \"weight_hh_l0\": [[..]],
                         \"bias_ih_l0\": [..], \"bias_hh_l0\": [..]} (names without _l0
                         work too). H and D come from the shapes.
  --input TEXT           The sequence: steps separated by ';' or newlines, values within
                         a step by commas or whitespace. When D = 1, commas and
                         whitespace separate steps too: \"1, 2, 3\" is three steps.
  --input-file X.json    The sequence as a JSON list of steps [[x_1..x_D], ...]
                         (a flat list [x_1, x_2, ...] when D = 1).
  --h0 V,V,..            Initial hidden state, H values (default zeros).
  --c0 V,V,..            Initial cell state, H values (LSTM only; default zeros).
  --target Y.json        Targets for the hidden states, a JSON list [[y_1..y_H], ...] of
                         T steps (a flat list when H = 1). Adds the loss and its
                         gradients to the output (JSON only).
  --format json|csv      Output format (default json).
  -h, --help             Print this help.

Every option also takes its value after '=' (--h0=-0.5,0.1). A separate value may start
with '-' when a digit or '.' follows (--h0 -0.5,0.1).

JSON output: one object with \"cell\", \"input_size\" (D), \"hidden_size\" (H), \"steps\" (T),
\"x\" [T][D], then every gate and state as [T][H]: LSTM i, f, g, o, c, h; GRU r, z, n, h;
RNN h. Row t is the step that consumed x[t].

With --target, two more keys follow:
  \"loss\"     L = 0.5 * sum over t and j of (h[t][j] - y[t][j])^2 (a sum, not a mean)
  \"grads\"    dL/d of each input of the pass, shaped like it (G = 4 LSTM, 3 GRU, 1 RNN):
             \"weight_ih_l0\" [G*H][D], \"weight_hh_l0\" [G*H][H], \"bias_ih_l0\" [G*H],
             \"bias_hh_l0\" [G*H], \"x\" [T][D], \"h0\" [H], and \"c0\" [H] for LSTM only.
The gradients come from backpropagation through time; one that overflows f32 (an exploding
gradient) prints as null.

CSV output: a header, then one row per step and hidden unit:
  t,unit,x,<gates...>     (x0,x1,.. instead of x when D > 1)
t counts steps from 1, unit counts hidden units from 0; the x columns repeat on every
unit's row. --target needs JSON output: with --format csv it is an error.

Numbers are printed in the shortest form that reads back as the same f32.

Exit status: 0 success, 2 bad arguments or input (one line on stderr), 1 output error.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

#[derive(Debug)]
enum Input {
    Text(String),
    File(String),
}

#[derive(Debug)]
struct Args {
    model: String,
    input: Input,
    h0: Option<String>,
    c0: Option<String>,
    target: Option<String>,
    format: Format,
}

#[derive(Debug)]
enum Command {
    Help,
    Run(Args),
}

/// Options that take a value, with the placeholder shown in error messages.
const VALUED: [(&str, &str); 7] = [
    ("--model", "MODEL.json"),
    ("--input", "TEXT"),
    ("--input-file", "X.json"),
    ("--h0", "V,V,.."),
    ("--c0", "V,V,.."),
    ("--target", "Y.json"),
    ("--format", "json|csv"),
];

/// True when `s` reads as an option rather than a value: it starts with '-' and the next
/// character is not a digit or '.' (so `-0.5,0.1` and `-.5` are values).
fn looks_like_option(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some('-') && !matches!(chars.next(), Some(c) if c.is_ascii_digit() || c == '.')
}

fn to_strings(raw: Vec<OsString>) -> Result<Vec<String>, String> {
    raw.into_iter()
        .enumerate()
        .map(|(k, a)| {
            a.into_string().map_err(|a| {
                format!(
                    "argument {} is not valid UTF-8: {:?}",
                    k + 1,
                    a.to_string_lossy()
                )
            })
        })
        .collect()
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    // Neither spelling of help can ever be an option's value (both look like options), so
    // help wins wherever it appears.
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Command::Help);
    }
    let mut values: [Option<String>; 7] = Default::default();
    let mut it = args.into_iter().peekable();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let Some(k) = VALUED.iter().position(|(n, _)| *n == name) else {
            return Err(if looks_like_option(&arg) {
                format!("unknown option {arg:?} (see --help)")
            } else {
                format!("unexpected argument {arg:?}; every value follows its option (see --help)")
            });
        };
        let (name, meta) = VALUED[k];
        let value = match inline {
            Some(v) => v,
            None => match it.next_if(|v| !looks_like_option(v)) {
                Some(v) => v,
                None => {
                    return Err(match it.peek() {
                        Some(next) if next.starts_with("--") => format!(
                            "{name} needs a value ({meta}), but the next argument is the option {next:?}"
                        ),
                        Some(next) => format!(
                            "{name} needs a value ({meta}), but the next argument {next:?} \
                             looks like an option; write {name}={next} to pass it as a value"
                        ),
                        None => format!("{name} needs a value ({meta})"),
                    })
                }
            },
        };
        if values[k].is_some() {
            return Err(format!("{name} is given more than once"));
        }
        values[k] = Some(value);
    }
    let [model, input, input_file, h0, c0, target, format] = values;
    let model = match model {
        None => return Err(format!("missing --model MODEL.json; usage: {SYNOPSIS}")),
        Some(m) if m.is_empty() => return Err("--model needs a value (MODEL.json)".into()),
        Some(m) => m,
    };
    let input = match (input, input_file) {
        (Some(_), Some(_)) => {
            return Err("give either --input or --input-file, not both".into());
        }
        (None, None) => {
            return Err(
                "missing the sequence: give --input TEXT or --input-file X.json (see --help)"
                    .into(),
            );
        }
        (Some(text), None) => Input::Text(text),
        (None, Some(path)) if path.is_empty() => {
            return Err("--input-file needs a value (X.json)".into());
        }
        (None, Some(path)) => Input::File(path),
    };
    let format = match format.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some(_) => {
            return Err(format!(
                "--format: expected \"json\" or \"csv\", found {:?}",
                format.unwrap_or_default()
            ));
        }
    };
    match (&target, format) {
        (Some(t), _) if t.is_empty() => return Err("--target needs a value (Y.json)".into()),
        (Some(_), Format::Csv) => {
            return Err(
                "--target needs JSON output: the loss and the gradients have no place in the \
                 per-step CSV table; drop --format csv"
                    .into(),
            );
        }
        _ => {}
    }
    Ok(Command::Run(Args {
        model,
        input,
        h0,
        c0,
        target,
        format,
    }))
}

/// A model error as one sentence. Non-finite file values carry no index of their own (the
/// key names the element), so they are worded here rather than by the generic message.
fn model_message(e: &ModelError) -> String {
    match e {
        ModelError::NonFinite { what, index, value } if index.is_empty() => format!(
            "{what}: value {value} is not finite (f32 values must be below 3.4e38 in magnitude)"
        ),
        other => other.to_string(),
    }
}

fn read(path: &str, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read the {what}: {e}"))
}

/// The loss and its gradients, when a target is given.
struct Training {
    loss: f32,
    grads: Grads,
}

/// Loads everything, runs the forward pass (and with a target, the backward pass), and
/// returns the results or the error line.
fn run(args: &Args) -> Result<(Trace, Option<Training>), String> {
    let text = read(&args.model, "model file")?;
    let params = model_io::params_from_json(&text)
        .map_err(|e| format!("{}: {}", args.model, model_message(&e)))?;
    let (hidden, input_size, kind) = (params.hidden_size(), params.input_size(), params.kind());

    let h0 = match &args.h0 {
        Some(s) => parse_vector(s, hidden, "--h0").map_err(|e| e.message)?,
        None => Vec::new(),
    };
    let c0 = match &args.c0 {
        Some(_) if kind != CellKind::Lstm => {
            return Err(format!(
                "--c0: the model {} is a {}, which has no cell state; only an LSTM takes --c0",
                args.model,
                kind.name().to_uppercase()
            ));
        }
        Some(s) => parse_vector(s, hidden, "--c0").map_err(|e| e.message)?,
        None => Vec::new(),
    };

    let x = match &args.input {
        Input::Text(t) => {
            parse_sequence(t, input_size).map_err(|e| match e.message.strip_prefix("input: ") {
                Some(rest) => format!("--input: {rest}"),
                None => format!("--input: {}", e.message),
            })?
        }
        Input::File(path) => {
            let text = read(path, "input file")?;
            model_io::input_from_json(&text, input_size)
                .map_err(|e| format!("{path}: {}", model_message(&e)))?
        }
    };

    let trace =
        forward(&params, x.view(), &InitialState { h0, c0 }).map_err(|e| model_message(&e))?;
    let Some(path) = &args.target else {
        return Ok((trace, None));
    };
    let text = read(path, "target file")?;
    let in_file = |e: ModelError| format!("{path}: {}", model_message(&e));
    let y = model_io::target_from_json(&text, trace.steps(), hidden).map_err(in_file)?;
    let (loss, dl_dh) = mse_loss(&trace, y.view()).map_err(in_file)?;
    let grads = backward(&params, &trace, dl_dh.view()).map_err(|e| model_message(&e))?;
    Ok((trace, Some(Training { loss, grads })))
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

fn write_json(w: &mut impl Write, trace: &Trace, training: Option<&Training>) -> io::Result<()> {
    writeln!(w, "{{")?;
    writeln!(w, "  \"cell\": \"{}\",", trace.kind().name())?;
    writeln!(w, "  \"input_size\": {},", trace.input_size())?;
    writeln!(w, "  \"hidden_size\": {},", trace.hidden_size())?;
    writeln!(w, "  \"steps\": {},", trace.steps())?;
    write!(w, "  \"x\": ")?;
    json_matrix(w, trace.x())?;
    for &s in trace.series() {
        if let Some(a) = trace.get(s) {
            write!(w, ",\n  \"{}\": ", s.symbol())?;
            json_matrix(w, a)?;
        }
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
        if trace.kind() == CellKind::Lstm {
            key(w, "c0")?;
            json_vector(w, g.c0.view())?;
        }
        write!(w, "\n  }}")?;
    }
    writeln!(w, "\n}}")
}

fn write_csv(w: &mut impl Write, trace: &Trace) -> io::Result<()> {
    let d = trace.input_size();
    let series: Vec<_> = trace
        .series()
        .iter()
        .filter_map(|&s| trace.get(s).map(|a| (s, a)))
        .collect();
    write!(w, "t,unit")?;
    if d == 1 {
        write!(w, ",x")?;
    } else {
        for k in 0..d {
            write!(w, ",x{k}")?;
        }
    }
    for (s, _) in &series {
        write!(w, ",{}", s.symbol())?;
    }
    writeln!(w)?;
    let x = trace.x();
    for t in 0..trace.steps() {
        for unit in 0..trace.hidden_size() {
            write!(w, "{},{unit}", t + 1)?;
            for &v in x.row(t) {
                w.write_all(b",")?;
                num(w, v)?;
            }
            for (_, a) in &series {
                w.write_all(b",")?;
                num(w, a[[t, unit]])?;
            }
            writeln!(w)?;
        }
    }
    Ok(())
}

/// Writes to stdout through a buffer and flushes, so every write error surfaces here.
fn emit(body: impl FnOnce(&mut BufWriter<io::StdoutLock<'static>>) -> io::Result<()>) -> ExitCode {
    let mut out = BufWriter::new(io::stdout().lock());
    match body(&mut out).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing more to say to anyone.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write the output: {e}"), 1),
    }
}

/// Prints `message` as exactly one line on stderr (control characters escaped).
fn fail(message: &str, code: u8) -> ExitCode {
    let mut line = String::with_capacity(NAME.len() + 2 + message.len());
    line.push_str(NAME);
    line.push_str(": ");
    for c in message.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    let _ = writeln!(io::stderr().lock(), "{line}");
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let args = match to_strings(std::env::args_os().skip(1).collect()).and_then(parse_args) {
        Ok(c) => c,
        Err(msg) => return fail(&msg, 2),
    };
    match args {
        Command::Help => emit(|w| writeln!(w, "Usage: {SYNOPSIS}\n\n{HELP}")),
        Command::Run(args) => match run(&args) {
            Err(msg) => fail(&msg, 2),
            Ok((trace, training)) => emit(|w| match args.format {
                Format::Json => write_json(w, &trace, training.as_ref()),
                Format::Csv => write_csv(w, &trace),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn negative_values_are_values() {
        assert!(!looks_like_option("-0.5,0.1"));
        assert!(!looks_like_option("-.5"));
        assert!(!looks_like_option("1,2"));
        assert!(looks_like_option("--c0"));
        assert!(looks_like_option("-x"));
        assert!(looks_like_option("-"));
        let Command::Run(a) = parse_args(strings(&[
            "--model",
            "m.json",
            "--input",
            "-1, 2",
            "--h0",
            "-0.5,0.1",
            "--c0=-.5,1",
        ]))
        .unwrap() else {
            panic!("not a run");
        };
        assert_eq!(a.h0.as_deref(), Some("-0.5,0.1"));
        assert_eq!(a.c0.as_deref(), Some("-.5,1"));
        assert!(matches!(a.input, Input::Text(ref t) if t == "-1, 2"));
    }

    #[test]
    fn option_like_value_is_refused_with_a_hint() {
        let e = parse_args(strings(&["--model", "m.json", "--h0", "-x"])).unwrap_err();
        assert!(e.contains("--h0=-x"), "{e}");
    }
}
