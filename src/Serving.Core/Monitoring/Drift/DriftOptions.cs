using System.Globalization;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Drift settings bound from <c>Serving:Monitoring</c>: the window (<c>WindowRows</c>, <c>WindowSeconds</c>),
/// the <c>Drift</c> section and the per-model <c>Models:&lt;name&gt;:Drift</c> overrides.
/// </summary>
public sealed class DriftOptions
{
    /// <summary>Rows per window: a count window closes at this many rows; a time window keeps a uniform sample of at most this many.</summary>
    public int WindowRows { get; set; } = 500;

    /// <summary>When above 0, windows are by time: each covers this many seconds. 0 means windows by count.</summary>
    public double WindowSeconds { get; set; }

    public DriftSettings Drift { get; set; } = new();

    public Dictionary<string, ModelDriftSettings> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether windows are by time rather than by count.</summary>
    public bool TimeWindows => WindowSeconds > 0;

    /// <summary>The thresholds that apply to one model.</summary>
    public DriftThresholds ThresholdsFor(string model)
    {
        var defaults = Drift.Apply(new DriftThresholds());
        return Models.TryGetValue(model, out var settings) ? settings.Drift.Apply(defaults) : defaults;
    }

    /// <summary>Configuration problems, one message each; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (WindowRows is < 2 or > 1_000_000)
        {
            problems.Add($"Serving:Monitoring:WindowRows is '{WindowRows}'; use a whole number from 2 to 1000000");
        }

        if (WindowSeconds < 0 || double.IsNaN(WindowSeconds) || double.IsInfinity(WindowSeconds))
        {
            problems.Add($"Serving:Monitoring:WindowSeconds is '{WindowSeconds.ToString(CultureInfo.InvariantCulture)}'; use 0 (windows by count) or a positive number of seconds");
        }

        if (Drift.MaxRequestsPerSecond < 0)
        {
            problems.Add($"Serving:Monitoring:Drift:MaxRequestsPerSecond is '{Drift.MaxRequestsPerSecond.ToString(CultureInfo.InvariantCulture)}'; use 0 (no cap) or a positive number");
        }

        if (Drift.QueueCapacity < 1)
        {
            problems.Add($"Serving:Monitoring:Drift:QueueCapacity is '{Drift.QueueCapacity}'; use a whole number of at least 1");
        }

        if (Drift.MaxRowsPerRequest is < 1 or > 1_000_000)
        {
            problems.Add($"Serving:Monitoring:Drift:MaxRowsPerRequest is '{Drift.MaxRowsPerRequest}'; use a whole number from 1 to 1000000");
        }

        if (Drift.MaxQueuedRows < Drift.MaxRowsPerRequest)
        {
            problems.Add($"Serving:Monitoring:Drift:MaxQueuedRows is '{Drift.MaxQueuedRows}'; use a whole number of at least Serving:Monitoring:Drift:MaxRowsPerRequest ({Drift.MaxRowsPerRequest})");
        }

        problems.AddRange(Drift.Episodes.Validate("Serving:Monitoring:Drift:Episodes"));
        problems.AddRange(Drift.Apply(new DriftThresholds()).Validate("Serving:Monitoring:Drift"));
        foreach (var (model, settings) in Models)
        {
            problems.AddRange(ThresholdsFor(model).Validate($"Serving:Monitoring:Models:{model}:Drift"));
        }

        return problems;
    }
}
