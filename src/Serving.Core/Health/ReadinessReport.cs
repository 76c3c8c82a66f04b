namespace Serving.Core.Health;

/// <summary>The server's readiness and what it was made of: ready when every required detail is.</summary>
public sealed class ReadinessReport
{
    public ReadinessReport(IReadOnlyList<ReadinessDetail> details)
    {
        Details = details;
        Ready = details.All(d => d.Ready || !d.Required);
    }

    public bool Ready { get; }

    public IReadOnlyList<ReadinessDetail> Details { get; }

    /// <summary>The reasons of the required details that are not ready, joined; null when ready.</summary>
    public string? Reason => Ready
        ? null
        : string.Join("; ", Details.Where(d => d.Required && !d.Ready).Select(d => $"{d.Name}: {d.Reason ?? "not ready"}"));
}
