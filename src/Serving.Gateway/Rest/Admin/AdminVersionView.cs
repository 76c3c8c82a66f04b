using System.Text.Json.Serialization;
using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// One version: <c>loading|ready|failed|draining|unloaded</c>, why, and since when; for a loaded version whose manifest
/// has a lineage, where it came from (absent otherwise).
/// </summary>
public sealed record AdminVersionView(
    int Version,
    string State,
    string? Reason,
    DateTimeOffset Since,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AdminLineageView? Lineage = null)
{
    public static AdminVersionView Of(ModelVersionStatus status) =>
        new(status.Version, StateName(status.State), status.Reason, status.Since);

    /// <summary>The version with the lineage of its loaded manifest (null when it is not loaded).</summary>
    public static AdminVersionView Of(ModelVersionStatus status, ModelManifest? loaded) =>
        Of(status) with { Lineage = AdminLineageView.Of(loaded) };

    public static string StateName(ModelVersionState state) => state switch
    {
        ModelVersionState.Loading => "loading",
        ModelVersionState.Ready => "ready",
        ModelVersionState.Failed => "failed",
        ModelVersionState.Draining => "draining",
        _ => "unloaded",
    };
}
