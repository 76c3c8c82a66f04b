#!/usr/bin/env python3
"""Writes an ONNX MLP of the digits shape (64 pixels -> hidden -> hidden -> 10 class probabilities), float32, for
the batching benchmark, and the digits data as a headered CSV for `serving package --train-data`.

The weights are drawn from a fixed seed, not trained: what batching changes is the cost of a call, and that depends
on the shapes, not on the values. Pure Python (no numpy or onnx needed): the ONNX protobuf is written by hand.

    make_mlp.py <out.onnx> <digits.csv.gz> <out.csv> [hidden]     (hidden defaults to 1024)
"""
import gzip
import random
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire, payload):
    return varint((number << 3) | wire) + payload


def vint(number, n):
    return field(number, 0, varint(n))


def blob(number, data):
    if isinstance(data, str):
        data = data.encode()
    return field(number, 2, varint(len(data)) + data)


FLOAT = 1


def tensor(name, dims, values):
    # TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian floats)
    return b"".join(vint(1, d) for d in dims) + vint(2, FLOAT) + blob(8, name) + blob(9, struct.pack(f"<{len(values)}f", *values))


def value_info(name, dims):
    # ValueInfoProto{name = 1, type = 2: TypeProto{tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1 | dim_param = 2}}}}}
    shape = b"".join(blob(1, blob(2, "batch") if d < 0 else vint(1, d)) for d in dims)
    return blob(1, name) + blob(2, blob(1, vint(1, FLOAT) + blob(2, shape)))


def node(op, inputs, outputs, attributes=b""):
    # NodeProto: input = 1, output = 2, op_type = 4, attribute = 5
    return b"".join(blob(1, i) for i in inputs) + b"".join(blob(2, o) for o in outputs) + blob(4, op) + attributes


def int_attribute(name, value):
    # AttributeProto: name = 1, i = 3, type = 20 (INT = 2)
    return blob(5, blob(1, name) + vint(3, value) + vint(20, 2))


def main():
    out, digits, csv_out = sys.argv[1:4]
    hidden = int(sys.argv[4]) if len(sys.argv) > 4 else 1024
    rng = random.Random(15)
    sizes = [64, hidden, hidden, 10]
    initializers, nodes = [], []
    current = "pixels"
    for layer in range(3):
        fan_in, fan_out = sizes[layer], sizes[layer + 1]
        scale = (2.0 / fan_in) ** 0.5
        w, b = f"w{layer}", f"b{layer}"
        initializers.append(tensor(w, [fan_in, fan_out], [rng.gauss(0, scale) for _ in range(fan_in * fan_out)]))
        initializers.append(tensor(b, [fan_out], [0.0] * fan_out))
        nodes.append(node("Gemm", [current, w, b], [f"z{layer}"]))
        current = f"z{layer}"
        if layer < 2:
            nodes.append(node("Relu", [current], [f"a{layer}"]))
            current = f"a{layer}"
    nodes.append(node("Softmax", [current], ["probabilities"], int_attribute("axis", 1)))

    # GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12
    graph = (b"".join(blob(1, n) for n in nodes) + blob(2, "digits_mlp") + b"".join(blob(5, t) for t in initializers)
             + blob(11, value_info("pixels", [-1, 64])) + blob(12, value_info("probabilities", [-1, 10])))
    # ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (domain = 1, version = 2)
    model = vint(1, 8) + blob(2, "loadtests/batching/make_mlp.py") + blob(7, graph) + blob(8, blob(1, "") + vint(2, 13))
    with open(out, "wb") as f:
        f.write(model)

    with gzip.open(digits, "rt") as f, open(csv_out, "w") as o:
        o.write(",".join([f"pixel{i}" for i in range(64)] + ["target"]) + "\n")
        for line in f:
            if line.strip():
                o.write(line.strip() + "\n")


if __name__ == "__main__":
    main()
