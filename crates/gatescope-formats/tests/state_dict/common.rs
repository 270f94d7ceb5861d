//! Helpers of the state_dict tests: seeded stacks, tensors by name, hand-made files.

use std::collections::BTreeMap;

use gatescope_core::{layer_name, CellKind, Direction, InitConfig, Params, Stack};
use gatescope_formats::state_dict::{from_json, from_safetensors};
use gatescope_formats::LoadOptions;
use safetensors::tensor::{Dtype, View};
use serde_json::{json, Value};

/// A seeded stack: `layers` layers of `kind`, H = `h`, D = `d`.
pub fn stack(kind: CellKind, h: usize, d: usize, layers: usize, bidir: bool, seed: u64) -> Stack {
    let dirs = if bidir { 2 } else { 1 };
    let mut params = Vec::new();
    for k in 0..layers * dirs {
        let inputs = if k < dirs { d } else { dirs * h };
        let cfg = InitConfig {
            seed: seed + k as u64,
            ..Default::default()
        };
        params.push(Params::init(kind, h, inputs, cfg).unwrap());
    }
    Stack::new(params, bidir).unwrap()
}

/// Every tensor of `s` under its PyTorch name: shape and f32 bit patterns.
pub fn bits(s: &Stack) -> BTreeMap<String, (Vec<usize>, Vec<u32>)> {
    let mut out = BTreeMap::new();
    for (k, p) in s.layers().iter().enumerate() {
        let (layer, dir) = s.position(k);
        let sfx = layer_name(layer, dir == Direction::Reverse);
        let b = |v: Vec<f32>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let (ih, hh) = (p.weight_ih(), p.weight_hh());
        out.insert(
            format!("weight_ih_{sfx}"),
            (
                vec![ih.nrows(), ih.ncols()],
                b(ih.iter().copied().collect()),
            ),
        );
        out.insert(
            format!("weight_hh_{sfx}"),
            (
                vec![hh.nrows(), hh.ncols()],
                b(hh.iter().copied().collect()),
            ),
        );
        out.insert(
            format!("bias_ih_{sfx}"),
            (vec![ih.nrows()], b(p.bias_ih().to_vec())),
        );
        out.insert(
            format!("bias_hh_{sfx}"),
            (vec![ih.nrows()], b(p.bias_hh().to_vec())),
        );
    }
    out
}

pub fn opts() -> LoadOptions {
    LoadOptions::default()
}

/// A tensor for [`safetensors_file`]: any dtype, raw little-endian bytes.
pub struct Raw {
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    pub bytes: Vec<u8>,
}

impl View for &Raw {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> std::borrow::Cow<'_, [u8]> {
        (&self.bytes[..]).into()
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

pub fn f32_raw(shape: &[usize], values: impl IntoIterator<Item = f32>) -> Raw {
    let bytes = values.into_iter().flat_map(f32::to_le_bytes).collect();
    Raw {
        dtype: Dtype::F32,
        shape: shape.to_vec(),
        bytes,
    }
}

/// A safetensors file written by the crate's own serializer (any dtypes, no checks of ours).
pub fn safetensors_file(tensors: &[(&str, Raw)], cell: Option<&str>) -> Vec<u8> {
    let meta = cell.map(|c| [("cell".to_string(), c.to_string())].into_iter().collect());
    safetensors::serialize(tensors.iter().map(|(n, t)| (n.to_string(), t)), meta).unwrap()
}

/// A JSON object with its keys in the given order.
pub fn json_object(entries: &[(String, Value)]) -> String {
    let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
    format!("{{{}}}", body.join(", "))
}

/// The four tensors of one layer-direction as JSON, G·H rows of small values.
pub fn layer_json(name: &str, g: usize, h: usize, d: usize) -> Vec<(String, Value)> {
    let m = |cols: usize| json!(vec![vec![0.25; cols]; g * h]);
    vec![
        (name.replace("{}", "weight_ih"), m(d)),
        (name.replace("{}", "weight_hh"), m(h)),
        (name.replace("{}", "bias_ih"), json!(vec![0.5; g * h])),
        (name.replace("{}", "bias_hh"), json!(vec![-0.5; g * h])),
    ]
}

pub fn err_json(text: &str, opts: &LoadOptions) -> String {
    from_json(text, opts).unwrap_err().to_string()
}

pub fn err_st(bytes: &[u8]) -> String {
    from_safetensors(bytes, &opts()).unwrap_err().to_string()
}

/// Asserts `msg` contains every part.
#[track_caller]
pub fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "{p:?} not in: {msg}");
    }
    assert!(!msg.contains('\n'), "one line: {msg}");
}

/// The tensors of `s` as F32 [`Raw`]s under PyTorch's names.
pub fn raws(s: &Stack) -> Vec<(&'static str, Raw)> {
    bits(s)
        .into_iter()
        .map(|(name, (shape, b))| {
            let name: &'static str = Box::leak(name.into_boxed_str());
            (name, f32_raw(&shape, b.into_iter().map(f32::from_bits)))
        })
        .collect()
}
