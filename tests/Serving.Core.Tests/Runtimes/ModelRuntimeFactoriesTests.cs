using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Tests.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes;

public sealed class ModelRuntimeFactoriesTests
{
    private readonly ModelRuntimeFactories _factories = ModelRuntimeFactories.CreateDefault(new OnnxRuntimeOptions());

    [Fact]
    public void The_default_set_loads_onnx_and_mlnet()
    {
        Assert.Equal(["mlnet", "onnx"], _factories.Formats.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_picks_the_factory_by_format()
    {
        using var runtime = _factories.Load("onnx", OnnxFixtures.PathOf("linear_fp32.onnx"));

        Assert.IsType<OnnxModelRuntime>(runtime);
    }

    [Fact]
    public void An_unknown_format_is_a_model_load_exception_listing_the_known_ones()
    {
        var error = Assert.Throws<ModelLoadException>(() => _factories.Load("pickle", "model.pkl"));

        Assert.Contains("onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_factories_for_one_format_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ModelRuntimeFactories([new OnnxRuntimeFactory(), new OnnxRuntimeFactory()]));
    }
}
