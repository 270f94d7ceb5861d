//! Hostile safetensors files and sizes beyond the limits: each an `Err` with a one-line
//! message naming what is wrong, and no panic.

use gatescope_core::{CellKind, Stack};
use gatescope_formats::state_dict::{from_safetensors, to_safetensors};
use gatescope_formats::FormatError;
use safetensors::tensor::Dtype;

use super::common::{
    err_json, err_st, f32_raw, has, json_object, layer_json, opts, raws, safetensors_file, stack,
    Raw,
};

/// A file of `header` (padded as the format's writers do) and `data`.
fn raw_file(header: &str, data: &[u8]) -> Vec<u8> {
    let mut h = header.as_bytes().to_vec();
    h.resize(h.len().next_multiple_of(8), b' ');
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend(h);
    out.extend(data);
    out
}

/// `raws(s)` with one tensor replaced (or removed, for `None`).
fn with(s: &Stack, name: &str, t: Option<Raw>) -> Vec<(&'static str, Raw)> {
    let mut v: Vec<_> = raws(s).into_iter().filter(|(n, _)| *n != name).collect();
    if let Some(t) = t {
        v.push((Box::leak(name.to_string().into_boxed_str()), t));
    }
    v
}

#[test]
fn truncated_safetensors_at_every_kind_of_offset() {
    let bytes = to_safetensors(&stack(CellKind::Lstm, 2, 1, 2, true, 1)).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    for cut in [0, 1, 7] {
        has(
            &err_st(&bytes[..cut]),
            &["safetensors:", "fewer than the 8"],
        );
    }
    for cut in [8, 9, 8 + n / 2, 8 + n - 1] {
        has(
            &err_st(&bytes[..cut]),
            &["safetensors:", &format!("header length says {n} bytes")],
        );
    }
    for cut in [8 + n, 8 + n + 1, bytes.len() - 4, bytes.len() - 1] {
        has(
            &err_st(&bytes[..cut]),
            &["safetensors:", "tensors need", "cut short"],
        );
    }
    let mut padded = bytes.clone();
    padded.extend([0; 3]);
    has(
        &err_st(&padded),
        &[
            "tensors need",
            &format!("the file has {}", bytes.len() - 8 - n + 3),
        ],
    );
}

#[test]
fn garbage_and_wrong_headers() {
    let mut garbage = b"GARBAGE!".to_vec();
    garbage.extend([0xAB; 100]);
    has(
        &err_st(&garbage),
        &["header length says", "not a safetensors file"],
    );
    has(
        &err_st(br#"{"weight_ih_l0": [[1.0]]}"#),
        &["starts like JSON"],
    );
    has(
        &err_st(&raw_file("not json at all!", &[])),
        &["not a valid safetensors header"],
    );
    has(&err_st(&raw_file("{}", &[])), &["no recurrent weights"]);
    let mut long = 1000u64.to_le_bytes().to_vec();
    long.extend([b'{'; 10]);
    has(
        &err_st(&long),
        &["header length says 1000 bytes but only 10 follow"],
    );
    let mut max = u64::MAX.to_le_bytes().to_vec();
    max.extend(b"{}");
    has(
        &err_st(&max),
        &[&format!("header length says {} bytes", u64::MAX)],
    );
    let mut bad_utf8 = 8u64.to_le_bytes().to_vec();
    bad_utf8.extend(b"{\"\xff\": 1}");
    has(&err_st(&bad_utf8), &["not UTF-8"]);
}

#[test]
fn a_header_declaring_a_huge_tensor_is_refused_before_anything_is_allocated() {
    for offsets in ["[0, 16]", "[0, 40000000000000000]"] {
        let header = format!(
            r#"{{"lstm.weight_ih_l0":{{"dtype":"F32","shape":[100000000,100000000],"data_offsets":{offsets}}}}}"#
        );
        let e = from_safetensors(&raw_file(&header, &[0; 16]), &opts()).unwrap_err();
        assert!(matches!(e, FormatError::TooLarge(_)), "{e:?}");
        has(
            &e.to_string(),
            &[
                "lstm.weight_ih_l0",
                "shape [100000000, 100000000] of F32",
                "40000000000000000 bytes",
            ],
        );
    }
    let header = r#"{"w":{"dtype":"F64","shape":[4294967296,4294967296,4294967296,4294967296,4294967296],"data_offsets":[0,8]}}"#;
    has(
        &err_st(&raw_file(header, &[0; 8])),
        &[
            "w: shape [4294967296, 4294967296, 4294967296, 4294967296, 4294967296] of F64",
            "more bytes than can be counted",
        ],
    );
    let header = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
    has(
        &err_st(&raw_file(header, &[0; 8])),
        &["safetensors: b: data_offsets [4, 8] do not start where the previous tensor ends (8)"],
    );
    let header = r#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[8,12]}}"#;
    has(
        &err_st(&raw_file(header, &[0; 12])),
        &["safetensors: b: shape [3] of BF16 is 6 bytes but its data_offsets [8, 12] hold 4"],
    );
}

#[test]
fn dtypes_shapes_and_missing_keys() {
    let s = stack(CellKind::Lstm, 4, 1, 2, false, 2);
    let i64s = Raw {
        dtype: Dtype::I64,
        shape: vec![16, 4],
        bytes: vec![0; 16 * 4 * 8],
    };
    has(
        &err_st(&safetensors_file(
            &with(&s, "weight_hh_l0", Some(i64s)),
            None,
        )),
        &[
            "weight_hh_l0: dtype I64 is not supported",
            "F32, F64, F16 or BF16",
        ],
    );
    let counter = Raw {
        dtype: Dtype::I64,
        shape: vec![],
        bytes: vec![7, 0, 0, 0, 0, 0, 0, 0],
    };
    let mut ok = raws(&s);
    ok.push(("bn.num_batches_tracked", counter));
    let m = from_safetensors(&safetensors_file(&ok, None), &opts()).unwrap();
    assert_eq!(
        (m.stack, m.ignored),
        (s.clone(), vec!["bn.num_batches_tracked".to_string()])
    );

    let narrow = f32_raw(&[16, 3], vec![0.0; 48]);
    has(
        &err_st(&safetensors_file(
            &with(&s, "weight_hh_l1", Some(narrow)),
            None,
        )),
        &["weight_hh_l1: expected shape [16, 4] for an LSTM with H = 4; found [16, 3]"],
    );
    let wide = f32_raw(&[16, 5], vec![0.0; 80]);
    has(
        &err_st(&safetensors_file(
            &with(&s, "weight_ih_l1", Some(wide)),
            None,
        )),
        &[
            "weight_ih_l1: expected shape [16, 4]",
            "found [16, 5]",
            "layer 1 reads the 4 outputs below",
        ],
    );
    has(
        &err_st(&safetensors_file(&with(&s, "weight_hh_l1", None), None)),
        &["missing key weight_hh_l1"],
    );
    let l2 = f32_raw(&[16, 4], vec![0.0; 64]);
    let gap: Vec<_> = with(&s, "weight_ih_l2", Some(l2))
        .into_iter()
        .filter(|(n, _)| !n.ends_with("_l1"))
        .collect();
    has(
        &err_st(&safetensors_file(&gap, None)),
        &["weight_ih_l2: there is no layer 1", "without gaps"],
    );
    let proj = with(&s, "weight_hr_l0", Some(f32_raw(&[4, 4], vec![0.0; 16])));
    has(
        &err_st(&safetensors_file(&proj, None)),
        &["weight_hr_l0", "proj_size"],
    );
    let h513 = [
        ("weight_ih_l0", f32_raw(&[513, 1], vec![0.0; 513])),
        ("weight_hh_l0", f32_raw(&[513, 513], vec![0.0; 513 * 513])),
    ];
    has(
        &err_st(&safetensors_file(&h513, None)),
        &["weight_hh_l0: H = 513", "1..=512"],
    );
}

#[test]
fn too_many_layers_or_parameters() {
    let mut five = Vec::new();
    for k in 0..5 {
        five.extend(layer_json(&format!("{{}}_l{k}"), 1, 1, 1));
    }
    has(
        &err_json(&json_object(&five), &opts()),
        &["5 layers", "at most 4"],
    );
    // H = 512, 2 bidirectional layers: 8.7 M parameters (with the zero biases the model gets),
    // refused before their 17 MB of F16 are converted.
    let mut big = Vec::new();
    for (k, inputs) in [(0, 64), (1, 1024)] {
        for rev in ["", "_reverse"] {
            for (p, shape) in [
                ("weight_ih", vec![2048, inputs]),
                ("weight_hh", vec![2048, 512]),
            ] {
                let len = shape.iter().product::<usize>();
                let t = Raw {
                    dtype: Dtype::F16,
                    shape,
                    bytes: vec![0; 2 * len],
                };
                big.push((
                    Box::leak(format!("{p}_l{k}{rev}").into_boxed_str()) as &str,
                    t,
                ));
            }
        }
    }
    let e = from_safetensors(&safetensors_file(&big, None), &opts()).unwrap_err();
    assert!(matches!(e, FormatError::TooLarge(_)), "{e:?}");
    has(&e.to_string(), &["8667136 parameters", "5000000"]);
}

#[test]
fn nan_and_infinity_are_refused_with_key_and_index() {
    let s = stack(CellKind::Gru, 3, 2, 1, false, 3);
    for (bits, shown) in [
        (0x7fc0_0000u32, "value NaN is not finite"),
        (0xff80_0000, "value -inf is not finite (f32 values"),
    ] {
        let mut v = vec![0.5f32; 9 * 3];
        v[5] = f32::from_bits(bits);
        let file = safetensors_file(&with(&s, "weight_hh_l0", Some(f32_raw(&[9, 3], v))), None);
        has(&err_st(&file), &[&format!("weight_hh_l0[1][2]: {shown}")]);
    }
    let mut big = vec![0u8; 9 * 8];
    big[16..24].copy_from_slice(&1e300f64.to_le_bytes());
    let f64s = Raw {
        dtype: Dtype::F64,
        shape: vec![9],
        bytes: big,
    };
    has(
        &err_st(&safetensors_file(&with(&s, "bias_ih_l0", Some(f64s)), None)),
        &["bias_ih_l0[2]: value inf is not finite", "3.4e38"],
    );
}
