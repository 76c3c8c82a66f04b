#!/usr/bin/python3
"""Makes Onnx/lookup_fp32.onnx: a model that runs or fails depending on the values it is given.

x FP32 [N,1] is cast to an index into a 3-entry table, y FP32 [N,1] = table[x]. Indices outside 0..2 make
ONNX Runtime fail at run time, so a package whose example rows hold such a value cannot warm up, while the
same artifact with in-range examples loads. Run with Debian's interpreter (it has onnx 1.12):
    /usr/bin/python3 tests/Serving.Core.Tests/Fixtures/make_lookup_fixture.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Onnx")


def main():
    table = numpy_helper.from_array(np.array([10.0, 20.0, 30.0], dtype=np.float32), "table")
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["x"], ["index"], to=TensorProto.INT64),
            helper.make_node("Gather", ["table", "index"], ["y"], axis=0),
        ],
        "lookup",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])],
        [table],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make_lookup_fixture")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "lookup_fp32.onnx"))


if __name__ == "__main__":
    main()
