namespace Serving.Core.Health;

/// <summary>Asks every registered <see cref="IReadinessDetail"/> and reports the server's readiness (REST, gRPC and the health service share it).</summary>
public sealed class ReadinessProbe(IEnumerable<IReadinessDetail> details)
{
    private readonly IReadinessDetail[] _details = [.. details];

    public ReadinessReport Check() => new([.. _details.Select(d => d.Check())]);
}
