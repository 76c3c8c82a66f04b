using System.Collections.Concurrent;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;
using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Runtimes.Batching;

/// <summary>
/// A runtime with one FP32 input <c>x</c> [-1,-1] and one FP32 output <c>y</c> = 2x, that records each call it gets
/// (rows, row shape, whether it could be cancelled). A negative value is "poison": the call fails, as a model fails
/// on input it cannot take. <see cref="Gate"/>, when set, holds every call until it completes.
/// </summary>
internal sealed class RecordingRuntime : IModelRuntime
{
    private int _disposed;

    public IReadOnlyList<TensorSpec> Inputs { get; } = [new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, -1] }];

    public IReadOnlyList<TensorSpec> Outputs { get; init; } = [new TensorSpec { Name = "y", Datatype = "FP32", Shape = [-1, -1] }];

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, the output sums over the rows (leading dimension 1), so a merged call cannot be split.</summary>
    public bool SumsRows { get; init; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public IReadOnlyList<long> CallRows => [.. Calls.Select(c => c.Rows)];

    public async ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var x = inputs[0];
        Calls.Enqueue(x.Shape.Length == 0
            ? new RecordedCall(0, [], cancellationToken.CanBeCanceled)
            : new RecordedCall(x.Shape[0], [.. x.Shape[1..]], cancellationToken.CanBeCanceled));
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        var values = x.AsSpan<float>();
        foreach (var value in values)
        {
            if (value < 0)
            {
                throw new InvalidOperationException($"cannot take {value}");
            }
        }

        if (SumsRows)
        {
            var width = (int)x.Shape[1];
            var sums = new float[width];
            for (var i = 0; i < values.Length; i++)
            {
                sums[i % width] += values[i];
            }

            return [Tensor.FromValues("y", TensorDataType.FP32, [1, width], (ReadOnlySpan<float>)sums)];
        }

        var y = new float[values.Length];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = 2 * values[i];
        }

        return [Tensor.FromValues("y", TensorDataType.FP32, (long[])x.Shape.Clone(), (ReadOnlySpan<float>)y)];
    }

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}

internal sealed record RecordedCall(long Rows, long[] RowShape, bool Cancellable);
