//! A state_dict as one JSON object: `{"cell": "lstm", "weight_ih_l0": [[…], …], …}`, each
//! weight a list of rows, each bias a list of numbers (`json.dump({k: v.tolist() …})`).

use std::collections::HashSet;
use std::fmt;

use gatescope_core::parse::excerpt;
use gatescope_core::{CellKind, Stack};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::resolve::{resolve, Source};
use super::{check_plain, tensors};
use crate::{CharModelFile, Format, FormatError, LoadOptions, ModelFile, Result};

/// The top-level object with its keys in file order (serde_json's own map sorts them, and
/// the ignored keys are reported in file order).
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// A JSON value as messages quote it (its first characters).
fn short(v: &Value) -> String {
    excerpt(&v.to_string())
}

fn invalid(msg: String) -> FormatError {
    FormatError::Invalid(msg)
}

struct JsonSource {
    names: Vec<String>,
    values: Vec<Value>,
}

impl Source for JsonSource {
    fn names(&self) -> &[String] {
        &self.names
    }

    fn shape(&self, i: usize, rank: usize) -> Result<Vec<usize>> {
        walk(self.value(i)?, self.name(i), rank, None)
    }

    fn values(&self, i: usize) -> Result<Vec<f32>> {
        let mut out = Vec::new();
        let rank = match self.value(i)? {
            Value::Array(a) if a.first().is_some_and(Value::is_array) => 2,
            _ => 1,
        };
        walk(self.value(i)?, self.name(i), rank, Some(&mut out))?;
        Ok(out)
    }

    fn cell(&self) -> Result<Option<CellKind>> {
        let Some(k) = self.names.iter().position(|n| n == "cell") else {
            return Ok(None);
        };
        let v = self.value(k)?;
        let parsed = v.as_str().map(CellKind::parse);
        match parsed {
            Some(Ok(kind)) => Ok(Some(kind)),
            _ => Err(invalid(format!(
                "cell: expected \"lstm\", \"gru\" or \"rnn\", found {}",
                short(v)
            ))),
        }
    }

    fn is_meta(&self, i: usize) -> bool {
        self.names
            .get(i)
            .is_some_and(|n| n == "cell" || n == "vocab")
    }

    fn vocab(&self) -> Result<Option<Vec<String>>> {
        match self.names.iter().position(|n| n == "vocab") {
            None => Ok(None),
            Some(k) => super::chars::vocab_entries(self.value(k)?, "vocab").map(Some),
        }
    }
}

impl JsonSource {
    fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }
    fn value(&self, i: usize) -> Result<&Value> {
        self.values
            .get(i)
            .ok_or_else(|| invalid(format!("no value for key {i}")))
    }
}

/// The shape of `v` as a tensor of `rank` 1 (a list of numbers) or 2 (a list of equal rows),
/// checking every element is a number; pushes the values (as f32) into `out` if given.
fn walk(v: &Value, key: &str, rank: usize, mut out: Option<&mut Vec<f32>>) -> Result<Vec<usize>> {
    let mut push = |x: &Value, at: String| -> Result<()> {
        let f = x
            .as_f64()
            .ok_or_else(|| invalid(format!("{at}: expected a number, found {}", short(x))))?;
        if let Some(out) = out.as_deref_mut() {
            // Rounds to the nearest f32; one beyond its range becomes ±inf, which the
            // resolver refuses with the key and index.
            out.push(f as f32);
        }
        Ok(())
    };
    if rank == 1 {
        let items = v.as_array().ok_or_else(|| {
            invalid(format!(
                "{key}: expected a list of numbers, found {}",
                short(v)
            ))
        })?;
        for (k, x) in items.iter().enumerate() {
            push(x, format!("{key}[{k}]"))?;
        }
        return Ok(vec![items.len()]);
    }
    let rows = v.as_array().ok_or_else(|| {
        invalid(format!(
            "{key}: expected a list of rows, found {}",
            short(v)
        ))
    })?;
    let mut cols = None;
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or_else(|| {
            invalid(format!(
                "{key}[{r}]: expected a row (a list of numbers), found {}",
                short(row)
            ))
        })?;
        match cols {
            None => cols = Some(row.len()),
            Some(c) if c != row.len() => {
                return Err(invalid(format!(
                    "{key}[{r}]: row has {} values but row 0 has {c} (rows must be equal)",
                    row.len()
                )))
            }
            _ => {}
        }
        for (c, x) in row.iter().enumerate() {
            push(x, format!("{key}[{r}][{c}]"))?;
        }
    }
    Ok(vec![rows.len(), cols.unwrap_or(0)])
}

/// Parses the object and refuses repeated keys.
fn source(text: &str) -> Result<JsonSource> {
    let entries = match serde_json::from_str::<Ordered>(text) {
        Ok(Ordered(entries)) => entries,
        // Parsed again only to word the error as the old reader did.
        Err(e) => {
            return Err(match serde_json::from_str::<Value>(text) {
                Err(e) => invalid(format!(
                    "not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                )),
                Ok(v) if !v.is_object() => {
                    invalid(format!("expected a JSON object, found {}", short(&v)))
                }
                Ok(_) => invalid(format!("not a state_dict: {e}")),
            })
        }
    };
    let mut seen = HashSet::new();
    if let Some((dup, _)) = entries.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return Err(invalid(format!("{dup}: the key appears twice")));
    }
    let (names, values) = entries.into_iter().unzip();
    Ok(JsonSource { names, values })
}

/// Reads a state_dict as JSON (see [`super::from_json`]).
pub(super) fn read(text: &str, opts: &LoadOptions) -> Result<ModelFile> {
    let src = source(text)?;
    let found = resolve(&src, opts)?;
    Ok(ModelFile {
        stack: found.stack,
        format: Format::Json,
        source: found.prefix,
        ignored: found.ignored,
        init: Vec::new(),
    })
}

/// Reads a character model as JSON (see [`super::char_from_json`]).
pub(super) fn read_char(text: &str, opts: &LoadOptions) -> Result<CharModelFile> {
    super::chars::assemble(&source(text)?, opts, Format::Json)
}

/// Writes `stack` as a JSON object (see [`super::to_json`]).
pub(super) fn write(stack: &Stack) -> Result<String> {
    check_plain(stack)?;
    Ok(write_object(stack.kind(), None, tensors(stack)))
}

/// `{"cell": …, ["vocab": […],] tensor: values, …}`, one key a line, in the given order.
pub(super) fn write_object(
    kind: CellKind,
    vocab: Option<&[String]>,
    tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("{{\n\"cell\": \"{}\"", kind.name()));
    if let Some(v) = vocab {
        let list = serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string());
        out.push_str(&format!(",\n\"vocab\": {list}"));
    }
    for (name, shape, values) in tensors {
        out.push_str(&format!(",\n\"{name}\": "));
        match shape.as_slice() {
            [_, cols] => {
                out.push('[');
                for (r, row) in values.chunks((*cols).max(1)).enumerate() {
                    if r > 0 {
                        out.push_str(", ");
                    }
                    list(&mut out, row);
                }
                out.push(']');
            }
            _ => list(&mut out, &values),
        }
    }
    out.push_str("\n}\n");
    out
}

/// `[v0, v1, …]`, each value in the shortest form that reads back as the same f32.
fn list(out: &mut String, values: &[f32]) {
    out.push('[');
    for (k, &x) in values.iter().enumerate() {
        if k > 0 {
            out.push_str(", ");
        }
        out.push_str(&number(x));
    }
    out.push(']');
}

/// `x` as JSON text that a reader parsing numbers as f64 and rounding to f32 (serde_json,
/// Python, ours) gets back bit for bit: the shortest f32 form when its double rounding
/// (decimal → f64 → f32) lands on `x`, which is checked, else the exact f64 form.
fn number(x: f32) -> String {
    let short = serde_json::to_string(&x).unwrap_or_default();
    if short
        .parse::<f64>()
        .is_ok_and(|y| (y as f32).to_bits() == x.to_bits())
    {
        return short;
    }
    serde_json::to_string(&f64::from(x)).unwrap_or_else(|_| "0".to_string())
}
