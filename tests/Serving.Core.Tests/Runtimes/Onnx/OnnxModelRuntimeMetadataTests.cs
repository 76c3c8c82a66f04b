using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxModelRuntimeMetadataTests
{
    [Fact]
    public void Inputs_carry_graph_names_oip_datatypes_and_minus_one_for_the_symbolic_batch()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        var input = Assert.Single(runtime.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal("FP32", input.Datatype);
        Assert.Equal([-1L, 3L], input.Shape);
    }

    [Fact]
    public void Outputs_are_listed_in_graph_order_with_their_shapes()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        Assert.Equal(["y", "total"], runtime.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 2L], runtime.Outputs[0].Shape);
        Assert.Equal([-1L, 1L], runtime.Outputs[1].Shape);
        Assert.Empty(runtime.NonTensorOutputs);
    }

    [Fact]
    public void A_zipmap_output_is_left_out_of_outputs_and_named_as_non_tensor()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("zipmap_classifier.onnx"), new OnnxRuntimeOptions());

        var output = Assert.Single(runtime.Outputs);
        Assert.Equal("label", output.Name);
        Assert.Equal("INT64", output.Datatype);
        Assert.Equal([-1L], output.Shape);
        Assert.Equal(["probabilities"], runtime.NonTensorOutputs);
    }

    [Fact]
    public void A_pytorch_export_reports_its_dynamic_batch_axis()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("torch_mlp.onnx"), new OnnxRuntimeOptions());

        Assert.Equal("features", runtime.Inputs[0].Name);
        Assert.Equal([-1L, 4L], runtime.Inputs[0].Shape);
        Assert.Equal("probabilities", runtime.Outputs[0].Name);
        Assert.Equal([-1L, 3L], runtime.Outputs[0].Shape);
    }
}
