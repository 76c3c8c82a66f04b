using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>
/// Reusable bound calls (<see cref="BoundRun"/>) of one session, for the small batch sizes real-time traffic sends.
/// A call takes a kept one that fits, or binds a new one when none is kept; it goes back after the run. At most
/// <see cref="KeptPerSize"/> are kept per batch size, so a burst of concurrency leaves no more than that behind.
/// </summary>
internal sealed class BoundRunPool : IDisposable
{
    /// <summary>Larger batches are rarer and their copies cost more than the binding saves: they run unbound.</summary>
    public const long MaxRows = 64;

    private static readonly int KeptPerSize = Math.Max(4, 2 * Environment.ProcessorCount);

    private readonly ConcurrentDictionary<long, ConcurrentBag<BoundRun>> _idle = new();
    private volatile bool _disposed;

    /// <summary>
    /// A bound call for <paramref name="inputs"/> (the artifact's <paramref name="inputNames"/>) and <paramref name="outputNames"/>: a kept one, or a new one when none
    /// is kept for this batch size; null when the kept one taken does not fit (a request naming other outputs, inputs
    /// in another order), which then runs unbound rather than replacing the call most traffic fits.
    /// </summary>
    public BoundRun? Rent(InferenceSession session, IReadOnlyList<Tensor> inputs, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames, BatchOutput[] plans, long rows)
    {
        if (_idle.TryGetValue(rows, out var bag) && bag.TryTake(out var run))
        {
            if (run.Fits(inputs, inputNames, outputNames))
            {
                return run;
            }

            Return(run);
            return null;
        }

        return BoundRun.Create(session, inputs, inputNames, outputNames, plans, rows);
    }

    /// <summary>Takes a call back after a successful run; frees it when enough are kept or the pool is gone.</summary>
    public void Return(BoundRun run)
    {
        var bag = _idle.GetOrAdd(run.Rows, static _ => []);
        if (_disposed || bag.Count >= KeptPerSize)
        {
            run.Dispose();
            return;
        }

        bag.Add(run);

        // Disposed between the check and the add: take back what may now be stranded.
        if (_disposed)
        {
            Drain();
        }
    }

    /// <summary>Bound calls kept for <paramref name="rows"/> rows now, idle between runs.</summary>
    public int KeptFor(long rows) => _idle.TryGetValue(rows, out var bag) ? bag.Count : 0;

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        foreach (var bag in _idle.Values)
        {
            while (bag.TryTake(out var run))
            {
                run.Dispose();
            }
        }
    }
}
