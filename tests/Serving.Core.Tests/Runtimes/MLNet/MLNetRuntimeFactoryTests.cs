using Serving.Core.Runtimes;
using Serving.Core.Runtimes.MLNet;

namespace Serving.Core.Tests.Runtimes.MLNet;

public sealed class MLNetRuntimeFactoryTests : IDisposable
{
    private readonly MLNetTrainedModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public void The_factory_serves_the_mlnet_format()
    {
        Assert.Equal("mlnet", new MLNetRuntimeFactory().Format);
    }

    [Fact]
    public void Loading_a_saved_model_gives_a_runtime_over_it()
    {
        using var runtime = new MLNetRuntimeFactory().Load(_models.Regression().Path);

        Assert.IsType<MLNetModelRuntime>(runtime);
        Assert.Equal("Score", Assert.Single(runtime.Outputs).Name);
    }

    [Fact]
    public void A_file_that_is_not_a_model_zip_is_a_model_load_exception_that_names_it()
    {
        var path = _models.WriteFile("model.zip", "not a zip at all"u8.ToArray());

        var error = Assert.Throws<ModelLoadException>(() => new MLNetRuntimeFactory().Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_model_load_exception_that_says_so()
    {
        var error = Assert.Throws<ModelLoadException>(() => new MLNetRuntimeFactory().Load("/nonexistent/model.zip"));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
