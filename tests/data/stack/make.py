"""Writes tests/data/stack/stack_forward.json: golden forward traces of stacked and
bidirectional LSTM / GRU / RNN layers with PyTorch's semantics, for tests/golden_stack.rs.

    python3 tests/data/stack/make.py            (from the repository root; numpy only)

Before writing anything it anchors the float64 reference (stackref.py) to torch:

  1. every single-layer case of tests/data/refdata/{lstm,gru,rnn}_forward.json (torch
     float64 output), batch element by batch element, every recorded series, to <= 1e-12
     relative to max(1, |golden|);
  2. the reverse direction: refdata's ONNX-layout reverse and bidirectional LSTM and RNN
     cases (expected_f64, checked there against torch and onnx.reference), same bound.

It aborts (exit 1) if either fails. Then, if the `onnx` package is installed, it runs every
generated case through onnx.reference as a chain of ONNX LSTM/GRU/RNN nodes wired the way
torch.onnx.export writes a stacked nn.LSTM, and compares every layer-direction's h, final
states and the output (an independent implementation of the reverse direction and of the
stacking). That check is skipped, not failed, without onnx; the JSON is the same either way.

See README.md beside this file for the schema and the numbers measured.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ beside the data
import stackref as ref  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
REFDATA = os.path.join(ROOT, "tests", "data", "refdata")
OUT = os.path.join(HERE, "stack_forward.json")

# The anchors must hold to this, relative to max(1, |golden|). Independent float64
# implementations agree to ~1e-15 (refdata README section 10); 1e-12 leaves room for
# summation order and nothing else.
ANCHOR_TOL = 1e-12

# --------------------------------------------------------------------------------------
# The cases. Each is drawn from numpy.random.default_rng(seed) in this order: the weights
# of every layer-direction in state_dict order (ref.draw_params), then x ~ N(0, 1) [T, D]
# (unless given), then, for a non-zero initial state, h0 ~ U(-0.9, 0.9) [layers*dirs, H],
# then (LSTM) c0 ~ N(0, 1) [layers*dirs, H]. Every drawn value is rounded to float32.

X_1_TO_5 = [[1.0], [2.0], [3.0], [4.0], [5.0]]

CASES = [
    # The first one doubles as "non-zero h0/c0 for every layer-direction".
    dict(id="lstm_l2_bi_h5_d2_t9", cell="lstm", layers=2, bidir=True, H=5, D=2, T=9,
         seed=101, init=True, scale=1.0),
    dict(id="lstm_l3_uni_h4_d3_t60", cell="lstm", layers=3, bidir=False, H=4, D=3, T=60,
         seed=102, init=True, scale=1.0),
    dict(id="gru_l2_bi_h6_d1_t12", cell="gru", layers=2, bidir=True, H=6, D=1, T=12,
         seed=103, init=True, scale=1.0),
    dict(id="rnn_l2_bi_h8_d3_t7", cell="rnn", layers=2, bidir=True, H=8, D=3, T=7,
         seed=104, init=False, scale=1.0),
    # MAX_LAYERS = 4; weights x2 so that the upper layers are not all near zero.
    dict(id="lstm_l4_bi_h3_d2_t50", cell="lstm", layers=4, bidir=True, H=3, D=2, T=50,
         seed=105, init=True, scale=2.0),
    dict(id="lstm_l1_bi_h4_d1_t5", cell="lstm", layers=1, bidir=True, H=4, D=1, T=5,
         seed=106, init=False, scale=1.0, x=X_1_TO_5),
    dict(id="gru_l3_uni_h3_d2_t55", cell="gru", layers=3, bidir=False, H=3, D=2, T=55,
         seed=107, init=False, scale=1.0),
    dict(id="gru_l4_bi_h3_d3_t20", cell="gru", layers=4, bidir=True, H=3, D=3, T=20,
         seed=108, init=True, scale=1.5),
    dict(id="rnn_l4_bi_h4_d1_t64", cell="rnn", layers=4, bidir=True, H=4, D=1, T=64,
         seed=109, init=True, scale=2.0),
]


def recipe(case):
    """The drawing order of `case`, in words, for the JSON."""
    parts = [
        "weights of every layer-direction, in state_dict order (weight_ih, weight_hh, bias_ih, "
        f"bias_hh of l0, l0_reverse, l1, ...) ~ U(-k, k), k = {case['scale']}/sqrt(H)"
    ]
    parts.append("x = [1,2,3,4,5] (given)" if "x" in case else "then x ~ N(0,1) [T,D]")
    if case["init"]:
        parts.append("then h0 ~ U(-0.9,0.9) [layers*dirs,H]")
        if case["cell"] == "lstm":
            parts.append("then c0 ~ N(0,1) [layers*dirs,H]")
    else:
        parts.append("zero initial state")
    return "; ".join(parts) + "; every drawn value rounded to float32"


def draw(case):
    """params, x, h0, c0 of `case`, every value a float32."""
    rng = np.random.default_rng(case["seed"])
    params = ref.draw_params(
        rng, case["cell"], case["layers"], case["bidir"], case["D"], case["H"], case["scale"]
    )
    if "x" in case:
        x = ref.f32(case["x"])
    else:
        x = ref.f32(rng.standard_normal((case["T"], case["D"])))
    assert x.shape == (case["T"], case["D"]), case["id"]
    n = case["layers"] * (2 if case["bidir"] else 1)
    h0 = np.zeros((n, case["H"]))
    c0 = np.zeros((n, case["H"]))
    if case["init"]:
        h0 = ref.f32(rng.uniform(-0.9, 0.9, (n, case["H"])))
        if case["cell"] == "lstm":
            c0 = ref.f32(rng.standard_normal((n, case["H"])))
    return params, x, h0, c0


# --------------------------------------------------------------------------------------
# Anchor 1: refdata's single-layer torch cases


def rel_err(got, want):
    """max |got - want| / max(1, |want|)."""
    want = np.asarray(want)
    return float(np.max(np.abs(np.asarray(got) - want) / np.maximum(1.0, np.abs(want))))


def elementwise_rel_err(got, want):
    """max |got - want| / |want|; every golden value of such a case is non-zero."""
    want = np.asarray(want)
    assert np.all(want != 0)
    return float(np.max(np.abs(np.asarray(got) - want) / np.abs(want)))


def check_refdata_torch():
    """Runs every case of refdata's {lstm,gru,rnn}_forward.json through run_stack (one
    layer, forward) batch element by batch element; returns the worst error."""
    worst, count = 0.0, 0
    for cell in ("lstm", "gru", "rnn"):
        with open(os.path.join(REFDATA, f"{cell}_forward.json")) as fh:
            cases = json.load(fh)["cases"]
        for case in cases:
            params = {f"{k}_l0": ref.from_tensor(v) for k, v in case["params"].items()}
            x = ref.from_tensor(case["x"])  # [T, B, D]
            h0 = ref.from_tensor(case["h0"])  # [B, H]
            c0 = ref.from_tensor(case["c0"]) if cell == "lstm" else np.zeros_like(h0)
            exp = {k: ref.from_tensor(v) for k, v in case["expected"].items()}
            for b in range(x.shape[1]):
                run = ref.run_stack(cell, 1, False, params, x[:, b, :], h0[b][None], c0[b][None])
                tr = run["traces"][0]
                pairs = [(s, tr[s], exp[s][:, b, :]) for s in exp if s not in ("h_n", "c_n")]
                pairs.append(("h_n", run["h_n"][0], exp["h_n"][b]))
                pairs.append(("output", run["output"], exp["h"][:, b, :]))
                if cell == "lstm":
                    pairs.append(("c_n", run["c_n"][0], exp["c_n"][b]))
                # Outputs of O(1e-8) would pass any max(1, |b|) bound: there, compare
                # each value relative to itself (README.refdata.md section 10).
                elementwise = "needs_relative_tolerance" in case["tags"]
                for name, got, want in pairs:
                    e = elementwise_rel_err(got, want) if elementwise else rel_err(got, want)
                    count += np.size(want)
                    if e > ANCHOR_TOL:
                        sys.exit(f"ANCHOR FAILED: refdata {case['id']} batch {b} {name}: {e:.3e}")
                    worst = max(worst, e)
    return worst, count


# --------------------------------------------------------------------------------------
# Anchor 2: the reverse direction, from refdata's ONNX-layout cases


def onnx_to_torch_blocks(cell, a):
    """Inverse of ref.to_onnx_blocks: ONNX gate blocks (rows) back to PyTorch's order."""
    g = ref.GATE_BLOCKS[cell]
    blocks = np.split(np.asarray(a), g, axis=0)
    inverse = np.argsort(ref.ONNX_BLOCKS[cell])
    return np.concatenate([blocks[j] for j in inverse], axis=0)


def check_refdata_onnx_reverse():
    """The reverse / bidirectional ONNX cases with PyTorch's semantics (layout 0, no clip,
    no peepholes, full sequence lengths): LSTM and RNN. The GRU ones there use
    linear_before_reset = 0, which is not PyTorch's GRU, so they are left out."""
    names = {
        "lstm": ["onnx_lstm.json", "onnx_extra_lstm.json"],
        "rnn": ["onnx_rnn.json", "onnx_extra_rnn.json"],
    }
    worst, used = 0.0, []
    for cell, files in names.items():
        for file in files:
            with open(os.path.join(REFDATA, file)) as fh:
                cases = json.load(fh)["cases"]
            for case in cases:
                att = case["attributes_effective"]
                if att["direction"] == "forward" or att["layout"] != 0 or att["clip"] is not None:
                    continue
                if "P" in case["inputs"] or "sequence_lens" in case["inputs"]:
                    continue
                used.append(case["name"])
                worst = max(worst, check_one_onnx_case(cell, case))
    if not used:
        sys.exit("ANCHOR FAILED: no reverse ONNX case found in refdata")
    return worst, used


def check_one_onnx_case(cell, case):
    """One ONNX-layout case, batch element by batch element. A bidirectional node is our
    one-layer bidirectional stack (run_stack); a reverse node is one layer run backwards."""
    inp = {k: ref.from_tensor(v) for k, v in case["inputs"].items()}
    dims = case["dims"]
    dirs, hid, g = dims["num_directions"], dims["hidden_size"], ref.GATE_BLOCKS[cell]
    bias = inp.get("B", np.zeros((dirs, 2 * g * hid)))
    per = [
        {
            "weight_ih": onnx_to_torch_blocks(cell, inp["W"][d]),
            "weight_hh": onnx_to_torch_blocks(cell, inp["R"][d]),
            "bias_ih": onnx_to_torch_blocks(cell, bias[d][: g * hid]),
            "bias_hh": onnx_to_torch_blocks(cell, bias[d][g * hid :]),
        }
        for d in range(dirs)
    ]
    zeros = np.zeros((dirs, dims["batch_size"], hid))
    init_h = inp.get("initial_h", zeros)
    init_c = inp.get("initial_c", zeros)
    exp = {k: ref.from_tensor(v) for k, v in case["expected_f64"].items()}
    worst = 0.0
    for b in range(dims["batch_size"]):
        xb = inp["X"][:, b, :]
        if dirs == 2:
            params = {
                f"{name}_{ref.layer_suffix(0, d == 1)}": per[d][name]
                for d in range(2)
                for name in ref.PARAM_NAMES
            }
            run = ref.run_stack(cell, 1, True, params, xb, init_h[:, b], init_c[:, b])
            hs = [tr["h"] for tr in run["traces"]]
            h_n = run["h_n"]
            c_n = run.get("c_n")
            y_both = np.concatenate([exp["Y"][:, d, b, :] for d in range(2)], axis=1)
            worst = max(worst, rel_err(run["output"], y_both))
        else:
            tr = ref.run_layer(cell, per[0], xb, init_h[0, b], init_c[0, b], reverse=True)
            hs, h_n = [tr["h"]], [tr["h"][0]]
            c_n = [tr["c"][0]] if cell == "lstm" else None
        for d in range(dirs):
            worst = max(worst, rel_err(hs[d], exp["Y"][:, d, b, :]))
            worst = max(worst, rel_err(h_n[d], exp["Y_h"][d, b]))
            if cell == "lstm":
                worst = max(worst, rel_err(c_n[d], exp["Y_c"][d, b]))
    if worst > ANCHOR_TOL:
        sys.exit(f"ANCHOR FAILED: refdata {case['name']}: {worst:.3e}")
    return worst


# --------------------------------------------------------------------------------------
# Cross-check: onnx.reference (optional)


def check_onnx_reference(case, params, x, h0, c0, run):
    """Worst error of our run against onnx.reference on every layer-direction's h and final
    states and on the output; None when onnx is not installed."""
    try:
        from onnx.reference import ReferenceEvaluator
    except ImportError:
        return None
    cell, layers, bidir = case["cell"], case["layers"], case["bidir"]
    model, last = ref.onnx_stack_graph(cell, layers, bidir, params, h0, c0, case["T"], case["D"])
    sess = ReferenceEvaluator(model)
    names = [o.name for o in model.graph.output]
    got = dict(zip(names, sess.run(None, {"X": x[:, None, :]})))
    dirs = 2 if bidir else 1
    worst = rel_err(run["output"], got[last][:, 0, :])
    for layer in range(layers):
        for d in range(dirs):
            k = layer * dirs + d
            worst = max(worst, rel_err(run["traces"][k]["h"], got[f"Y_{layer}"][:, d, 0, :]))
            worst = max(worst, rel_err(run["h_n"][k], got[f"Yh_{layer}"][d, 0]))
            if cell == "lstm":
                worst = max(worst, rel_err(run["c_n"][k], got[f"Yc_{layer}"][d, 0]))
    return worst


# --------------------------------------------------------------------------------------
# The JSON


def tags(case):
    t = ["bidirectional" if case["bidir"] else "unidirectional"]
    t.append("nonzero_initial_state" if case["init"] else "zero_initial_state")
    if case["T"] >= 50:
        t.append("long_sequence")
    if case["layers"] == 4:
        t.append("max_layers")
    if case["layers"] == 1:
        t.append("single_layer")
    return t


def case_json(case, params, x, h0, c0, run):
    cell, dirs = case["cell"], 2 if case["bidir"] else 1
    order = ref.layer_directions(case["layers"], case["bidir"])
    traces = []
    for (layer, rev), tr in zip(order, run["traces"]):
        traces.append(
            {
                "name": ref.layer_suffix(layer, rev),
                "layer": layer,
                "reverse": rev,
                "series": {s: ref.tensor(tr[s]) for s in ref.SERIES[cell]},
            }
        )
    expected = {
        "traces": traces,
        "output": ref.tensor(run["output"]),
        "h_n": ref.tensor(run["h_n"]),
    }
    out = {
        "id": case["id"],
        "cell": cell,
        "num_layers": case["layers"],
        "bidirectional": case["bidir"],
        "dims": {
            "seq_len": case["T"],
            "batch": 1,
            "input_size": case["D"],
            "hidden_size": case["H"],
            "num_directions": dirs,
        },
        "zero_initial_state": not case["init"],
        "tags": tags(case),
        "generation": {
            "rng": "numpy.random.default_rng",
            "seed": case["seed"],
            "recipe": recipe(case),
        },
        "params": {k: ref.tensor(v, "float32") for k, v in params.items()},
        "x": ref.tensor(x, "float32"),
        "h0": ref.tensor(h0, "float32"),
    }
    if cell == "lstm":
        out["c0"] = ref.tensor(c0, "float32")
        expected["c_n"] = ref.tensor(run["c_n"])
    out["expected"] = expected
    return out


def main():
    worst_torch, n_torch = check_refdata_torch()
    print(f"anchor 1, refdata torch single-layer cases: {n_torch} values, worst {worst_torch:.2e}")
    worst_rev, used = check_refdata_onnx_reverse()
    print(f"anchor 2, refdata reverse/bidirectional ({', '.join(used)}): worst {worst_rev:.2e}")

    cases, worst_onnx = [], None
    for case in CASES:
        params, x, h0, c0 = draw(case)
        run = ref.run_stack(case["cell"], case["layers"], case["bidir"], params, x, h0, c0)
        w = check_onnx_reference(case, params, x, h0, c0, run)
        if w is None:
            print(f"{case['id']}: onnx not installed, onnx.reference cross-check skipped")
        else:
            print(f"{case['id']}: onnx.reference worst {w:.2e}")
            if w > ANCHOR_TOL:
                sys.exit(f"CROSS-CHECK FAILED: {case['id']} vs onnx.reference: {w:.3e}")
            worst_onnx = max(worst_onnx or 0.0, w)
        cases.append(case_json(case, params, x, h0, c0, run))
    if worst_onnx is not None:
        print(f"onnx.reference: worst {worst_onnx:.2e}")

    doc = {
        "format": "gatescope-stack-golden/v1",
        "description": (
            "Stacked / bidirectional nn.LSTM, nn.GRU, nn.RNN(tanh) forward traces, batch 1, "
            "float64 from float32 inputs. See README.md."
        ),
        "generated_by": "tests/data/stack/make.py",
        "cases": cases,
    }
    with open(OUT, "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
