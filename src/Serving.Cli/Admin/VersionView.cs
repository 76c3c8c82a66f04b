namespace Serving.Cli.Admin;

/// <summary>One version's state, reason and since when, and where it came from when the gateway knows.</summary>
public sealed record VersionView(int Version, string State, string? Reason, DateTimeOffset Since, LineageView? Lineage = null);
