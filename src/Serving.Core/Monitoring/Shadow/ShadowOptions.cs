using System.ComponentModel.DataAnnotations;

namespace Serving.Core.Monitoring.Shadow;

/// <summary>
/// Shadow mirror settings (<c>Serving:Shadow</c>): what the mirror's queue may hold, so a burst of large requests
/// costs the shadow a bounded amount of memory and work whatever their size.
/// </summary>
public sealed class ShadowOptions
{
    /// <summary>Requests waiting for the shadow; past this the copy is dropped (and counted).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>
    /// Rows of one request the shadow runs, at most. A larger request is mirrored as a copied sample of this many
    /// rows, evenly spread over the batch, and compared with the same rows of the answer the caller got.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRowsPerRequest { get; set; } = 100;

    /// <summary>Rows waiting for the shadow, all queued requests together; past this copies are dropped (and counted).</summary>
    [Range(1, 100_000_000)]
    public int MaxQueuedRows { get; set; } = 50_000;
}
