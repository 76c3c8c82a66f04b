using Serving.Core.Contracts;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxModelRuntimeRunTests
{
    private const string Linear = "linear_fp32.onnx";

    [Fact]
    public async Task A_linear_model_computes_what_numpy_computed()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());

        var outputs = await runtime.RunAsync(OnnxFixtures.Inputs(Linear), ["y", "total"], TestContext.Current.CancellationToken);

        TensorAssert.Close(OnnxFixtures.Output(Linear, "y"), outputs[0]);
        TensorAssert.Close(OnnxFixtures.Output(Linear, "total"), outputs[1]);
    }

    [Fact]
    public async Task Outputs_come_back_in_the_order_asked_for()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());

        var outputs = await runtime.RunAsync(OnnxFixtures.Inputs(Linear), ["total", "y"], TestContext.Current.CancellationToken);

        Assert.Equal(["total", "y"], outputs.Select(o => o.Name));
    }

    [Fact]
    public void No_output_names_asks_for_every_tensor_output()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());

        var outputs = runtime.Run(OnnxFixtures.Inputs(Linear), []);

        Assert.Equal(["y", "total"], outputs.Select(o => o.Name));
    }

    [Fact]
    public void A_pytorch_export_computes_what_torch_computed()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("torch_mlp.onnx"), new OnnxRuntimeOptions());

        var outputs = runtime.Run(OnnxFixtures.Inputs("torch_mlp.onnx"), ["probabilities"]);

        TensorAssert.Close(OnnxFixtures.Output("torch_mlp.onnx", "probabilities"), Assert.Single(outputs));
    }

    [Fact]
    public void The_tensor_output_of_a_model_with_a_zipmap_still_runs()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("zipmap_classifier.onnx"), new OnnxRuntimeOptions());

        var outputs = runtime.Run(OnnxFixtures.Inputs("zipmap_classifier.onnx"), ["label"]);

        TensorAssert.Identical(OnnxFixtures.Output("zipmap_classifier.onnx", "label"), Assert.Single(outputs));
    }

    [Fact]
    public void A_batch_of_rows_gives_the_same_rows_as_one_call_per_row()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());
        var random = new Random(3);
        var rows = Enumerable.Range(0, 64).Select(_ => new[] { Next(random), Next(random), Next(random) }).ToArray();

        var batch = runtime.Run([Tensor.FromValues<float>("x", TensorDataType.FP32, [rows.Length, 3], rows.SelectMany(r => r).ToArray())], ["y"])[0];

        // ONNX Runtime may compute one row and 64 rows with different kernels, which need not round alike on every
        // x64 CPU; a row mixed up with another would be off by far more than 1e-5 (relative), as rows are random.
        Assert.Equal([64L, 2L], batch.Shape);
        for (var i = 0; i < rows.Length; i++)
        {
            var single = runtime.Run([Tensor.FromValues<float>("x", TensorDataType.FP32, [1, 3], rows[i])], ["y"])[0].AsSpan<float>().ToArray();
            var fromBatch = batch.AsSpan<float>().Slice(i * 2, 2).ToArray();
            Assert.True(
                single.Zip(fromBatch).All(p => Math.Abs(p.First - p.Second) <= 1e-5 * Math.Max(1, Math.Abs(p.First))),
                $"row {i}: alone [{string.Join(", ", single)}], in the batch [{string.Join(", ", fromBatch)}]");
        }
    }

    [Fact]
    public void A_batch_of_zero_rows_gives_an_empty_output()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());

        var output = runtime.Run([Tensor.FromBytes("x", TensorDataType.FP32, [0, 3], [])], ["y"])[0];

        Assert.Equal([0L, 2L], output.Shape);
        Assert.Empty(output.Data);
    }

    [Fact]
    public void Sessions_in_parallel_execution_mode_compute_the_same_numbers()
    {
        var options = new OnnxRuntimeOptions { ExecutionMode = OnnxExecutionMode.Parallel, InterOpNumThreads = 2, IntraOpNumThreads = 2 };
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), options);

        var outputs = runtime.Run(OnnxFixtures.Inputs(Linear), ["y"]);

        TensorAssert.Close(OnnxFixtures.Output(Linear, "y"), outputs[0]);
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_call_before_it_runs()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(Linear), new OnnxRuntimeOptions());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await runtime.RunAsync(OnnxFixtures.Inputs(Linear), ["y"], new CancellationToken(canceled: true)));
    }

    private static float Next(Random random) => (float)(random.NextDouble() * 20 - 10);
}
