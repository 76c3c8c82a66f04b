namespace Serving.Core.Rollouts;

/// <summary>One version's traffic summed over a time window: what the analysis compares.</summary>
public sealed class TrafficWindow
{
    public TrafficWindow(long requests, long errors, long[] latency, long[] predictions)
    {
        ArgumentNullException.ThrowIfNull(latency);
        ArgumentNullException.ThrowIfNull(predictions);
        Requests = requests;
        Errors = errors;
        Latency = latency;
        Predictions = predictions;
        PredictionCount = predictions.Sum();
    }

    /// <summary>A window with no traffic.</summary>
    public static TrafficWindow Empty => new(0, 0, new long[LatencyBuckets.Count], []);

    /// <summary>Requests the version answered or failed itself (callers' bad requests are not counted).</summary>
    public long Requests { get; }

    /// <summary>Requests that failed on the version's side (internal errors, unavailable).</summary>
    public long Errors { get; }

    /// <summary>Requests per <see cref="LatencyBuckets"/> bucket.</summary>
    public long[] Latency { get; }

    /// <summary>Predicted rows per prediction bin; the bins are the model's, the same for all its versions.</summary>
    public long[] Predictions { get; }

    public long PredictionCount { get; }

    /// <summary>Share of requests that failed; 0 without requests.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    public double? P99Ms => LatencyBuckets.QuantileMs(Latency, 0.99);
}
