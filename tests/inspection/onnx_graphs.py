"""Tiny real ONNX graphs built with the onnx helper API, run by the real onnxruntime."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def constant_output_model(output: np.ndarray, input_shape: list[int | str]) -> bytes:
    """A detector stand-in: takes an image tensor and answers a fixed raw YOLO output."""
    const = helper.make_node("Constant", [], ["raw"], value=numpy_helper.from_array(output.astype(np.float32), "raw_value"))
    # Image x 0 summed, added to the constant: the input feeds the graph, the output is exact.
    zero = helper.make_node("Constant", [], ["zero"], value=numpy_helper.from_array(np.zeros((), np.float32), "zero_value"))
    scaled = helper.make_node("Mul", ["images", "zero"], ["scaled"])
    total = helper.make_node("ReduceSum", ["scaled"], ["nothing"], keepdims=0)
    add = helper.make_node("Add", ["raw", "nothing"], ["output0"])
    graph = helper.make_graph(
        [const, zero, scaled, total, add], "yolo_stub",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def brightness_classifier(height: int = 16, width: int = 16) -> bytes:
    """Two classes (normal, defect): logits (5 - 10 m, 10 m - 5) for mean brightness m."""
    mean = helper.make_node("ReduceMean", ["image"], ["mean"], axes=[1, 2, 3], keepdims=1)
    flat = helper.make_node("Flatten", ["mean"], ["flat"], axis=1)
    weights = numpy_helper.from_array(np.array([[-10.0, 10.0]], np.float32), "w")
    bias = numpy_helper.from_array(np.array([5.0, -5.0], np.float32), "b")
    gemm = helper.make_node("Gemm", ["flat", "w", "b"], ["logits"])
    softmax = helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1)
    graph = helper.make_graph(
        [mean, flat, gemm, softmax], "brightness",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, height, width])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 2])],
        initializer=[weights, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def fails_when_bright(height: int = 16, width: int = 16) -> bytes:
    """The brightness classifier, but its bias row is gathered at an index that depends on the
    pixels: 0 for mean brightness up to 0.8, 5 (out of the 2-row table) above, so that
    onnxruntime itself fails the run (the registration's blank grey image passes)."""
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["mean"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Flatten", ["mean"], ["flat"], axis=1),
        helper.make_node("ReduceMean", ["image"], ["level"], axes=[0, 1, 2, 3], keepdims=0),
        helper.make_node("Greater", ["level", "limit"], ["bright"]),
        helper.make_node("Cast", ["bright"], ["flag"], to=TensorProto.INT64),
        helper.make_node("Mul", ["flag", "five"], ["row"]),
        helper.make_node("Gather", ["biases", "row"], ["b"], axis=0),
        helper.make_node("Gemm", ["flat", "w", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    ]
    initializers = [
        numpy_helper.from_array(np.array([[-10.0, 10.0]], np.float32), "w"),
        numpy_helper.from_array(np.array([[5.0, -5.0], [5.0, -5.0]], np.float32), "biases"),
        numpy_helper.from_array(np.array(0.8, np.float32), "limit"),
        numpy_helper.from_array(np.array(5, np.int64), "five"),
    ]
    graph = helper.make_graph(
        nodes, "fragile_brightness",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, height, width])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, 2])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()
