using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxRuntimeFactoryTests
{
    [Fact]
    public void The_factory_serves_the_onnx_format()
    {
        Assert.Equal("onnx", new OnnxRuntimeFactory().Format);
    }

    [Fact]
    public void Loading_a_file_gives_a_runtime_over_it()
    {
        using var runtime = new OnnxRuntimeFactory().Load(OnnxFixtures.PathOf("linear_fp32.onnx"));

        Assert.IsType<OnnxModelRuntime>(runtime);
        Assert.Equal("x", runtime.Inputs[0].Name);
    }

    [Fact]
    public void A_corrupt_file_is_a_model_load_exception_that_names_the_file()
    {
        var path = OnnxFixtures.PathOf("corrupt.onnx");

        var error = Assert.Throws<ModelLoadException>(() => new OnnxRuntimeFactory().Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("could not load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_model_load_exception_that_says_so()
    {
        var error = Assert.Throws<ModelLoadException>(() => new OnnxRuntimeFactory().Load(OnnxFixtures.PathOf("absent.onnx")));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_factory_is_made()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxRuntimeFactory(new OnnxRuntimeOptions { IntraOpNumThreads = -1 }));

        Assert.Contains("IntraOpNumThreads", error.Message, StringComparison.Ordinal);
    }
}
