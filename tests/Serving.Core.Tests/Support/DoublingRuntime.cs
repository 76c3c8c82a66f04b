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
    private int _checkedRuns;
    private int _runs;

    public DoublingRuntime(float factor = 2) => Factor = factor;

    /// <summary>What inputs are multiplied by: 2 unless the artifact asked for another.</summary>
    public float Factor { get; }

    public IReadOnlyList<TensorSpec> Inputs { get; init; } = [new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, 3] }];

    public IReadOnlyList<TensorSpec> Outputs { get; } = [new TensorSpec { Name = "y", Datatype = "FP32", Shape = [-1, 3] }];

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public Func<Task>? BeforeRun { get; set; }

    /// <summary>Calls made through <see cref="IModelRuntime.RunCheckedAsync"/> (inputs already checked by the data plane).</summary>
    public int CheckedRuns => Volatile.Read(ref _checkedRuns);

    /// <summary>Calls made through <see cref="RunAsync"/>.</summary>
    public int Runs => Volatile.Read(ref _runs);

    public async ValueTask<Tensor[]> RunCheckedAsync(IReadOnlyList<Tensor> inputs, CheckedCallNames names, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _checkedRuns);
        return names.NameAnswer(await RunCoreAsync(inputs, cancellationToken));
    }

    public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        return RunCoreAsync(inputs, cancellationToken);
    }

    private async ValueTask<Tensor[]> RunCoreAsync(IReadOnlyList<Tensor> inputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
