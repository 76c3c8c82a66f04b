using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Batching;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Tests.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Batching;

/// <summary>Batched calls of real ONNX graphs give each request what an unbatched call gives it.</summary>
public sealed class BatchingOnnxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static BatchingRuntime Batching(IModelRuntime inner, int rows, IBatchObserver observer) =>
        new(inner, "m", new BatchingOptions { Enabled = true, MaxBatchSize = rows, MaxQueueDelayMicroseconds = 1_000_000 }, observer, new FakeTimeProvider());

    private static Tensor Features(Random random, int rows) =>
        Tensor.FromValues("features", TensorDataType.FP32, [rows, 4], (ReadOnlySpan<float>)[.. Enumerable.Range(0, rows * 4).Select(_ => (float)(random.NextDouble() * 8))]);

    [Fact]
    public async Task The_torch_mlp_gives_each_request_of_a_merged_call_its_unbatched_probabilities()
    {
        using var inner = OnnxModelRuntime.Load(OnnxFixtures.PathOf("torch_mlp.onnx"), new OnnxRuntimeOptions());
        var observer = new RecordingBatchObserver();
        using var batching = Batching(inner, rows: 10, observer);
        var random = new Random(15);
        Tensor[] requests = [Features(random, 1), Features(random, 3), Features(random, 2), Features(random, 4)];
        string[] outputs = ["probabilities"];

        var answers = await Task.WhenAll(requests.Select(r => batching.RunAsync([r], outputs, Cancel).AsTask())).WaitAsync(Patience, Cancel);

        Assert.Equal([("m", 4, 10)], observer.Batches);
        for (var i = 0; i < requests.Length; i++)
        {
            var alone = await inner.RunAsync([requests[i]], outputs, Cancel);

            // A matrix product over more rows may sum in another order: equal within float rounding of values in [0, 1].
            TensorAssert.Close(alone[0], Assert.Single(answers[i]), tolerance: 1e-6f);
        }
    }

    [Fact]
    public async Task Bytes_inputs_merge_and_split_element_by_element()
    {
        using var inner = OnnxModelRuntime.Load(OnnxFixtures.PathOf("concat_BYTES.onnx"), new OnnxRuntimeOptions());
        var observer = new RecordingBatchObserver();
        using var batching = Batching(inner, rows: 3, observer);
        var a = OnnxFixtures.Inputs("concat_BYTES.onnx").Single(t => t.Name == "a");
        var b = OnnxFixtures.Inputs("concat_BYTES.onnx").Single(t => t.Name == "b");
        string[] outputs = ["both"];

        // The fixture's three rows as two requests: row 0, then rows 1 and 2.
        Tensor[] first = [Rows(a, 0, 1), Rows(b, 0, 1)];
        Tensor[] second = [Rows(a, 1, 2), Rows(b, 1, 2)];
        var answers = await Task.WhenAll(batching.RunAsync(first, outputs, Cancel).AsTask(), batching.RunAsync(second, outputs, Cancel).AsTask()).WaitAsync(Patience, Cancel);

        Assert.Equal([("m", 2, 3)], observer.Batches);
        TensorAssert.Identical((await inner.RunAsync(first, outputs, Cancel))[0], answers[0][0]);
        TensorAssert.Identical((await inner.RunAsync(second, outputs, Cancel))[0], answers[1][0]);
    }

    private static Tensor Rows(Tensor tensor, int from, int count)
    {
        var width = (int)tensor.Shape[1];
        return Tensor.FromElements(tensor.Name, [count, width], tensor.Elements!.AsSpan(from * width, count * width).ToArray());
    }
}
