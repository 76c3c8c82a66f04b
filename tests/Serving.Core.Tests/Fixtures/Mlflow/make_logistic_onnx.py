"""Makes logistic.onnx: a logistic regression over 30 float features with the inputs and outputs the recorded
MLmodel-onnx-example declares (input [-1,30] -> probability [-1,1], label int64 [-1,1], logit [-1,1]).
Run with /usr/bin/python3 (Debian's onnx and numpy); the weights are fixed by the seed."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
w = numpy_helper.from_array(rng.normal(0, 0.1, size=(30, 1)).astype(np.float32), "w")
b = numpy_helper.from_array(np.array([0.25], dtype=np.float32), "b")
half = numpy_helper.from_array(np.array([0.5], dtype=np.float32), "half")
nodes = [
    helper.make_node("MatMul", ["input", "w"], ["xw"]),
    helper.make_node("Add", ["xw", "b"], ["logit"]),
    helper.make_node("Sigmoid", ["logit"], ["probability"]),
    helper.make_node("GreaterOrEqual", ["probability", "half"], ["positive"]),
    helper.make_node("Cast", ["positive"], ["label"], to=TensorProto.INT64),
]
graph = helper.make_graph(
    nodes, "logistic",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 30])],
    [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1]),
     helper.make_tensor_value_info("label", TensorProto.INT64, ["N", 1]),
     helper.make_tensor_value_info("logit", TensorProto.FLOAT, ["N", 1])],
    [w, b, half])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 7
onnx.checker.check_model(model)
onnx.save(model, "logistic.onnx")
