"""Reads a safetensors file that gatescope wrote, with the Python `safetensors` package,
and compares it with what the Rust test expects:

    python3 check.py FILE EXPECTED.json

EXPECTED.json: {"metadata": {...}, "tensors": {name: {"shape": [...], "bits": [u32...]}}}.
Prints one line; exits non-zero on the first difference.
"""

import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

path, expected_path = sys.argv[1], sys.argv[2]
expected = json.load(open(expected_path))
tensors = load_file(path)


def fail(msg):
    print(f"check.py: {msg}")
    sys.exit(1)


if sorted(tensors) != sorted(expected["tensors"]):
    fail(f"names {sorted(tensors)} != {sorted(expected['tensors'])}")
for name, want in expected["tensors"].items():
    arr = tensors[name]
    if arr.dtype != np.float32:
        fail(f"{name}: dtype {arr.dtype}, expected float32")
    if list(arr.shape) != want["shape"]:
        fail(f"{name}: shape {list(arr.shape)}, expected {want['shape']}")
    bits = arr.view(np.uint32).ravel().tolist()
    if bits != want["bits"]:
        fail(f"{name}: values differ")
with safe_open(path, framework="np") as f:
    meta = f.metadata()
if meta != expected["metadata"]:
    fail(f"metadata {meta} != {expected['metadata']}")
print(f"check.py: ok, {len(tensors)} tensors and metadata {meta}")
