"""Character-model fixtures in PyTorch's exact layout, with float64 references.

Writes, next to this script:
  char_lstm.json / char_lstm.safetensors  V = 6, E = 3, H = 4 LSTM under "lstm.", cell named
  char_gru.json  / char_gru.safetensors   V = 6, E = 3, H = 4 GRU under "rnn.", no cell key
                                          (inferred from 3H rows), vocab with "<unk>"
  char_expected.json                      per model: the text, token ids, x = embedding
                                          rows [T][E], h [T][H], logits [T][V], probs [T][V]

The layout is that of nn.Embedding(V, E) + nn.LSTM/nn.GRU(E, H, batch_first=True) +
nn.Linear(H, V) state_dicts (torch is not installable here, so the modules are written out
in numpy). Weights: numpy default_rng(SEED), U(-0.8, 0.8), rounded to float32 (the files
hold float32); every reference value is computed in float64 from those float32 values:

  LSTM (gates i, f, g, o):  a = W_ih x + b_ih + W_hh h + b_hh
                            c = sigmoid(f) c + sigmoid(i) tanh(g);  h = sigmoid(o) tanh(c)
  GRU  (gates r, z, n):     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z likewise,
                            n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h = (1 - z) n + z h
  logits = fc.weight h + fc.bias;  probs = softmax(logits) (max subtracted)

Requires numpy and safetensors (pip). Run: python3 make.py
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

SEED = 20240612
HERE = os.path.dirname(os.path.abspath(__file__))
E, H = 3, 4


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def make(rng, kind, vocab, prefix, cell_key):
    v, g = len(vocab), {"lstm": 4, "gru": 3}[kind]
    u = lambda *shape: rng.uniform(-0.8, 0.8, shape).astype(np.float32)
    sd = {
        "embedding.weight": u(v, E),
        f"{prefix}weight_ih_l0": u(g * H, E),
        f"{prefix}weight_hh_l0": u(g * H, H),
        f"{prefix}bias_ih_l0": u(g * H),
        f"{prefix}bias_hh_l0": u(g * H),
        "fc.weight": u(v, H),
        "fc.bias": u(v),
    }
    return sd


def run(kind, sd, prefix, ids):
    f = {k: v.astype(np.float64) for k, v in sd.items()}
    w_ih, w_hh = f[prefix + "weight_ih_l0"], f[prefix + "weight_hh_l0"]
    b_ih, b_hh = f[prefix + "bias_ih_l0"], f[prefix + "bias_hh_l0"]
    h, c = np.zeros(H), np.zeros(H)
    xs, hs, logits, probs = [], [], [], []
    for t in ids:
        x = f["embedding.weight"][t]
        if kind == "lstm":
            a = w_ih @ x + b_ih + w_hh @ h + b_hh
            i, fg, g, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
            c = sig(fg) * c + sig(i) * np.tanh(g)
            h = sig(o) * np.tanh(c)
        else:
            ax, ah = w_ih @ x + b_ih, w_hh @ h + b_hh
            r = sig(ax[:H] + ah[:H])
            z = sig(ax[H:2 * H] + ah[H:2 * H])
            n = np.tanh(ax[2 * H:] + r * ah[2 * H:])
            h = (1.0 - z) * n + z * h
        zl = f["fc.weight"] @ h + f["fc.bias"]
        e = np.exp(zl - zl.max())
        xs.append(x.tolist())
        hs.append(h.tolist())
        logits.append(zl.tolist())
        probs.append((e / e.sum()).tolist())
    return {"x": xs, "h": hs, "logits": logits, "probs": probs}


def write(name, kind, vocab, sd, cell_key):
    obj = {}
    if cell_key:
        obj["cell"] = kind
    obj["vocab"] = vocab
    obj.update({k: v.tolist() for k, v in sd.items()})
    with open(os.path.join(HERE, name + ".json"), "w") as fh:
        json.dump(obj, fh, ensure_ascii=False)
    meta = {"vocab": json.dumps(vocab)}
    if cell_key:
        meta["cell"] = kind
    save_file(sd, os.path.join(HERE, name + ".safetensors"), metadata=meta)


def main():
    rng = np.random.default_rng(SEED)
    cases = [
        ("char_lstm", "lstm", ["h", "e", "l", "o", " ", "中"], "lstm.", True, "hello 中 hole"),
        ("char_gru", "gru", ["a", "b", "c", " ", '"', "<unk>"], "rnn.", False, 'ab "cz" ba?'),
    ]
    expected = {}
    for name, kind, vocab, prefix, cell_key, text in cases:
        sd = make(rng, kind, vocab, prefix, cell_key)
        write(name, kind, vocab, sd, cell_key)
        unk = vocab.index("<unk>") if "<unk>" in vocab else None
        ids = [vocab.index(ch) if ch in vocab else unk for ch in text]
        assert None not in ids
        expected[name] = {"cell": kind, "vocab": vocab, "text": text, "tokens": ids}
        expected[name].update(run(kind, sd, prefix, ids))
    with open(os.path.join(HERE, "char_expected.json"), "w") as fh:
        json.dump(expected, fh, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
