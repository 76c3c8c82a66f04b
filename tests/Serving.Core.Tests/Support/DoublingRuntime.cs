using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Support;

/// <summary>
/// A runtime with one FP32 input <c>x</c> [-1,3] and one FP32 output <c>y</c> [-1,3] = 2x. It stands in for a
/// real artifact where the registry, not the runtime, is under test; it counts disposals.
/// </summary>
internal sealed class DoublingRuntime : IModelRuntime
{
    private int _disposed;

    public DoublingRuntime(float factor = 2) => Factor = factor;

    /// <summary>What inputs are multiplied by: 2 unless the artifact asked for another.</summary>
    public float Factor { get; }

    public IReadOnlyList<TensorSpec> Inputs { get; } = [new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, 3] }];

    public IReadOnlyList<TensorSpec> Outputs { get; } = [new TensorSpec { Name = "y", Datatype = "FP32", Shape = [-1, 3] }];

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public Func<Task>? BeforeRun { get; set; }

    public async ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (BeforeRun is { } hook)
        {
            await hook();
        }

        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var x = inputs[0].AsSpan<float>();
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = Factor * x[i];
        }

        return [Tensor.FromValues("y", TensorDataType.FP32, inputs[0].Shape, (ReadOnlySpan<float>)y)];
    }

    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
