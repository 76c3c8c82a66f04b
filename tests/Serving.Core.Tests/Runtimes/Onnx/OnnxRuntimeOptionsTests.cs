using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxRuntimeOptionsTests
{
    [Fact]
    public void Defaults_run_each_call_on_one_thread_sequentially_with_every_optimization()
    {
        var options = new OnnxRuntimeOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(1, options.IntraOpNumThreads);
        Assert.Equal(OnnxExecutionMode.Sequential, options.ExecutionMode);
        Assert.Equal(OnnxGraphOptimizationLevel.All, options.GraphOptimizationLevel);
    }

    [Fact]
    public void Negative_thread_counts_are_reported_by_key()
    {
        var errors = new OnnxRuntimeOptions { IntraOpNumThreads = -1, InterOpNumThreads = -2 }.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("Serving:Runtimes:Onnx:IntraOpNumThreads", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Serving:Runtimes:Onnx:InterOpNumThreads", StringComparison.Ordinal));
    }

    [Fact]
    public void Undefined_enum_values_are_reported()
    {
        var errors = new OnnxRuntimeOptions { ExecutionMode = (OnnxExecutionMode)7, GraphOptimizationLevel = (OnnxGraphOptimizationLevel)9 }.Validate();

        Assert.Equal(2, errors.Count);
    }
}
