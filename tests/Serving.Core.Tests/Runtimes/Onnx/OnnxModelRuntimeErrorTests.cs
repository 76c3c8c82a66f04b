using Serving.Core.Contracts;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxModelRuntimeErrorTests : IDisposable
{
    private readonly OnnxModelRuntime _runtime =
        OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

    public void Dispose() => _runtime.Dispose();

    [Fact]
    public void A_shape_the_graph_does_not_accept_is_a_bad_request_with_the_onnx_runtime_message()
    {
        var input = Tensor.FromValues<float>("x", TensorDataType.FP32, [1, 4], [1f, 2f, 3f, 4f]);

        var error = Assert.Throws<InferenceException>(() => _runtime.Run([input], ["y"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("invalid dimensions", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_datatype_other_than_the_graph_declares_is_a_bad_request_naming_both()
    {
        var input = Tensor.FromValues<double>("x", TensorDataType.FP64, [1, 3], [1d, 2d, 3d]);

        var error = Assert.Throws<InferenceException>(() => _runtime.Run([input], ["y"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("FP64", error.Message, StringComparison.Ordinal);
        Assert.Contains("FP32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_shorter_than_the_shape_needs_is_a_bad_request_not_a_read_past_the_buffer()
    {
        var input = Tensor.FromValues<float>("x", TensorDataType.FP32, [2, 3], [1f, 2f, 3f]);

        var error = Assert.Throws<InferenceException>(() => _runtime.Run([input], ["y"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("needs 24", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_name_the_graph_lacks_is_a_bad_request()
    {
        var input = Tensor.FromValues<float>("z", TensorDataType.FP32, [1, 3], [1f, 2f, 3f]);

        var error = Assert.Throws<InferenceException>(() => _runtime.Run([input], ["y"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("'z'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_name_the_graph_lacks_is_a_bad_request()
    {
        var error = Assert.Throws<InferenceException>(() => _runtime.Run(OnnxFixtures.Inputs("linear_fp32.onnx"), ["nope"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_surfaces_as_an_inference_exception_with_the_onnx_runtime_message()
    {
        using var concat = OnnxModelRuntime.Load(OnnxFixtures.PathOf("concat_FP32.onnx"), new OnnxRuntimeOptions());
        var onlyA = OnnxFixtures.Inputs("concat_FP32.onnx").Where(t => t.Name == "a").ToArray();

        var error = Assert.Throws<InferenceException>(() => concat.Run(onlyA, ["both"]));

        Assert.Contains("b", error.Message, StringComparison.Ordinal);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void Asking_for_a_zipmap_output_is_a_bad_request_that_says_it_is_not_a_tensor()
    {
        using var zipmap = OnnxModelRuntime.Load(OnnxFixtures.PathOf("zipmap_classifier.onnx"), new OnnxRuntimeOptions());

        var error = Assert.Throws<InferenceException>(() => zipmap.Run(OnnxFixtures.Inputs("zipmap_classifier.onnx"), ["probabilities"]));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Contains("not a tensor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_keeps_serving_after_a_bad_request()
    {
        Assert.Throws<InferenceException>(() => _runtime.Run([Tensor.FromValues<float>("x", TensorDataType.FP32, [1, 4], [1f, 2f, 3f, 4f])], ["y"]));

        var outputs = _runtime.Run(OnnxFixtures.Inputs("linear_fp32.onnx"), ["y"]);

        TensorAssert.Close(OnnxFixtures.Output("linear_fp32.onnx", "y"), outputs[0]);
    }
}
