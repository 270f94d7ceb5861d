"""Writes the example model files of examples/models/ and their expected outputs.

    pip install numpy safetensors onnx
    python3 examples/models/make.py          (from the repository root)

  lstm-2layer-bidir.safetensors  nn.LSTM(1, 8, num_layers=2, bidirectional=True) under
                                 `lstm.`, plus a Linear head `fc.` (a real state_dict)
  gru-small.safetensors          nn.GRU(2, 6), bare names (weight_ih_l0, ...)
  lstm-small.onnx                nn.LSTM(1, 4) as torch.onnx.export writes it
  expected.json                  each model's float64 output for x = 1, 2, 3, 4, 5

Weights: PyTorch's default U(-1/sqrt(H), 1/sqrt(H)) scaled x2, so the gates use more of
their range in the heatmaps, drawn with numpy.random.default_rng(seed) and rounded to
float32. The outputs come from the float64 reference of tests/data/stack (stackref.py),
the one tests/data/stack/make.py validates against refdata's torch output. Before writing
expected.json this script reads every file back: the safetensors tensors must be the
drawn ones bit for bit, onnx.reference running lstm-small.onnx itself in float32 must give
the expected output to 1e-6, and every model (read back from its file) run as a float64
ONNX graph in onnx.reference must give it to 1e-12.

See README.md beside this file.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "data", "stack"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import stackref as ref  # noqa: E402

# x = 1, 2, 3, 4, 5 (T = 5): one feature, or the value and a zero for D = 2.
X_D1 = ref.f32([[1.0], [2.0], [3.0], [4.0], [5.0]])
X_D2 = ref.f32([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 0.0]])

# name, cell, layers, bidirectional, H, D, seed, scale of PyTorch's bound
MODELS = [
    ("lstm-2layer-bidir.safetensors", "lstm", 2, True, 8, 1, 3, 2.0),
    ("gru-small.safetensors", "gru", 1, False, 6, 2, 2, 2.0),
    ("lstm-small.onnx", "lstm", 1, False, 4, 1, 3, 2.0),
]

ONNX_OPSET = 17  # torch.onnx.export's default opset in torch 2.x
ONNX_IR_VERSION = 8  # the lowest IR version opset 17 allows, readable by older runtimes


def draw(cell, layers, bidir, hidden, input_size, seed, scale):
    rng = np.random.default_rng(seed)
    return rng, ref.draw_params(rng, cell, layers, bidir, input_size, hidden, scale)


# --------------------------------------------------------------------------------------
# safetensors


def write_safetensors(path, tensors, metadata):
    """float32 tensors, as `safetensors.torch.save_file(model.state_dict(), path)` writes
    a float32 model."""
    from safetensors.numpy import save_file

    arrays = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}
    save_file(arrays, path, metadata=metadata)
    check_safetensors(path, arrays, metadata)


def check_safetensors(path, arrays, metadata):
    from safetensors import safe_open

    with safe_open(path, framework="numpy") as fh:
        assert sorted(fh.keys()) == sorted(arrays), path
        assert (fh.metadata() or None) == metadata, path
        for k, v in arrays.items():
            got = fh.get_tensor(k)
            assert got.dtype == np.float32 and np.array_equal(got, v), f"{path}: {k}"


def lstm_2layer_bidir(path, spec):
    """A module holding `self.lstm = nn.LSTM(1, 8, 2, bidirectional=True)` and
    `self.fc = nn.Linear(16, 1)`: its state_dict has `lstm.` and `fc.` keys."""
    _, cell, layers, bidir, hidden, input_size, seed, scale = spec
    rng, params = draw(cell, layers, bidir, hidden, input_size, seed, scale)
    tensors = {f"lstm.{k}": v for k, v in params.items()}
    # nn.Linear's default init: U(-1/sqrt(in_features), 1/sqrt(in_features)).
    fan_in = 2 * hidden
    bound = 1.0 / np.sqrt(fan_in)
    tensors["fc.weight"] = ref.f32(rng.uniform(-bound, bound, (1, fan_in)))
    tensors["fc.bias"] = ref.f32(rng.uniform(-bound, bound, (1,)))
    # A loader can infer the cell from the shapes; the metadata says it outright.
    write_safetensors(path, tensors, {"cell": "lstm"})
    return params


def gru_small(path, spec):
    """A bare `nn.GRU(2, 6)`: its state_dict has no prefix and the file no metadata, so a
    loader must tell GRU from the shapes (weight_ih_l0 has 3H rows)."""
    _, cell, layers, bidir, hidden, input_size, seed, scale = spec
    _, params = draw(cell, layers, bidir, hidden, input_size, seed, scale)
    write_safetensors(path, params, None)
    return params


# --------------------------------------------------------------------------------------
# ONNX


def lstm_small_onnx(path, spec):
    """`nn.LSTM(1, 4)` exported the way torch.onnx.export writes it: input X
    [seq_len, batch, D]; one LSTM node with W, R, B as initializers in ONNX gate order
    (i, o, f, c), zero initial_h / initial_c initializers and an empty sequence_lens;
    Squeeze of the direction axis of Y gives `output` [seq_len, batch, H]."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    _, cell, layers, bidir, hidden, input_size, seed, scale = spec
    _, params = draw(cell, layers, bidir, hidden, input_size, seed, scale)
    w, r, b = ref.onnx_wrb(cell, ref.split_params(params, layers, bidir))
    zeros = np.zeros((1, 1, hidden))
    inits = [
        numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)
        for name, a in [("W", w), ("R", r), ("B", b), ("initial_h", zeros), ("initial_c", zeros)]
    ]
    inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axes_direction"))
    nodes = [
        helper.make_node(
            "LSTM",
            ["x", "W", "R", "B", "", "initial_h", "initial_c"],
            ["Y", "h_n", "c_n"],
            name="/lstm/LSTM",
            hidden_size=hidden,
        ),
        helper.make_node("Squeeze", ["Y", "axes_direction"], ["output"], name="/lstm/Squeeze"),
    ]
    graph = helper.make_graph(
        nodes,
        "main_graph",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq_len", 1, input_size])],
        [
            helper.make_tensor_value_info("output", TensorProto.FLOAT, ["seq_len", 1, hidden]),
            helper.make_tensor_value_info("h_n", TensorProto.FLOAT, [1, 1, hidden]),
            helper.make_tensor_value_info("c_n", TensorProto.FLOAT, [1, 1, hidden]),
        ],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
        producer_name="gatescope examples/models/make.py",
        ir_version=ONNX_IR_VERSION,
    )
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return params


def cross_check(cell, layers, bidir, params, x, want):
    """The model as a float64 ONNX graph (stackref.onnx_stack_graph) in onnx.reference, an
    implementation independent of ours, against the float64 output."""
    from onnx.reference import ReferenceEvaluator

    n = layers * (2 if bidir else 1)
    zeros = np.zeros((n, params["weight_hh_l0"].shape[1]))
    model, last = ref.onnx_stack_graph(
        cell, layers, bidir, params, zeros, zeros, x.shape[0], x.shape[1]
    )
    (got,) = ReferenceEvaluator(model).run([last], {"X": x[:, None, :]})
    err = float(np.max(np.abs(got[:, 0, :] - want)))
    assert err <= 1e-12, f"{cell}: onnx.reference differs from the numpy reference by {err:.2e}"
    return err


def read_back_safetensors(path, prefix):
    """The recurrent module's PyTorch params in a written file, as float64, without the
    prefix and without the head."""
    from safetensors.numpy import load_file

    tensors = load_file(path)
    return {
        k[len(prefix) :]: v.astype(np.float64)
        for k, v in tensors.items()
        if k.startswith(prefix) and not k.startswith("fc.")
    }


def check_onnx(path, x, want):
    """Runs the saved file in onnx.reference (float32) against the float64 output."""
    import onnx
    from onnx.reference import ReferenceEvaluator

    sess = ReferenceEvaluator(onnx.load(path))
    (got,) = sess.run(["output"], {"x": x[:, None, :].astype(np.float32)})
    err = float(np.max(np.abs(got[:, 0, :] - want)))
    assert err <= 1e-6, f"{path}: onnx.reference differs from the numpy reference by {err:.2e}"
    return err


# --------------------------------------------------------------------------------------


def main():
    writers = {
        "lstm-2layer-bidir.safetensors": lstm_2layer_bidir,
        "gru-small.safetensors": gru_small,
        "lstm-small.onnx": lstm_small_onnx,
    }
    expected = {
        "format": "gatescope-example-outputs/v1",
        "description": (
            "For each example model, the float64 output [T, dirs*H] (PyTorch's `output`, "
            "the last layer's [h_fwd | h_rev]) and h_n / c_n [layers*dirs, H] for the input "
            "x, from zero initial states. Tensors as in tests/data/refdata (row-major)."
        ),
        "generated_by": "examples/models/make.py",
        "models": [],
    }
    for spec in MODELS:
        name, cell, layers, bidir, hidden, input_size, seed, scale = spec
        path = os.path.join(HERE, name)
        params = writers[name](path, spec)
        x = X_D1 if input_size == 1 else X_D2
        run = ref.run_stack(cell, layers, bidir, params, x)
        prefix = "lstm." if name == "lstm-2layer-bidir.safetensors" else ""
        if name.endswith(".onnx"):
            # The file itself, float32; its weights are `params` (the same draw).
            err = check_onnx(path, x, run["output"])
            note = f"onnx.reference on the file (f32) within {err:.1e}"
        else:
            back = read_back_safetensors(path, prefix)
            err = cross_check(cell, layers, bidir, back, x, run["output"])
            note = f"onnx.reference (f64) on the weights read back within {err:.1e}"
        print(f"{name}: {os.path.getsize(path)} bytes, {note}")
        entry = {
            "file": name,
            "cell": cell,
            "num_layers": layers,
            "bidirectional": bidir,
            "hidden_size": hidden,
            "input_size": input_size,
            "prefix": prefix,
            "generation": {"rng": "numpy.random.default_rng", "seed": seed, "scale": scale},
            "x": ref.tensor(x, "float32"),
            "output": ref.tensor(run["output"]),
            "h_n": ref.tensor(run["h_n"]),
        }
        if cell == "lstm":
            entry["c_n"] = ref.tensor(run["c_n"])
        expected["models"].append(entry)
    out = os.path.join(HERE, "expected.json")
    with open(out, "w") as fh:
        json.dump(expected, fh, indent=1)
        fh.write("\n")
    print(f"wrote {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
