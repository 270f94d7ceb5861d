"""Float64 numpy reference for PyTorch's nn.LSTM / nn.GRU / nn.RNN(tanh) with
num_layers and bidirectional, batch 1.

Shared by tests/data/stack/make.py (the golden data) and examples/models/make.py
(the example models' expected outputs), so both rest on one implementation, the
one that make.py anchors to refdata's torch float64 output.

Conventions (PyTorch's):
  * weights per layer-direction, named weight_ih_l{k}[_reverse], weight_hh_..., bias_ih_...,
    bias_hh_..., in state_dict order: layer-major, then direction, then those four;
  * gate blocks: LSTM i, f, g, o; GRU r, z, n; RNN one block;
  * row t of a trace is the state right after consuming input t, in both directions;
  * layer k > 0 reads concat(h_fwd, h_rev) of layer k - 1; the output is the last layer's.
"""

import numpy as np

GATE_BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}

# What each cell records per step, in the core's display order (trace.rs, Series::of).
SERIES = {
    "lstm": ["i", "f", "g", "o", "c", "h"],
    "gru": ["r", "z", "n", "h"],
    "rnn": ["h"],
}

PARAM_NAMES = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]


# --------------------------------------------------------------------------------------
# Naming and layout


def layer_suffix(layer, reverse):
    """PyTorch's suffix of a layer-direction: l0, l0_reverse, l1, ..."""
    return f"l{layer}_reverse" if reverse else f"l{layer}"


def layer_directions(num_layers, bidirectional):
    """(layer, reverse) of every layer-direction, in PyTorch's order."""
    dirs = [False, True] if bidirectional else [False]
    return [(layer, rev) for layer in range(num_layers) for rev in dirs]


def split_params(params, num_layers, bidirectional):
    """A flat PyTorch dict (weight_ih_l0, ...) -> one dict of the four tensors per
    layer-direction, in PyTorch's order."""
    out = []
    for layer, rev in layer_directions(num_layers, bidirectional):
        sfx = layer_suffix(layer, rev)
        out.append({name: params[f"{name}_{sfx}"] for name in PARAM_NAMES})
    return out


def f32(a):
    """Rounds to float32 and back: every generated input goes through this before use, so
    a float32 implementation receives bit-identical values."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


# --------------------------------------------------------------------------------------
# One step of each cell


def sigmoid(z):
    """1 / (1 + e^-z) without overflow: e^-|z| never exceeds 1."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def matvec(w, v):
    """w @ v as an elementwise product and numpy's own row sum, not BLAS: the summation
    order is then fixed, so the written files are byte-identical on every machine."""
    return (w * v[None, :]).sum(axis=1)


def lstm_step(p, x, h, c):
    hs = h.shape[0]
    a = matvec(p["weight_ih"], x) + p["bias_ih"] + matvec(p["weight_hh"], h) + p["bias_hh"]
    i = sigmoid(a[0:hs])
    f = sigmoid(a[hs : 2 * hs])
    g = np.tanh(a[2 * hs : 3 * hs])
    o = sigmoid(a[3 * hs : 4 * hs])
    c = f * c + i * g
    h = o * np.tanh(c)
    return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}


def gru_step(p, x, h):
    hs = h.shape[0]
    gi = matvec(p["weight_ih"], x) + p["bias_ih"]
    gh = matvec(p["weight_hh"], h) + p["bias_hh"]
    r = sigmoid(gi[0:hs] + gh[0:hs])
    z = sigmoid(gi[hs : 2 * hs] + gh[hs : 2 * hs])
    # PyTorch applies r to (W_hn h + b_hn), bias included (ONNX linear_before_reset = 1).
    n = np.tanh(gi[2 * hs :] + r * gh[2 * hs :])
    h = (1.0 - z) * n + z * h
    return {"r": r, "z": z, "n": n, "h": h}


def rnn_step(p, x, h):
    a = matvec(p["weight_ih"], x) + p["bias_ih"] + matvec(p["weight_hh"], h) + p["bias_hh"]
    # `a` is kept only because refdata records it: one more thing to match.
    return {"a": a, "h": np.tanh(a)}


# --------------------------------------------------------------------------------------
# One layer-direction, and the stack


def run_layer(cell, p, x, h0, c0=None, reverse=False):
    """Runs one layer-direction over x [T, D] from h0 (and c0 for LSTM).

    Returns {series: [T, H]}; row t is the state right after consuming x[t], also when
    `reverse` runs the steps t = T-1 .. 0."""
    steps = x.shape[0]
    h = np.array(h0, dtype=np.float64)
    c = np.array(c0, dtype=np.float64) if cell == "lstm" else None
    rows = [None] * steps
    for t in (reversed(range(steps)) if reverse else range(steps)):
        if cell == "lstm":
            out = lstm_step(p, x[t], h, c)
            c = out["c"]
        elif cell == "gru":
            out = gru_step(p, x[t], h)
        else:
            out = rnn_step(p, x[t], h)
        h = out["h"]
        rows[t] = out
    return {k: np.stack([r[k] for r in rows]) for k in rows[0]}


def run_stack(cell, num_layers, bidirectional, params, x, h0=None, c0=None):
    """PyTorch's nn.LSTM/GRU/RNN(num_layers, bidirectional) forward, batch 1.

    params: flat PyTorch dict (weight_ih_l0, ...); x [T, D]; h0, c0 [layers*dirs, H] or None
    for zeros. Returns {"traces": [{series: [T, H]}, ...] in PyTorch's layer-direction
    order, "output": [T, dirs*H], "h_n", "c_n" (LSTM): [layers*dirs, H]}."""
    per = split_params(params, num_layers, bidirectional)
    order = layer_directions(num_layers, bidirectional)
    hidden = per[0]["weight_hh"].shape[1]
    zeros = np.zeros((len(order), hidden))
    h0 = zeros if h0 is None else np.asarray(h0, dtype=np.float64)
    c0 = zeros if c0 is None else np.asarray(c0, dtype=np.float64)
    dirs = 2 if bidirectional else 1
    traces, h_n, c_n = [], [], []
    layer_in = np.asarray(x, dtype=np.float64)
    for layer in range(num_layers):
        halves = []
        for d in range(dirs):
            k = layer * dirs + d
            rev = order[k][1]
            tr = run_layer(cell, per[k], layer_in, h0[k], c0[k], reverse=rev)
            traces.append(tr)
            # The final state is the one after the last step run: row T-1 forward, row 0
            # reverse (PyTorch's h_n / c_n).
            last = 0 if rev else -1
            h_n.append(tr["h"][last])
            if cell == "lstm":
                c_n.append(tr["c"][last])
            halves.append(tr["h"])
        layer_in = np.concatenate(halves, axis=1)
    out = {"traces": traces, "output": layer_in, "h_n": np.stack(h_n)}
    if cell == "lstm":
        out["c_n"] = np.stack(c_n)
    return out


# --------------------------------------------------------------------------------------
# Drawing weights


def draw_params(rng, cell, num_layers, bidirectional, input_size, hidden, scale=1.0):
    """PyTorch's default init U(-k, k), k = scale / sqrt(H), drawn tensor by tensor in
    state_dict order, each rounded to float32."""
    g = GATE_BLOCKS[cell]
    dirs = 2 if bidirectional else 1
    k = scale / np.sqrt(hidden)
    params = {}
    for layer, rev in layer_directions(num_layers, bidirectional):
        d_in = input_size if layer == 0 else dirs * hidden
        shapes = {
            "weight_ih": (g * hidden, d_in),
            "weight_hh": (g * hidden, hidden),
            "bias_ih": (g * hidden,),
            "bias_hh": (g * hidden,),
        }
        for name in PARAM_NAMES:
            params[f"{name}_{layer_suffix(layer, rev)}"] = f32(rng.uniform(-k, k, shapes[name]))
    return params


# --------------------------------------------------------------------------------------
# JSON tensors (refdata README section 3)


def tensor(a, dtype="float64"):
    """{"dtype", "shape", "data"}, data row-major; Python's json writes each float with
    repr, the shortest decimal that round-trips."""
    a = np.asarray(a, dtype=np.float64)
    assert np.all(np.isfinite(a)), "no NaN or Inf in golden data"
    if dtype == "float32":
        assert np.array_equal(a, f32(a)), "an input marked float32 is not a float32 value"
    return {"dtype": dtype, "shape": list(a.shape), "data": a.reshape(-1).tolist()}


def from_tensor(t):
    return np.array(t["data"], dtype=np.float64).reshape(t["shape"])


# --------------------------------------------------------------------------------------
# PyTorch -> ONNX (refdata README section 7.1)

# Torch blocks in ONNX's order: LSTM i,o,f,c <- torch i,f,g,o; GRU z,r,h <- torch r,z,n.
ONNX_BLOCKS = {"lstm": [0, 3, 1, 2], "gru": [1, 0, 2], "rnn": [0]}


def to_onnx_blocks(cell, a):
    """Reorders the gate blocks (rows) of one PyTorch tensor into ONNX's gate order."""
    g = GATE_BLOCKS[cell]
    blocks = np.split(np.asarray(a), g, axis=0)
    return np.concatenate([blocks[j] for j in ONNX_BLOCKS[cell]], axis=0)


def onnx_wrb(cell, per_direction):
    """W [dirs, G*H, D], R [dirs, G*H, H], B [dirs, 2*G*H] of one layer, from its
    directions' PyTorch tensors (forward first)."""
    w = np.stack([to_onnx_blocks(cell, p["weight_ih"]) for p in per_direction])
    r = np.stack([to_onnx_blocks(cell, p["weight_hh"]) for p in per_direction])
    b = np.stack(
        [
            np.concatenate([to_onnx_blocks(cell, p["bias_ih"]), to_onnx_blocks(cell, p["bias_hh"])])
            for p in per_direction
        ]
    )
    return w, r, b


def onnx_stack_graph(cell, num_layers, bidir, params, h0, c0, steps, input_size):
    """An ONNX graph of the whole stack, float64, for the onnx.reference cross-checks (so
    it needs the onnx package): one LSTM/GRU/RNN node per layer (both directions in one
    node), each layer's Y [T, dirs, 1, H] turned into the next layer's X [T, 1, dirs*H] by
    Transpose + Reshape, as torch.onnx.export writes a stacked nn.LSTM. Input X
    [T, 1, D]; outputs Y_l, Yh_l (and Yc_l) of every layer l, and the last X_{layers}.
    Returns (model, name of the output [T, 1, dirs*H])."""
    from onnx import TensorProto, helper, numpy_helper

    op = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[cell]
    dirs = 2 if bidir else 1
    hid = h0.shape[1]
    per = split_params(params, num_layers, bidir)
    nodes, inits, outputs = [], [], []
    inits.append(numpy_helper.from_array(np.array([0, 0, -1], dtype=np.int64), "shape_t_b_flat"))
    layer_in = "X"
    for layer in range(num_layers):
        k0 = layer * dirs
        w, r, b = onnx_wrb(cell, per[k0 : k0 + dirs])
        names = [f"{n}_{layer}" for n in ("W", "R", "B", "h0", "c0")]
        arrays = [w, r, b, h0[k0 : k0 + dirs, None, :], c0[k0 : k0 + dirs, None, :]]
        for n, a in zip(names, arrays):
            inits.append(numpy_helper.from_array(np.ascontiguousarray(a, dtype=np.float64), n))
        node_in = [layer_in, names[0], names[1], names[2], "", names[3]]
        node_out = [f"Y_{layer}", f"Yh_{layer}"]
        attrs = {"hidden_size": hid, "direction": "bidirectional" if bidir else "forward"}
        if cell == "lstm":
            node_in.append(names[4])
            node_out.append(f"Yc_{layer}")
        if cell == "gru":
            attrs["linear_before_reset"] = 1  # PyTorch's GRU
        nodes.append(helper.make_node(op, node_in, node_out, **attrs))
        y, yt, nxt = f"Y_{layer}", f"Yt_{layer}", f"X_{layer + 1}"
        nodes.append(helper.make_node("Transpose", [y], [yt], perm=[0, 2, 1, 3]))
        nodes.append(helper.make_node("Reshape", [yt, "shape_t_b_flat"], [nxt]))
        layer_in = f"X_{layer + 1}"
        outputs += node_out
    graph = helper.make_graph(
        nodes,
        "stack",
        [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [steps, 1, input_size])],
        [helper.make_tensor_value_info(n, TensorProto.DOUBLE, None) for n in outputs + [layer_in]],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), layer_in
