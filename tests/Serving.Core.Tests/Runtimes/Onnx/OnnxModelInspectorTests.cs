using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxModelInspectorTests
{
    [Fact]
    public void Inspect_lists_tensor_inputs_outputs_and_the_non_tensor_outputs_apart()
    {
        var info = OnnxModelInspector.Inspect(OnnxFixtures.PathOf("zipmap_classifier.onnx"));

        Assert.Equal(["scores"], info.Inputs.Select(i => i.Name));
        Assert.Equal(["label"], info.Outputs.Select(o => o.Name));
        Assert.Equal(["probabilities"], info.NonTensorOutputs);
    }

    [Fact]
    public void Inspect_agrees_with_the_loaded_runtime()
    {
        var info = OnnxModelInspector.Inspect(OnnxFixtures.PathOf("torch_mlp.onnx"));
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("torch_mlp.onnx"), new OnnxRuntimeOptions());

        Assert.Equal(runtime.Inputs, info.Inputs, (a, b) => a.Name == b.Name && a.Datatype == b.Datatype && a.Shape.SequenceEqual(b.Shape));
        Assert.Equal(runtime.Outputs, info.Outputs, (a, b) => a.Name == b.Name && a.Datatype == b.Datatype && a.Shape.SequenceEqual(b.Shape));
    }

    [Fact]
    public void Inspect_of_a_corrupt_file_is_a_model_load_exception()
    {
        Assert.Throws<ModelLoadException>(() => OnnxModelInspector.Inspect(OnnxFixtures.PathOf("corrupt.onnx")));
    }
}
