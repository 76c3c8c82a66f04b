using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes.Batching;

namespace Serving.Core.Tests.Runtimes.Batching;

public sealed class RuntimeBatchingTests
{
    private static RuntimeBatching For(string model, BatchingOptions options) =>
        new(name => name == model ? options : null);

    [Fact]
    public void A_model_with_batching_on_is_wrapped()
    {
        using var inner = new RecordingRuntime();

        using var wrapped = For("m", new BatchingOptions { Enabled = true }).Wrap("m", 1, inner);

        Assert.Same(inner, Assert.IsType<BatchingRuntime>(wrapped).Inner);
    }

    [Fact]
    public void Models_with_batching_off_or_without_settings_are_served_bare()
    {
        using var inner = new RecordingRuntime();
        var batching = For("m", new BatchingOptions { Enabled = false });

        Assert.Same(inner, batching.Wrap("m", 1, inner));
        Assert.Same(inner, batching.Wrap("other", 1, inner));
    }

    [Fact]
    public void An_artifact_whose_outputs_have_no_batch_dimension_is_served_bare()
    {
        using var inner = new RecordingRuntime { Outputs = [new TensorSpec { Name = "y", Datatype = "FP32", Shape = [3] }] };

        Assert.Same(inner, For("m", new BatchingOptions { Enabled = true }).Wrap("m", 1, inner));
    }
}
