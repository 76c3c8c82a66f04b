namespace Serving.Gateway.Tests.Deploy;

/// <summary>One PromQL expression to evaluate, and where it came from (for the failure message).</summary>
internal sealed record PromQuery(string Source, string Expression);
