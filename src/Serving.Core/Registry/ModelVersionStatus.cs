namespace Serving.Core.Registry;

/// <summary>A version's state with the reason for it (why it failed, why it was unloaded) and when it began.</summary>
public sealed record ModelVersionStatus(int Version, ModelVersionState State, string? Reason, DateTimeOffset Since);
