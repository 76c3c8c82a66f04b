using Serving.Core.Registry;

namespace Serving.Gateway.Rest.Admin;

/// <summary>One version: <c>loading|ready|failed|draining|unloaded</c>, why, and since when.</summary>
public sealed record AdminVersionView(int Version, string State, string? Reason, DateTimeOffset Since)
{
    public static AdminVersionView Of(ModelVersionStatus status) =>
        new(status.Version, StateName(status.State), status.Reason, status.Since);

    public static string StateName(ModelVersionState state) => state switch
    {
        ModelVersionState.Loading => "loading",
        ModelVersionState.Ready => "ready",
        ModelVersionState.Failed => "failed",
        ModelVersionState.Draining => "draining",
        _ => "unloaded",
    };
}
