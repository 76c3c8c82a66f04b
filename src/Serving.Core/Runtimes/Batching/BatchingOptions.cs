namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// Dynamic batching of one model (<c>Serving:Models:&lt;name&gt;:Batching</c>): concurrent requests wait up to
/// <see cref="MaxQueueDelayMicroseconds"/> to be merged along the batch dimension into one runtime call. Off by
/// default, because a lone single-row request then pays the delay and the merge for nothing.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>Largest <see cref="MaxBatchSize"/> accepted, to catch typos such as 640000.</summary>
    public const int MaxRows = 65536;

    /// <summary>Longest <see cref="MaxQueueDelayMicroseconds"/> accepted: one second.</summary>
    public const int MaxDelayMicroseconds = 1_000_000;

    /// <summary>Largest <see cref="MaxConcurrentBatches"/> accepted.</summary>
    public const int MaxConcurrency = 256;

    /// <summary>Whether requests to this model are batched.</summary>
    public bool Enabled { get; set; }

    /// <summary>Most rows in one runtime call; a request with more rows runs alone, unbatched.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long the oldest waiting request may wait for others before its batch runs anyway. 0 merges only what
    /// is already waiting when the runtime is free. Waits are as exact as the host's timers (about a millisecond).
    /// </summary>
    public int MaxQueueDelayMicroseconds { get; set; } = 500;

    /// <summary>
    /// Batch sizes (rows) worth running at once: when at least one of them is waiting, the largest that fits runs
    /// without waiting out the delay. Empty: only <see cref="MaxBatchSize"/> or the delay starts a batch.
    /// </summary>
    public List<int> PreferredBatchSizes { get; set; } = [];

    /// <summary>
    /// Batched runtime calls of this model that may run at once. 1 makes the largest batches; more lets a
    /// runtime that runs each call on one thread use more cores.
    /// </summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Problems with the settings, each naming its key under <paramref name="section"/>; empty when usable.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (MaxBatchSize is < 1 or > MaxRows)
        {
            yield return $"{section}:MaxBatchSize is '{MaxBatchSize}'; use a whole number of rows from 1 to {MaxRows}";
        }

        if (MaxQueueDelayMicroseconds is < 0 or > MaxDelayMicroseconds)
        {
            yield return $"{section}:MaxQueueDelayMicroseconds is '{MaxQueueDelayMicroseconds}'; use a whole number from 0 to {MaxDelayMicroseconds}";
        }

        if (MaxConcurrentBatches is < 1 or > MaxConcurrency)
        {
            yield return $"{section}:MaxConcurrentBatches is '{MaxConcurrentBatches}'; use a whole number from 1 to {MaxConcurrency}";
        }

        for (var i = 0; i < PreferredBatchSizes.Count; i++)
        {
            if (PreferredBatchSizes[i] < 1 || PreferredBatchSizes[i] > MaxBatchSize)
            {
                yield return $"{section}:PreferredBatchSizes:{i} is '{PreferredBatchSizes[i]}'; use a whole number of rows from 1 to MaxBatchSize ({MaxBatchSize})";
            }
        }
    }
}
