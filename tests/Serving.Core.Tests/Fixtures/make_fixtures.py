#!/usr/bin/python3
"""Makes the small ONNX models the runtime tests load, and the outputs numpy/torch expect for them.

Run with Debian's interpreter (it has onnx 1.12, numpy and torch 1.13):
    /usr/bin/python3 tests/Serving.Core.Tests/Fixtures/make_fixtures.py
The .onnx files and expected.json are committed, so the tests never need Python.

expected.json holds, per model, named input and output tensors as
{"datatype": OIP name, "shape": [...], "data": base64 of little-endian row-major bytes}
or, for BYTES, {"datatype": "BYTES", "shape": [...], "elements": [utf-8 strings]}.
"""
import base64
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Onnx")
OPSET = [helper.make_opsetid("", 13)]
BATCH = "batch"

# OIP datatype -> (ONNX element type, numpy dtype used for the bytes, or None for strings/bf16).
TYPES = {
    "BOOL": (TensorProto.BOOL, np.bool_),
    "UINT8": (TensorProto.UINT8, np.uint8),
    "UINT16": (TensorProto.UINT16, np.uint16),
    "UINT32": (TensorProto.UINT32, np.uint32),
    "UINT64": (TensorProto.UINT64, np.uint64),
    "INT8": (TensorProto.INT8, np.int8),
    "INT16": (TensorProto.INT16, np.int16),
    "INT32": (TensorProto.INT32, np.int32),
    "INT64": (TensorProto.INT64, np.int64),
    "FP16": (TensorProto.FLOAT16, np.float16),
    "FP32": (TensorProto.FLOAT, np.float32),
    "FP64": (TensorProto.DOUBLE, np.float64),
    "BF16": (TensorProto.BFLOAT16, np.uint16),  # numpy has no bfloat16: carry the raw 16-bit patterns
    "BYTES": (TensorProto.STRING, None),
}


def encode(datatype, array):
    entry = {"datatype": datatype, "shape": list(array.shape)}
    if datatype == "BYTES":
        entry["elements"] = [s for s in array.reshape(-1).tolist()]
    else:
        entry["data"] = base64.b64encode(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).decode()
    return entry


def save(model, name):
    model.ir_version = 8  # what onnx 1.12 writes for opset 13; ONNX Runtime 1.31 reads it
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def linear():
    """FP32 [N,3] -> y = x @ W + b  [N,2], and total = sum of y per row [N,1]."""
    w = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], dtype=np.float32)
    b = np.array([0.1, -0.2], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "B"], ["y"]),
            helper.make_node("ReduceSum", ["y", "axes"], ["total"], keepdims=1),
        ],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, 3])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, [BATCH, 2]),
            helper.make_tensor_value_info("total", TensorProto.FLOAT, [BATCH, 1]),
        ],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "B"),
         numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")],
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="make_fixtures"), "linear_fp32.onnx")
    x = np.array([[1.0, 2.0, 3.0], [-1.5, 0.0, 4.25], [0.0, 0.0, 0.0], [10.0, -3.0, 0.5]], dtype=np.float32)
    y = x @ w + b
    total = y.sum(axis=1, keepdims=True)
    return {"inputs": {"x": encode("FP32", x)}, "outputs": {"y": encode("FP32", y), "total": encode("FP32", total)}}


def sample(datatype, seed):
    rng = np.random.default_rng(seed)
    if datatype == "BYTES":
        words = ["alpha", "", "größe", "日本", "x y", "zeta", "42", "ünïcödé"]
        return np.array([[words[(seed + i) % len(words)] for i in range(2)] for _ in range(3)], dtype=object)
    if datatype == "BOOL":
        return rng.integers(0, 2, size=(3, 2)).astype(np.bool_)
    if datatype == "BF16":
        floats = rng.normal(size=(3, 2)).astype(np.float32)
        return (floats.view(np.uint32) >> 16).astype(np.uint16)
    dtype = TYPES[datatype][1]
    if np.issubdtype(dtype, np.floating):
        return rng.normal(scale=100, size=(3, 2)).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=(3, 2), dtype=dtype, endpoint=True)


def concat(datatype):
    """[N,2] a and b of one datatype -> both = [a | b] [N,4]; every type has a CPU Concat kernel."""
    elem = TYPES[datatype][0]
    graph = helper.make_graph(
        [helper.make_node("Concat", ["a", "b"], ["both"], axis=1)],
        f"concat_{datatype}",
        [helper.make_tensor_value_info("a", elem, [BATCH, 2]), helper.make_tensor_value_info("b", elem, [BATCH, 2])],
        [helper.make_tensor_value_info("both", elem, [BATCH, 4])],
    )
    save(helper.make_model(graph, opset_imports=OPSET, producer_name="make_fixtures"), f"concat_{datatype}.onnx")
    a, b = sample(datatype, 1), sample(datatype, 2)
    both = np.concatenate([a, b], axis=1)
    return {"inputs": {"a": encode(datatype, a), "b": encode(datatype, b)}, "outputs": {"both": encode(datatype, both)}}


def zipmap():
    """Classifier-shaped model as scikit-learn exporters make it: a tensor label and a ZipMap output."""
    map_type = onnx.TypeProto()
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    seq_type = helper.make_sequence_type_proto(map_type)
    graph = helper.make_graph(
        [
            helper.make_node("ArgMax", ["scores"], ["label"], axis=1, keepdims=0),
            helper.make_node("ZipMap", ["scores"], ["probabilities"], domain="ai.onnx.ml", classlabels_int64s=[0, 1]),
        ],
        "zipmap",
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [BATCH, 2])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [BATCH]),
         helper.make_value_info("probabilities", seq_type)],
    )
    model = helper.make_model(graph, opset_imports=OPSET + [helper.make_opsetid("ai.onnx.ml", 1)], producer_name="make_fixtures")
    save(model, "zipmap_classifier.onnx")
    scores = np.array([[0.2, 0.8], [0.9, 0.1], [0.4, 0.6]], dtype=np.float32)
    return {"inputs": {"scores": encode("FP32", scores)}, "outputs": {"label": encode("INT64", scores.argmax(axis=1))}}


def torch_mlp():
    """A tiny MLP exported by torch.onnx.export, so a file made by foreign tooling is covered."""
    torch.manual_seed(7)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1))
    net.eval()
    path = os.path.join(HERE, "torch_mlp.onnx")
    torch.onnx.export(net, torch.zeros(1, 4), path, input_names=["features"], output_names=["probabilities"],
                      dynamic_axes={"features": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=13)
    onnx.checker.check_model(onnx.load(path))
    x = torch.tensor([[0.1, -0.2, 0.3, 0.4], [1.0, 2.0, -1.0, 0.0], [-3.0, 0.5, 0.25, 2.0]], dtype=torch.float32)
    with torch.no_grad():
        y = net(x).numpy()
    return {"inputs": {"features": encode("FP32", x.numpy())}, "outputs": {"probabilities": encode("FP32", y)}}


def main():
    os.makedirs(HERE, exist_ok=True)
    expected = {"linear_fp32.onnx": linear(), "zipmap_classifier.onnx": zipmap(), "torch_mlp.onnx": torch_mlp()}
    for datatype in TYPES:
        expected[f"concat_{datatype}.onnx"] = concat(datatype)
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(HERE, "corrupt.onnx"), "wb") as f:
        f.write(b"this is not a protobuf model\x00\xff\x10")


if __name__ == "__main__":
    main()
