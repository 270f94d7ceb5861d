"""Writes the safetensors fixtures of tests/state_dict.rs with the Python `safetensors`
package (numpy, no torch), and beside each a JSON of what the Rust reader must return.

    python3 make.py        # needs: pip install safetensors numpy

Seeded: running it again writes the same bytes.
"""

import json
from pathlib import Path

import numpy as np
from safetensors import TensorSpec, serialize_file

HERE = Path(__file__).resolve().parent
rng = np.random.default_rng(20240611)


def bf16_bits(x):
    """float32 -> bfloat16 bits, rounded to nearest even (as torch.bfloat16 does)."""
    b = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)


def as_f32_bits(dtype, arr):
    """The f32 values the reader must produce, as bit patterns: F16 and BF16 exactly,
    F64 rounded to nearest (numpy's astype, the same as Rust's `as f32`)."""
    if dtype == "BF16":
        return (arr.astype(np.uint32) << 16).ravel().tolist()
    return arr.astype(np.float32).view(np.uint32).ravel().tolist()


def make(tensors, dtypes):
    """name -> (array, safetensors dtype) for serialize_file; BF16 as its raw bits."""
    numpy_name = {"F32": "float32", "F64": "float64", "F16": "float16", "I64": "int64"}
    arrays = {}
    for name, values in tensors.items():
        dtype = dtypes.get(name, "F32")
        if dtype == "BF16":
            arr, spec_dtype = bf16_bits(values), "bfloat16"
        else:
            arr = np.ascontiguousarray(np.asarray(values, dtype=numpy_name[dtype]))
            spec_dtype = numpy_name[dtype]
        arrays[name] = (arr, dtype, spec_dtype)
    return arrays


def write(stem, tensors, dtypes, metadata, expect):
    arrays = make(tensors, dtypes)
    specs = {
        name: TensorSpec(dtype=spec, shape=list(arr.shape), data_ptr=arr.ctypes.data,
                         data_len=arr.nbytes)
        for name, (arr, _, spec) in arrays.items()
    }
    path = HERE / f"{stem}.safetensors"
    serialize_file(specs, str(path), metadata=metadata)
    # File order, as the reader reports ignored keys: where each tensor's data lies.
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n])
    header.pop("__metadata__", None)
    order = sorted(header, key=lambda k: (header[k]["data_offsets"][0], k))
    prefix = expect["prefix"]
    expect["ignored"] = [k for k in order if not k.startswith(prefix)]
    expect["tensors"] = {
        name[len(prefix):]: {"dtype": dt, "shape": list(arr.shape), "bits": as_f32_bits(dt, arr)}
        for name, (arr, dt, _) in arrays.items()
        if name.startswith(prefix)
    }
    (HERE / f"{stem}.expected.json").write_text(json.dumps(expect) + "\n")


def uniform(*shape, k):
    return rng.uniform(-k, k, size=shape)


# 2-layer bidirectional LSTM under `lstm.`, H = 3, D = 2, beside an embedding and a head;
# the recurrent tensors in F32, F16, BF16 and F64, and an I64 counter that is ignored.
H, D, G = 3, 2, 4
k = 1 / np.sqrt(H)
lstm = {"embedding.weight": uniform(7, D, k=1.0)}
for layer in range(2):
    inputs = D if layer == 0 else 2 * H
    for rev in ("", "_reverse"):
        sfx = f"_l{layer}{rev}"
        lstm[f"lstm.weight_ih{sfx}"] = uniform(G * H, inputs, k=k)
        lstm[f"lstm.weight_hh{sfx}"] = uniform(G * H, H, k=k)
        lstm[f"lstm.bias_ih{sfx}"] = uniform(G * H, k=k)
        lstm[f"lstm.bias_hh{sfx}"] = uniform(G * H, k=k)
# F16's edges: the smallest subnormal, another subnormal, -0.0, the largest finite value.
lstm["lstm.weight_hh_l0"][0, :] = [2.0**-24, 3.0e-6, -0.0]
lstm["lstm.weight_hh_l0"][1, 0] = 65504.0
lstm["fc.weight"] = uniform(1, 2 * H, k=1.0)
lstm["fc.bias"] = uniform(1, k=1.0)
lstm["bn.num_batches_tracked"] = np.array(12, dtype=np.int64)
dtypes = {
    "lstm.weight_hh_l0": "F16", "lstm.bias_ih_l0": "BF16", "lstm.bias_hh_l0": "F64",
    "lstm.weight_ih_l0_reverse": "F64", "lstm.weight_hh_l0_reverse": "BF16",
    "lstm.bias_ih_l0_reverse": "F16", "lstm.weight_hh_l1": "F16", "lstm.bias_hh_l1": "BF16",
    "lstm.weight_ih_l1_reverse": "F64", "fc.weight": "F16", "bn.num_batches_tracked": "I64",
}
write("lstm_bidir", lstm, dtypes, {"format": "pt"},
      {"prefix": "lstm.", "cell": "lstm", "layers": 2, "bidirectional": True, "hidden": H,
       "input": D})

# A GRU without biases (bias=False) whose cell is named in __metadata__, at the top level.
# (One metadata key: the package writes them in hash order, so two would not be reproducible.)
H, D, G = 2, 1, 3
gru = {"weight_ih_l0": uniform(G * H, D, k=0.7), "weight_hh_l0": uniform(G * H, H, k=0.7)}
write("gru_nobias", gru, {}, {"cell": "gru"},
      {"prefix": "", "cell": "gru", "layers": 1, "bidirectional": False, "hidden": H,
       "input": D})
