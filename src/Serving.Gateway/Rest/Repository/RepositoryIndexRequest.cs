namespace Serving.Gateway.Rest.Repository;

/// <summary>The optional body of the index request: <c>{"ready": true}</c> lists only versions that serve.</summary>
internal sealed record RepositoryIndexRequest(bool? Ready);
