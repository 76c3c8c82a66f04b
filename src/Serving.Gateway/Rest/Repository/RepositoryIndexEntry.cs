namespace Serving.Gateway.Rest.Repository;

/// <summary>One model version in <c>POST /v2/repository/index</c>, in Triton's shape (version as text, state in capitals).</summary>
public sealed record RepositoryIndexEntry(string Name, string Version, string State, string Reason);
