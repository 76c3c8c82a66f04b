using System.Collections.Concurrent;
using Serving.Core.Runtimes.Batching;

namespace Serving.Core.Tests.Runtimes.Batching;

/// <summary>Keeps what the batching decorator reports.</summary>
internal sealed class RecordingBatchObserver : IBatchObserver
{
    public ConcurrentQueue<(string Model, int Requests, int Rows)> Batches { get; } = new();

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    private int _retriedAlone;

    public int RetriedAlone => Volatile.Read(ref _retriedAlone);

    public void OnDequeued(string model, TimeSpan waited) => Waits.Enqueue(waited);

    public void OnBatch(string model, int requests, int rows) => Batches.Enqueue((model, requests, rows));

    public void OnRetriedAlone(string model, int requests) => Interlocked.Add(ref _retriedAlone, requests);
}
