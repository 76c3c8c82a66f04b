namespace Serving.Cli.Retraining;

/// <summary>Which versions of a model the gateway serves, as <c>GET /admin/models/{name}</c> says.</summary>
public sealed record GatewayDeployment(int Stable, int? Canary, int? Shadow);
