namespace Serving.Cli.Admin;

/// <summary>One version's state, reason and since when.</summary>
public sealed record VersionView(int Version, string State, string? Reason, DateTimeOffset Since);
