using Serving.Core.Runtimes.Batching;

namespace Serving.Gateway.Rest.Admin;

/// <summary>A model's dynamic batching settings, shown in its admin view while batching is on.</summary>
public sealed record AdminBatchingView(int MaxBatchSize, int MaxQueueDelayMicroseconds, IReadOnlyList<int> PreferredBatchSizes, int MaxConcurrentBatches)
{
    public static AdminBatchingView Of(BatchingOptions options) =>
        new(options.MaxBatchSize, options.MaxQueueDelayMicroseconds, [.. options.PreferredBatchSizes], options.MaxConcurrentBatches);
}
