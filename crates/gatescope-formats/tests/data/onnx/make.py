#!/usr/bin/env python3
"""Writes the .onnx files that tests/onnx.rs reads (see README.md next to this script).

    python3 make.py        # onnx 1.23.2, numpy 2.x; deterministic: same bytes every run

- cases/<name>.onnx: one file per case of the six refdata files
  tests/data/refdata/onnx_{,extra_}{lstm,gru,rnn}.json, its W, R, B, P as initializers,
  its initial states (batch element 0) as initializers, X and sequence_lens as graph inputs.
- chain_lstm2_bidir.onnx, chain_gru2.onnx: two-layer models wired as PyTorch's exporter
  wires nn.LSTM(num_layers=2, bidirectional=True) and nn.GRU(num_layers=2), with their
  float64 outputs from an independent numpy implementation of PyTorch's equations in
  chains.json (also checked here against onnx.reference).
- runtime_initial_states.onnx: that LSTM with initial_h computed and initial_c a graph input.
- dtype_*.onnx: one small LSTM with its weights as FLOAT (raw), FLOAT (float_data),
  DOUBLE, FLOAT16, BFLOAT16 and through Constant nodes: all must read the same.
- hostile/*.onnx: files every reader must refuse with a clear message.
"""

import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

HERE = pathlib.Path(__file__).resolve().parent
REFDATA = HERE.parents[4] / "tests" / "data" / "refdata"
OPSET = 22
FORMAL = {
    "LSTM": ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"],
    "GRU": ["X", "W", "R", "B", "sequence_lens", "initial_h"],
    "RNN": ["X", "W", "R", "B", "sequence_lens", "initial_h"],
}
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}
# ONNX block k is PyTorch block TORCH_BLOCKS[k] (LSTM i,o,f,c <- i,f,g,o; GRU z,r,h <- r,z,n).
TORCH_BLOCKS = {"LSTM": [0, 3, 1, 2], "GRU": [1, 0, 2], "RNN": [0]}


def save(model, path):
    onnx.checker.check_model(model)
    write(model, path)


def write(model, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.SerializeToString(deterministic=True))


def model_of(nodes, inputs, outputs, initializers, name="gatescope-test"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=initializers)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="gatescope make.py"
    )
    model.ir_version = 10
    return model


def arr(t):
    return np.array(t["data"], dtype=np.float64).reshape(t["shape"])


def tensor(name, a, raw=True):
    a = np.asarray(a, dtype=np.float32)
    if raw:
        return numpy_helper.from_array(a, name)
    return helper.make_tensor(name, TensorProto.FLOAT, a.shape, a.flatten().tolist())


def value(name, elem=TensorProto.FLOAT, shape=None, rank=None):
    """A graph input or output: `shape`, or `rank` unknown dimensions."""
    return helper.make_tensor_value_info(name, elem, shape if shape else [None] * (rank or 1))


# ---------------------------------------------------------------------------------------
# The refdata cases


def case_model(case, index):
    op, attrs, given = case["op"], case["attributes"], case["inputs"]
    dims, layout = case["dims"], attrs.get("layout", 0)
    t, d = dims["seq_length"], dims["input_size"]
    x_shape = [t, "batch", d] if layout == 0 else ["batch", t, d]
    inputs = [value("X", shape=x_shape)]
    inits = []
    names = []
    for formal in FORMAL[op]:
        if formal not in given:
            names.append("")
        elif formal == "X":
            names.append("X")
        elif formal == "sequence_lens":
            inputs.append(value("sequence_lens", TensorProto.INT32, ["batch"]))
            names.append("sequence_lens")
        elif formal.startswith("initial_"):
            a = arr(given[formal])
            # Batch element 0: [dirs, 1, H] in layout 0, [1, dirs, H] in layout 1.
            a = a[:, 0:1, :] if layout == 0 else a[0:1, :, :]
            inits.append(tensor(formal, a))
            names.append(formal)
        else:
            # Alternate raw_data and float_data, so both are read.
            inits.append(tensor(formal, arr(given[formal]), raw=index % 2 == 0))
            names.append(formal)
    while names and names[-1] == "":
        names.pop()
    outs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])
    node = helper.make_node(op, names, outs, name=f"/{case['name']}/{op}", **attrs)
    outputs = [value(o, rank=4 if o == "Y" else 3) for o in outs]
    return model_of([node], inputs, outputs, inits, name=case["name"])


def check_case(model, case):
    """onnx.reference on batch element 0 reproduces the case's expected_f64."""
    attrs, given = case["attributes"], case["inputs"]
    if "clip" in attrs:
        return  # onnx.reference ignores clip
    layout = attrs.get("layout", 0)
    x = arr(given["X"]).astype(np.float32)
    x0 = x[:, 0:1, :] if layout == 0 else x[0:1, :, :]
    feeds = {"X": x0}
    if "sequence_lens" in given:
        lens = given["sequence_lens"]["data"]
        if lens[0] != case["dims"]["seq_length"]:
            return  # onnx.reference ignores sequence_lens
        feeds["sequence_lens"] = np.array(lens[:1], dtype=np.int32)
    y = ReferenceEvaluator(model).run(["Y"], feeds)[0]
    want = arr(case["expected_f64"]["Y"])
    want0 = want[:, :, 0:1, :] if layout == 0 else want[0:1]
    assert np.allclose(y, want0, atol=1e-5), case["name"]


def make_cases():
    count = 0
    for stem in ["onnx_lstm", "onnx_gru", "onnx_rnn", "onnx_extra_lstm", "onnx_extra_gru", "onnx_extra_rnn"]:
        for case in json.loads((REFDATA / f"{stem}.json").read_text())["cases"]:
            model = case_model(case, count)
            check_case(model, case)
            save(model, HERE / "cases" / f"{case['name']}.onnx")
            count += 1
    return count


# ---------------------------------------------------------------------------------------
# Two-layer chains, checked against numpy's PyTorch equations


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def torch_step(op, p, x, h, c):
    """One step of torch.nn.LSTM / GRU (PyTorch layout and gate order), float64."""
    hs = h.shape[0]
    gi = p["weight_ih"] @ x + p["bias_ih"]
    gh = p["weight_hh"] @ h + p["bias_hh"]
    if op == "LSTM":
        a = gi + gh
        i, f = sigmoid(a[:hs]), sigmoid(a[hs : 2 * hs])
        g, o = np.tanh(a[2 * hs : 3 * hs]), sigmoid(a[3 * hs :])
        c = f * c + i * g
        return o * np.tanh(c), c
    r = sigmoid(gi[:hs] + gh[:hs])
    z = sigmoid(gi[hs : 2 * hs] + gh[hs : 2 * hs])
    n = np.tanh(gi[2 * hs :] + r * gh[2 * hs :])
    return (1.0 - z) * n + z * h, c


def torch_stack(op, layers, x, h0, c0):
    """nn.LSTM / nn.GRU(num_layers=len(layers), bidirectional=len(layers[0]) == 2) on x."""
    inp = x
    steps = x.shape[0]
    for li, dirs in enumerate(layers):
        outs = []
        for di, p in enumerate(dirs):
            k = li * len(dirs) + di
            h, c = h0[k].copy(), c0[k].copy()
            ys = np.zeros((steps, h.shape[0]))
            for t in range(steps) if di == 0 else reversed(range(steps)):
                h, c = torch_step(op, p, inp[t], h, c)
                ys[t] = h
            outs.append(ys)
        inp = np.concatenate(outs, axis=1)
    return inp


def onnx_blocks(op, a):
    """PyTorch gate blocks (axis 0) in ONNX's order."""
    blocks = np.split(a, GATES[op])
    return np.concatenate([blocks[i] for i in TORCH_BLOCKS[op]])


def make_chain(op, bidirectional, rng, hidden=4, inputs=3, steps=5):
    dirs = 2 if bidirectional else 1
    g = GATES[op]
    k = 1.0 / np.sqrt(hidden)

    def draw(*shape):
        return rng.uniform(-k, k, size=shape).astype(np.float32).astype(np.float64)

    layers = []
    for li in range(2):
        d_in = inputs if li == 0 else dirs * hidden
        layers.append([
            {"weight_ih": draw(g * hidden, d_in), "weight_hh": draw(g * hidden, hidden),
             "bias_ih": draw(g * hidden), "bias_hh": draw(g * hidden)}
            for _ in range(dirs)
        ])
    x = rng.uniform(-1, 1, size=(steps, inputs)).astype(np.float32).astype(np.float64)
    # Layer 0 starts from stored non-zero states; layer 1 has none in the file (zeros).
    h0 = np.zeros((2 * dirs, hidden))
    c0 = np.zeros((2 * dirs, hidden))
    h0[:dirs] = draw(dirs, hidden)
    if op == "LSTM":
        c0[:dirs] = draw(dirs, hidden)
    output = torch_stack(op, layers, x, h0, c0)

    prefix = "/lstm" if op == "LSTM" else "/gru"
    nodes, inits = [], []
    data = "X"
    for li, dirs_p in enumerate(layers):
        sfx = "" if li == 0 else f"_{li}"
        w = np.stack([onnx_blocks(op, p["weight_ih"]) for p in dirs_p])
        r = np.stack([onnx_blocks(op, p["weight_hh"]) for p in dirs_p])
        b = np.stack([np.concatenate([onnx_blocks(op, p["bias_ih"]), onnx_blocks(op, p["bias_hh"])]) for p in dirs_p])
        names = [data, f"W{li}", f"R{li}", f"B{li}", ""]
        inits += [tensor(f"W{li}", w), tensor(f"R{li}", r), tensor(f"B{li}", b)]
        if li == 0:
            names.append("h0")
            inits.append(tensor("h0", h0[:dirs].reshape(dirs, 1, hidden)))
            if op == "LSTM":
                names.append("c0")
                inits.append(tensor("c0", c0[:dirs].reshape(dirs, 1, hidden)))
        attrs = {"hidden_size": hidden}
        if bidirectional:
            attrs["direction"] = "bidirectional"
        if op == "GRU":
            attrs["linear_before_reset"] = 1  # what PyTorch's exporter writes
        y = f"{prefix}/{op}{sfx}_output_0"
        outs = [y, f"{y}_h"] + ([f"{y}_c"] if op == "LSTM" else [])
        nodes.append(helper.make_node(op, names, outs, name=f"{prefix}/{op}{sfx}", **attrs))
        # [T, dirs, B, H] -> [T, B, dirs*H], as torch.onnx writes it.
        if bidirectional:
            tr, shape = f"{prefix}/Transpose{sfx}_output_0", f"{prefix}/Constant{sfx}_output_0"
            nodes.append(helper.make_node("Transpose", [y], [tr], name=f"{prefix}/Transpose{sfx}", perm=[0, 2, 1, 3]))
            nodes.append(helper.make_node(
                "Constant", [], [shape], name=f"{prefix}/Constant{sfx}",
                value=numpy_helper.from_array(np.array([0, 0, -1], dtype=np.int64)),
            ))
            data = f"{prefix}/Reshape{sfx}_output_0"
            nodes.append(helper.make_node("Reshape", [tr, shape], [data], name=f"{prefix}/Reshape{sfx}"))
        else:
            axes = f"axes{li}"
            inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), axes))
            data = f"{prefix}/Squeeze{sfx}_output_0"
            nodes.append(helper.make_node("Squeeze", [y, axes], [data], name=f"{prefix}/Squeeze{sfx}"))
    # A readout the reader ignores.
    inits.append(tensor("fc.weight", draw(dirs * hidden, 2)))
    nodes.append(helper.make_node("MatMul", [data, "fc.weight"], ["out"], name="/fc/MatMul"))
    model = model_of(nodes, [value("X", shape=[steps, 1, inputs])], [value("out", rank=3), value(data, rank=3)], inits)
    got = ReferenceEvaluator(model).run([data], {"X": x.reshape(steps, 1, inputs).astype(np.float32)})[0]
    assert np.allclose(got.reshape(steps, -1), output, atol=1e-5), op
    torch_names = {}
    for li, dirs_p in enumerate(layers):
        for di, p in enumerate(dirs_p):
            for key, val in p.items():
                torch_names[f"{key}_l{li}{'_reverse' if di else ''}"] = val.tolist()
    return model, {
        "x": x.tolist(),
        "h0": h0.tolist(),
        "c0": c0.tolist() if op == "LSTM" else None,
        "output": output.tolist(),
        "state_dict": torch_names,
    }


def make_chains():
    rng = np.random.default_rng(20240611)
    out = {}
    for key, op, bidir in [("chain_lstm2_bidir", "LSTM", True), ("chain_gru2", "GRU", False)]:
        model, data = make_chain(op, bidir, rng)
        save(model, HERE / f"{key}.onnx")
        out[key] = data
    (HERE / "chains.json").write_text(json.dumps(out, indent=1) + "\n")


# ---------------------------------------------------------------------------------------
# One small LSTM in every data type a reader accepts, and hostile variants of it

H, D = 3, 2


def small_lstm(dirs=1):
    """W, R, B, P, initial_h, initial_c, every value a multiple of 1/64 in [-1, 1]: exact in
    FLOAT16 and BFLOAT16 too."""
    rng = np.random.default_rng(7 + dirs)

    def q(*shape):
        return np.round(rng.uniform(-1, 1, size=shape) * 64) / 64

    return {
        "W": q(dirs, 4 * H, D), "R": q(dirs, 4 * H, H), "B": q(dirs, 8 * H), "P": q(dirs, 3 * H),
        "initial_h": q(dirs, 1, H), "initial_c": q(dirs, 1, H),
    }


def lstm_model(tensors=None, attrs=None, make=tensor, constants=(), dirs=1):
    """One LSTM node "/lstm/LSTM" reading X; `tensors` replaces any of small_lstm()'s."""
    weights = small_lstm(dirs)
    weights.update(tensors or {})
    names = ["X", "W", "R", "B", "", "initial_h", "initial_c", "P"]
    inits, nodes = [], []
    for name in names[1:]:
        if not name or weights.get(name) is None:
            continue
        t = weights[name] if isinstance(weights[name], onnx.TensorProto) else make(name, weights[name])
        t.name = name
        if name in constants:
            nodes.append(helper.make_node("Constant", [], [name], name=f"/const/{name}", value=t))
        else:
            inits.append(t)
    names = [n if n == "X" or weights.get(n) is not None else "" for n in names]
    attrs = {"hidden_size": H, **({"direction": "bidirectional"} if dirs == 2 else {}), **(attrs or {})}
    nodes.append(helper.make_node("LSTM", names, ["Y", "Y_h", "Y_c"], name="/lstm/LSTM", **attrs))
    return model_of(nodes, [value("X", shape=[4, 1, D])], [value("Y", rank=4)], inits)


def typed(data_type, raw):
    def make(name, a):
        if data_type == TensorProto.DOUBLE and raw:
            return numpy_helper.from_array(np.asarray(a, dtype=np.float64), name)
        if data_type == TensorProto.FLOAT16 and raw:
            return numpy_helper.from_array(np.asarray(a, dtype=np.float16), name)
        return helper.make_tensor(name, data_type, np.shape(a), np.asarray(a).flatten().tolist())
    return make


def make_dtypes():
    save(lstm_model(), HERE / "dtype_float_raw.onnx")
    save(lstm_model(make=lambda n, a: tensor(n, a, raw=False)), HERE / "dtype_float_data.onnx")
    save(lstm_model(make=typed(TensorProto.DOUBLE, raw=False)), HERE / "dtype_double_data.onnx")
    save(lstm_model(make=typed(TensorProto.DOUBLE, raw=True)), HERE / "dtype_double_raw.onnx")
    save(lstm_model(make=typed(TensorProto.FLOAT16, raw=False)), HERE / "dtype_float16_int32_data.onnx")
    save(lstm_model(make=typed(TensorProto.FLOAT16, raw=True)), HERE / "dtype_float16_raw.onnx")
    save(lstm_model(make=typed(TensorProto.BFLOAT16, raw=False)), HERE / "dtype_bfloat16.onnx")
    save(lstm_model(constants=("W", "R", "initial_h")), HERE / "dtype_constant_nodes.onnx")
    # Initial states given at run time: computed zeros (as torch.onnx computes them when
    # forward() gets no h0) and a graph input. The reader starts such states at zero.
    m = lstm_model({"initial_h": None, "initial_c": None})
    lstm = node_named(m, "/lstm/LSTM")
    lstm.input[5], lstm.input[6] = "h0_zeros", "c0_in"
    m.graph.node.insert(0, helper.make_node("ConstantOfShape", ["h0_shape"], ["h0_zeros"], name="/lstm/ConstantOfShape"))
    m.graph.initializer.append(numpy_helper.from_array(np.array([1, 1, H], dtype=np.int64), "h0_shape"))
    m.graph.input.append(value("c0_in", shape=[1, 1, H]))
    save(m, HERE / "runtime_initial_states.onnx")


def raw_tensor(dims, data_type=TensorProto.FLOAT, raw=b"\0" * 8):
    t = onnx.TensorProto()
    t.dims.extend(dims)
    t.data_type = data_type
    t.raw_data = raw
    return t


def node_named(model, name):
    return next(n for n in model.graph.node if n.name == name)


def chain_of(specs, hidden=H):
    """Recurrent nodes in a row, `specs` = [(op, dirs, input size)], linked the exporter's way."""
    rng = np.random.default_rng(3)
    nodes, inits, data = [], [], "X"
    for k, (op, dirs, d_in) in enumerate(specs):
        g = GATES[op]
        for nm, shape in [("W", (dirs, g * hidden, d_in)), ("R", (dirs, g * hidden, hidden))]:
            inits.append(tensor(f"{nm}{k}", rng.uniform(-1, 1, size=shape)))
        attrs = {"hidden_size": hidden, **({"direction": "bidirectional"} if dirs == 2 else {})}
        y = f"Y{k}"
        nodes.append(helper.make_node(op, [data, f"W{k}", f"R{k}"], [y], name=f"/rnn/{op}_{k}", **attrs))
        if dirs == 2:
            nodes.append(helper.make_node("Transpose", [y], [f"T{k}"], perm=[0, 2, 1, 3]))
            inits.append(numpy_helper.from_array(np.array([0, 0, -1], dtype=np.int64), f"shape{k}"))
            nodes.append(helper.make_node("Reshape", [f"T{k}", f"shape{k}"], [f"X{k + 1}"]))
        else:
            inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), f"axes{k}"))
            nodes.append(helper.make_node("Squeeze", [y, f"axes{k}"], [f"X{k + 1}"]))
        data = f"X{k + 1}"
    return model_of(nodes, [value("X", shape=[4, 1, specs[0][2]])], [value(data)], inits)


def make_hostile():
    out = HERE / "hostile"
    w = small_lstm()["W"]
    nan = w.copy()
    nan[0, 5, 1] = np.nan
    write(lstm_model({"W": nan}), out / "nan_weight.onnx")
    write(lstm_model({"W": w[:, :10, :]}), out / "wrong_w_shape.onnx")
    write(lstm_model({"B": small_lstm()["B"][:, :7]}), out / "wrong_b_shape.onnx")
    write(lstm_model(attrs={"activations": ["Relu", "Tanh", "Tanh"]}), out / "relu_activations.onnx")
    write(lstm_model(attrs={"input_forget": 1}), out / "input_forget.onnx")
    write(lstm_model(attrs={"activation_alpha": [0.5]}), out / "activation_alpha.onnx")
    write(lstm_model(attrs={"clip": -1.0}), out / "negative_clip.onnx")
    write(lstm_model(attrs={"hidden_size": 5}), out / "hidden_size_mismatch.onnx")
    write(lstm_model(attrs={"direction": "sideways"}), out / "bad_direction.onnx")
    write(lstm_model(attrs={"layout": 2}), out / "bad_layout.onnx")
    write(lstm_model(attrs={"output_gate_bias": 1}), out / "unknown_attribute.onnx")
    write(lstm_model({"initial_h": np.zeros((1, 3, H))}), out / "initial_h_batch3.onnx")
    write(lstm_model({"W": raw_tensor([1, 4_000_000_000, D])}), out / "huge_dims.onnx")
    write(lstm_model({"W": raw_tensor([2**62, 2**62, 4])}), out / "overflow_dims.onnx")
    write(lstm_model({"W": raw_tensor([-1, 4 * H, D])}), out / "negative_dims.onnx")
    write(lstm_model({"W": raw_tensor([1, 4 * H, D], raw=b"\0" * (4 * 4 * H * D - 1))}), out / "raw_wrong_length.onnx")
    short = helper.make_tensor("W", TensorProto.FLOAT, [1, 4 * H, D], [0.5] * (4 * H * D))
    del short.float_data[-3:]
    write(lstm_model({"W": short}), out / "float_data_wrong_count.onnx")
    write(lstm_model({"W": raw_tensor([1, 4 * H, D], TensorProto.INT64, b"\0" * (8 * 4 * H * D))}), out / "int64_weights.onnx")
    ext = raw_tensor([1, 4 * H, D], raw=b"")
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="weights.bin")
    write(lstm_model({"W": ext}), out / "external_data.onnx")
    # More weights than MAX_PARAMS (5 M) in all, though each tensor alone fits: H 512, D 1024.
    big = {"W": raw_tensor([2, 2048, 1024]), "R": raw_tensor([2, 2048, 512]), "B": None, "P": None,
           "initial_h": None, "initial_c": None}
    write(lstm_model(big, attrs={"hidden_size": 512}, dirs=2), out / "too_many_params.onnx")

    # W computed at run time (what torch.onnx writes without constant folding).
    m = lstm_model()
    lstm = node_named(m, "/lstm/LSTM")
    lstm.input[1] = "W_cat"
    m.graph.node.insert(0, helper.make_node("Concat", ["W", "W"], ["W_cat"], name="/lstm/Concat", axis=1))
    write(m, out / "w_computed.onnx")
    m = lstm_model({"W": None})
    lstm = node_named(m, "/lstm/LSTM")
    lstm.input[1] = "W"
    m.graph.input.append(value("W", shape=[1, 4 * H, D]))
    write(m, out / "w_graph_input.onnx")
    m = lstm_model()
    del node_named(m, "/lstm/LSTM").input[2:]
    write(m, out / "missing_r.onnx")

    # No recurrent node.
    nodes = [helper.make_node("MatMul", ["X", "M"], ["Y0"], name="/fc/MatMul"),
             helper.make_node("Add", ["Y0", "M0"], ["Y"], name="/fc/Add")]
    write(model_of(nodes, [value("X")], [value("Y")], [tensor("M", np.ones((D, 2))), tensor("M0", np.ones(2))]),
          out / "no_recurrent.onnx")

    # Three independent chains: /enc/LSTM, /dec/LSTM, /aux/GRU (prefix or cell chooses).
    weights = small_lstm()
    inits = [tensor(k, weights[k]) for k in ("W", "R")]
    rng = np.random.default_rng(5)
    inits += [tensor("Wg", rng.uniform(-1, 1, (1, 3 * H, D))), tensor("Rg", rng.uniform(-1, 1, (1, 3 * H, H)))]
    nodes = [helper.make_node("LSTM", ["X", "W", "R"], ["Ye"], name="/enc/LSTM", hidden_size=H),
             helper.make_node("LSTM", ["X", "W", "R"], ["Yd"], name="/dec/LSTM", hidden_size=H),
             helper.make_node("GRU", ["X", "Wg", "Rg"], ["Ya"], name="/aux/GRU", hidden_size=H)]
    write(model_of(nodes, [value("X")], [value("Ye"), value("Yd"), value("Ya")], inits), out / "three_chains.onnx")

    write(chain_of([("LSTM", 1, D), ("GRU", 1, H)]), out / "chain_mixed_cells.onnx")
    write(chain_of([("LSTM", 2, D), ("LSTM", 1, 2 * H)]), out / "chain_mixed_directions.onnx")
    write(chain_of([("LSTM", 1, D), ("LSTM", 1, H + 1)]), out / "chain_bad_input_size.onnx")
    write(chain_of([("RNN", 1, D)] + [("RNN", 1, H)] * 4), out / "chain_five_layers.onnx")
    m = chain_of([("LSTM", 1, D), ("LSTM", 1, H)])
    second = node_named(m, "/rnn/LSTM_1")
    m.graph.node.append(helper.make_node("LSTM", ["X1", "W1", "R1"], ["Yb"], name="/rnn/LSTM_b", hidden_size=H))
    assert second.input[0] == "X1"
    write(m, out / "chain_branches.onnx")
    m = lstm_model()
    node_named(m, "/lstm/LSTM").input[0] = "Y"
    write(m, out / "cycle.onnx")


if __name__ == "__main__":
    cases = make_cases()
    make_chains()
    make_dtypes()
    make_hostile()
    print(f"{cases} refdata cases, 2 chains, dtype and hostile files written to {HERE}")
