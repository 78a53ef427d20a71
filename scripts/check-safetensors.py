"""Reads a digits model with the Python `safetensors` package and checks names, shapes and values.

Usage: python check-safetensors.py MODEL.safetensors
The values are compared with the bytes of the file parsed independently (JSON header + raw little-endian
float32), and the names and shapes with what the architecture must hold: `default` (the classifier) or
`line` (the line reader, LineReader.swift).
"""
import hashlib
import json
import struct
import sys

import numpy as np
from safetensors.numpy import load_file

path = sys.argv[1]
tensors = load_file(path)
with open(path, "rb") as f:
    raw = f.read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8 : 8 + n])
meta = header.pop("__metadata__", {})
body = raw[8 + n :]
# Outputs: the ten digits, and for a model that reads pages "not a digit" and "several digits" too.
classes = int(meta.get("classes", "10"))

architecture = meta.get("architecture")
expected = {}


def conv_bn(i, shape):
    """A convolution at layer i and its BatchNorm at i + 1."""
    expected[f"layers.{i}.weight"] = shape
    for name in ("weight", "bias", "running_mean", "running_var"):
        expected[f"layers.{i + 1}.{name}"] = (shape[0],)


problems = []
if architecture == "line":
    # 3x3 32, pool, 3x3 64, pool, 3x3 64, 3x3 64, 7x7 128 (each with BatchNorm), then a 1x1 convolution to
    # the ten digits and blank.
    for i, shape in {0: (32, 1, 3, 3), 4: (64, 32, 3, 3), 8: (64, 64, 3, 3), 11: (64, 64, 3, 3), 14: (128, 64, 7, 7)}.items():
        conv_bn(i, shape)
    expected["layers.18.weight"] = (11, 128, 1, 1)
    expected["layers.18.bias"] = (11,)
    if classes != 11:
        problems.append(f"classes is {classes}")
else:
    # The default architecture: conv weights, BatchNorm statistics, dense layers (see Architecture.swift).
    for i, shape in {0: (32, 1, 3, 3), 3: (32, 32, 3, 3), 6: (32, 32, 5, 5), 10: (64, 32, 3, 3), 13: (64, 64, 3, 3), 16: (64, 64, 5, 5)}.items():
        conv_bn(i, shape)
    expected["layers.21.weight"] = (128, 1024)
    for name in ("weight", "bias", "running_mean", "running_var"):
        expected[f"layers.22.{name}"] = (128,)
    expected["layers.25.weight"] = (classes, 128)
    expected["layers.25.bias"] = (classes,)
    if classes not in (10, 12):
        problems.append(f"classes is {classes}")
    if architecture != "default":
        problems.append(f"architecture is {architecture!r}")
members = int(meta.get("members", "1"))
names = set(tensors)
want = {(f"member{k}." if members > 1 else "") + key: shape for k in range(members) for key, shape in expected.items()}
if names != set(want):
    problems.append(f"names differ: missing {sorted(set(want) - names)[:5]}, unexpected {sorted(names - set(want))[:5]}")
digest = hashlib.sha256()       # over the values safetensors returned, in file order
independent_digest = hashlib.sha256()  # over the file's raw data section, in the same order
for name in sorted(tensors, key=lambda n: header[n]["data_offsets"][0]):
    array = tensors[name]
    if name in want and array.shape != want[name]:
        problems.append(f"{name}: shape {array.shape}, expected {want[name]}")
    if array.dtype != np.float32:
        problems.append(f"{name}: dtype {array.dtype}")
    start, end = header[name]["data_offsets"]
    independent = np.frombuffer(body[start:end], dtype="<f4").reshape(header[name]["shape"])
    if not np.array_equal(array, independent):
        problems.append(f"{name}: values differ from the file's bytes")
    if not np.all(np.isfinite(array)):
        problems.append(f"{name}: non-finite values")
    digest.update(array.astype("<f4").tobytes())
    independent_digest.update(body[start:end])

if digest.hexdigest() != independent_digest.hexdigest():
    problems.append(f"checksum of the values {digest.hexdigest()} differs from the file's {independent_digest.hexdigest()}")

if problems:
    print("\n".join(f"{path}: {p}" for p in problems))
    sys.exit(1)
total = sum(a.size for a in tensors.values())
print(f"{path}: {len(tensors)} tensors, {total} values, sha256 of values {digest.hexdigest()[:16]}…, "
      f"epoch {meta.get('epoch')}, test accuracy {meta.get('test_accuracy')}: read by safetensors {__import__('safetensors').__version__}")
