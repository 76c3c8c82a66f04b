namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// <c>PUT /admin/models/{name}/deployment</c> as sent; fields are nullable so a missing <c>stable</c> is told
/// apart from a zero and answered with 400.
/// </summary>
internal sealed record DeploymentBody(int? Stable, int? Canary, int? CanaryWeight, int? Shadow);
