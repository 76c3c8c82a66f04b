namespace Serving.Gateway.Rest.Repository;

/// <summary>What a repository unload did: versions unloaded, and deployed versions that keep serving.</summary>
public sealed record RepositoryUnloadResult(IReadOnlyList<int> Unloaded, IReadOnlyList<int> Kept);
