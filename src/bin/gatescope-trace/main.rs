//! `gatescope-trace`: run an LSTM, GRU or RNN over a sequence and print every gate and state
//! at every step, as JSON or CSV.
//!
//! ```text
//! gatescope-trace --model MODEL.json (--input TEXT | --input-file X.json | --text TEXT)
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
    backward, io as model_io, mse_loss, parse_sequence, parse_vector, CellKind, InitialState,
    Intervention, ModelError, StackTrace,
};
use gatescope_formats::{self as formats, FormatError, LoadOptions, ModelFile};

mod flags;
mod text;

use gatescope_formats::trace_out::{
    forward, model_message, write_char_json, write_csv, write_json, CharText, Training,
};

const NAME: &str = "gatescope-trace";

const SYNOPSIS: &str = "gatescope-trace --model MODEL.(json|safetensors|onnx) \
(--input TEXT | --input-file X.json | --text TEXT) [--cell lstm|gru|rnn] [--prefix NAME] [--h0=V,V,..] \
[--c0=V,V,..] [--clamp GATE[:UNIT][@T0..T1]=VALUE].. [--set c|h:UNIT@T=VALUE].. \
[--target Y.json] [--format json|csv]";

const HELP: &str = "\
Run a recurrent cell over a sequence and print every gate and state at every step.

Options:
  --model FILE           The model, read by its extension:
                         .json         a PyTorch state_dict as JSON: {\"cell\": \"lstm\",
                                       \"weight_ih_l0\": [[..]], \"weight_hh_l0\": [[..]],
                                       \"bias_ih_l0\": [..], \"bias_hh_l0\": [..], ...}
                         .safetensors  a PyTorch state_dict saved with safetensors
                                       (F32, F64, F16 or BF16 tensors)
                         .onnx         an ONNX model's LSTM / GRU / RNN nodes
                         PyTorch names: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
                         bias_hh_l{k}, and _reverse for a bidirectional model's second
                         direction; a module prefix such as lstm. is found on its own.
                         H, D, layers and directions come from the shapes.
  --cell lstm|gru|rnn    The cell, when the file's shapes would say otherwise (default:
                         the file's \"cell\" key, else rows of weight_ih_l0 / H).
  --prefix NAME          The recurrent module to read when the file holds several
                         (e.g. encoder.lstm); for ONNX, a node-name prefix.
  --input TEXT           The sequence: steps separated by ';' or newlines, values within
                         a step by commas or whitespace. When D = 1, commas and
                         whitespace separate steps too: \"1, 2, 3\" is three steps.
  --input-file X.json    The sequence as a JSON list of steps [[x_1..x_D], ...]
                         (a flat list [x_1, x_2, ...] when D = 1).
  --text TEXT            Text for a character model: a state_dict with a vocabulary
                         (JSON \"vocab\": [\"a\", \"b\", ..], or safetensors __metadata__
                         vocab, a JSON list in a string; index = token id), an
                         embedding.weight [V][E], the recurrent layers (D = E) and
                         fc.weight [V][H], fc.bias [V] (PyTorch's nn.Embedding + nn.LSTM
                         + nn.Linear). Characters the vocabulary lacks map to its
                         \"<unk>\" entry, or are an error. The JSON output's \"x\" holds
                         the embedding rows, and two keys follow: \"tokens\", the
                         characters read, and \"next\": per step the 5 most likely next
                         characters, [{\"char\": C, \"p\": P}, ..], most likely first.
  --h0 V,V,..            Initial hidden state, layers x directions x H values in
                         PyTorch's order (layer-major, then direction; default zeros).
  --c0 V,V,..            Initial cell state, likewise (LSTM only; default zeros).
  --clamp GATE[:UNIT][@T0..T1]=VALUE
                         Force a gate (i f g o for LSTM, r z n for GRU) of one unit, or
                         of all when :UNIT is left out, to VALUE at steps T0 to T1
                         (inclusive; @T for one step; all steps when left out). Units
                         and steps count from 1. Repeatable. The gate's value is what the
                         state update uses, so the trace follows it from there on.
  --set c|h:UNIT@T=VALUE Overwrite the cell state c (LSTM) or hidden state h of one unit
                         after step T; the next step reads it. Repeatable.
                         --clamp and --set work on one-layer models that run forward.
  --target Y.json        Targets for the hidden states, a JSON list [[y_1..y_H], ...] of
                         T steps (a flat list when H = 1). Adds the loss and its
                         gradients to the output (JSON only; one-layer, one-direction
                         models only).
  --format json|csv      Output format (default json).
  -h, --help             Print this help.

Every option also takes its value after '=' (--h0=-0.5,0.1). A separate value may start
with '-' when a digit or '.' follows (--h0 -0.5,0.1).

JSON output: one object with \"cell\", \"input_size\" (D), \"hidden_size\" (H), \"steps\" (T),
\"x\" [T][D], then every gate and state as [T][H]: LSTM i, f, g, o, c, h; GRU r, z, n, h;
RNN h. Row t is the step that consumed x[t].

A stacked or bidirectional model adds \"num_layers\" and \"bidirectional\", and holds its
gates in \"layers\": [{\"layer\": 0, \"direction\": \"forward\", \"i\": [T][H], ...},
{\"layer\": 0, \"direction\": \"reverse\", ...}, ...], then \"output\" [T][directions*H], the
last layer's h with the forward half first. A reverse row t is the state right after
consuming its input at t.

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
unit's row. A stacked or bidirectional model starts each row with layer,direction, and
its x columns are each layer's own input. --target needs JSON output: with --format csv it is an error.

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
    /// `--text`: characters for a character model.
    Chars(String),
}

#[derive(Debug)]
struct Args {
    model: String,
    input: Input,
    cell: Option<CellKind>,
    prefix: Option<String>,
    /// `--clamp` and `--set`, in the order given.
    interventions: Vec<Intervention>,
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
const VALUED: [(&str, &str); 12] = [
    ("--clamp", "GATE[:UNIT][@T0..T1]=VALUE"),
    ("--set", "c|h:UNIT@T=VALUE"),
    ("--model", "FILE"),
    ("--cell", "lstm|gru|rnn"),
    ("--prefix", "NAME"),
    ("--input", "TEXT"),
    ("--input-file", "X.json"),
    ("--h0", "V,V,.."),
    ("--c0", "V,V,.."),
    ("--target", "Y.json"),
    ("--format", "json|csv"),
    ("--text", "TEXT"),
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
    let mut values: [Option<String>; 12] = Default::default();
    let mut interventions = Vec::new();
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
        match name {
            "--clamp" => interventions.push(flags::clamp(&value)?),
            "--set" => interventions.push(flags::set(&value)?),
            _ if values[k].is_some() => return Err(format!("{name} is given more than once")),
            _ => values[k] = Some(value),
        }
    }
    let [_, _, model, cell, prefix, input, input_file, h0, c0, target, format, text] = values;
    let model = match model {
        None => return Err(format!("missing --model FILE; usage: {SYNOPSIS}")),
        Some(m) if m.is_empty() => return Err("--model needs a value (FILE)".into()),
        Some(m) => m,
    };
    let cell = match cell.as_deref().map(CellKind::parse) {
        None => None,
        Some(Ok(kind)) => Some(kind),
        Some(Err(_)) => {
            return Err(format!(
                "--cell: expected \"lstm\", \"gru\" or \"rnn\", found {:?}",
                cell.unwrap_or_default()
            ))
        }
    };
    let input = match (input, input_file, text) {
        (None, None, None) => {
            return Err(
                "missing the sequence: give --input TEXT, --input-file X.json or --text TEXT \
                 (see --help)"
                    .into(),
            );
        }
        (Some(text), None, None) => Input::Text(text),
        (None, Some(path), None) if path.is_empty() => {
            return Err("--input-file needs a value (X.json)".into());
        }
        (None, Some(path), None) => Input::File(path),
        (None, None, Some(text)) => Input::Chars(text),
        (Some(_), Some(_), _) => {
            return Err("give either --input or --input-file, not both".into());
        }
        _ => {
            return Err(
                "give either --text (a character model) or --input / --input-file, not both".into(),
            );
        }
    };
    if matches!(input, Input::Chars(_)) && (target.is_some() || !interventions.is_empty()) {
        return Err("--target, --clamp and --set work with --input; with --text, drop them".into());
    }
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
        cell,
        prefix,
        interventions,
        h0,
        c0,
        target,
        format,
    }))
}

fn read(path: &str, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read the {what}: {e}"))
}

/// A model file's error as one line naming the file.
fn format_message(path: &str, e: &FormatError) -> String {
    match e {
        FormatError::Model(m) => format!("{path}: {}", model_message(m)),
        other => format!("{path}: {other}"),
    }
}

/// Reads the model, refusing a file too large before reading it.
fn load_model(args: &Args) -> Result<Loaded, String> {
    let path = &args.model;
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{path}: cannot read the model file: {e}"))?
        .len();
    if size > formats::MAX_FILE_BYTES {
        let e = FormatError::TooLarge(format!(
            "{size} bytes is more than the {} MB a model file may have",
            formats::MAX_FILE_BYTES >> 20
        ));
        return Err(format_message(path, &e));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("{path}: cannot read the model file: {e}"))?;
    let opts = LoadOptions {
        cell: args.cell,
        prefix: args.prefix.clone(),
    };
    if let Input::Chars(_) = args.input {
        return text::load(path, &bytes, &opts).map(|f| Loaded::Chars(Box::new(f)));
    }
    let file = formats::load(path, &bytes, &opts).map_err(|e| format_message(path, &e))?;
    if file.has_embedding() {
        return Err(format!(
            "{path}: a character model (it has an embedding): give --text TEXT, not --input"
        ));
    }
    Ok(Loaded::Plain(file))
}

/// A model file as `--input` or `--text` reads it.
enum Loaded {
    Plain(ModelFile),
    Chars(Box<formats::CharModelFile>),
}

/// What [`run`] computed.
struct Ran {
    run: StackTrace,
    bidirectional: bool,
    training: Option<Training>,
    chars: Option<CharText>,
}

/// `--h0` / `--c0`: `n` states of `hidden` values each, in PyTorch's order.
fn states(text: &str, n: usize, hidden: usize, what: &str) -> Result<Vec<Vec<f32>>, String> {
    let all = parse_vector(text, n * hidden, what).map_err(|e| e.message)?;
    Ok(all.chunks(hidden.max(1)).map(<[f32]>::to_vec).collect())
}

/// Loads everything, runs the forward pass (and with a target, the backward pass), and
/// returns the results or the error line.
fn run(args: &Args) -> Result<Ran, String> {
    let loaded = load_model(args)?;
    let (stack, file_init) = match &loaded {
        Loaded::Plain(f) => (&f.stack, f.init.clone()),
        Loaded::Chars(f) => (f.model.stack(), Vec::new()),
    };
    let (hidden, input_size, kind) = (stack.hidden_size(), stack.input_size(), stack.kind());
    let n = stack.layers().len();
    let h0 = match &args.h0 {
        Some(s) => states(s, n, hidden, "--h0")?,
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
        Some(s) => states(s, n, hidden, "--c0")?,
        None => Vec::new(),
    };
    // Given states win over the file's own (ONNX initial_h / initial_c).
    let init: Vec<InitialState> = if h0.is_empty() && c0.is_empty() {
        file_init
    } else {
        (0..n)
            .map(|k| InitialState {
                h0: h0.get(k).cloned().unwrap_or_default(),
                c0: c0.get(k).cloned().unwrap_or_default(),
            })
            .collect()
    };

    let x = match (&args.input, &loaded) {
        (Input::Chars(t), Loaded::Chars(file)) => {
            let (run, chars) = text::run(file, t, &init)?;
            return Ok(Ran {
                bidirectional: stack.is_bidirectional(),
                run,
                training: None,
                chars: Some(chars),
            });
        }
        (Input::Chars(_), Loaded::Plain(_)) | (_, Loaded::Chars(_)) => {
            return Err("internal: the model was read for another kind of input".into());
        }
        (Input::Text(t), _) => {
            parse_sequence(t, input_size).map_err(|e| match e.message.strip_prefix("input: ") {
                Some(rest) => format!("--input: {rest}"),
                None => format!("--input: {}", e.message),
            })?
        }
        (Input::File(path), _) => {
            let text = read(path, "input file")?;
            model_io::input_from_json(&text, input_size)
                .map_err(|e| format!("{path}: {}", model_message(&e)))?
        }
    };

    let run = forward(&args.model, stack, x.view(), &init, &args.interventions)?;
    let bidirectional = stack.is_bidirectional();
    let Some(path) = &args.target else {
        return Ok(Ran {
            run,
            bidirectional,
            training: None,
            chars: None,
        });
    };
    if !args.interventions.is_empty() {
        return Err(
            "--target: gradients are for the model as it is; drop --clamp / --set to get them"
                .into(),
        );
    }
    let Some(params) = stack.as_single() else {
        return Err(format!(
            "--target: gradients are computed for one-layer models that run forward only; {} has \
             {} layer(s), {} direction(s){}",
            args.model,
            stack.num_layers(),
            stack.directions(),
            if stack.is_reverse() { ", reverse" } else { "" }
        ));
    };
    let trace = &run.traces()[0];
    let text = read(path, "target file")?;
    let in_file = |e: ModelError| format!("{path}: {}", model_message(&e));
    let y = model_io::target_from_json(&text, trace.steps(), hidden).map_err(in_file)?;
    let (loss, dl_dh) = mse_loss(trace, y.view()).map_err(in_file)?;
    let grads = backward(params, trace, dl_dh.view()).map_err(|e| model_message(&e))?;
    Ok(Ran {
        run,
        bidirectional,
        training: Some(Training { loss, grads }),
        chars: None,
    })
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
            Ok(r) => emit(|w| match (args.format, &r.chars) {
                (Format::Json, Some(chars)) => write_char_json(w, &r.run, r.bidirectional, chars),
                (Format::Json, None) => write_json(w, &r.run, r.bidirectional, r.training.as_ref()),
                (Format::Csv, _) => write_csv(w, &r.run, r.bidirectional),
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
