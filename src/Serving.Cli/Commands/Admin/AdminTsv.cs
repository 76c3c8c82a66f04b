using System.Globalization;
using Serving.Cli.Admin;
using Serving.Core.Rollouts;

namespace Serving.Cli.Commands.Admin;

/// <summary>The admin commands' answers as <c>--output tsv</c>: one column per field, numbers and times invariant.</summary>
internal static class AdminTsv
{
    private static readonly string[] DeploymentHeader = ["model", "stable", "canary", "canary_weight", "shadow"];
    private static readonly string[] VersionHeader = ["model", "version", "state", "since", "reason"];
    private static readonly string[] RolloutHeader = ["model", "stable", "canary", "state", "weight", "steps", "failures", "failure_limit", "interval_seconds", "started_at", "last_outcome"];

    /// <summary><c>models list</c>: one row per model; versions as <c>1:ready,2:failed</c>.</summary>
    public static Task ModelsAsync(TextWriter writer, IReadOnlyList<ModelView> models) => TsvWriter.WriteAsync(
        writer,
        ["model", "policy", "stable", "canary", "canary_weight", "shadow", "rollout", "rollout_weight", "versions"],
        models.Select(m => (IReadOnlyList<string?>)
        [
            m.Name, m.Policy, Number(m.Deployment?.Stable), Number(m.Deployment?.Canary), Number(m.Deployment?.CanaryWeight), Number(m.Deployment?.Shadow),
            m.Rollout?.State, Number(m.Rollout?.Weight), string.Join(',', m.Versions.Select(v => $"{Number(v.Version)}:{v.State}")),
        ]));

    /// <summary><c>models show</c>: one row per version, with its lineage (empty cells where it has none).</summary>
    public static Task VersionsAsync(TextWriter writer, ModelView model) =>
        TsvWriter.WriteAsync(writer, [.. VersionHeader, .. LineageRender.TsvHeader], model.Versions.Select(v => (IReadOnlyList<string?>)[.. VersionRow(model.Name, v), .. LineageRender.TsvCells(v.Lineage)]));

    /// <summary><c>versions load|unload</c>: the version's new state.</summary>
    public static Task VersionAsync(TextWriter writer, string model, VersionView version) =>
        TsvWriter.WriteAsync(writer, VersionHeader, [VersionRow(model, version)]);

    /// <summary><c>deploy</c>, <c>promote</c>, <c>rollback</c>: the deployment now.</summary>
    public static Task DeploymentAsync(TextWriter writer, string model, DeploymentView deployment) => TsvWriter.WriteAsync(
        writer,
        DeploymentHeader,
        [[model, Number(deployment.Stable), Number(deployment.Canary), Number(deployment.CanaryWeight), Number(deployment.Shadow)]]);

    /// <summary>A rollout's state in one row; <paramref name="withHeader"/> false for the next row of a watch.</summary>
    public static Task RolloutAsync(TextWriter writer, RolloutStatus status, bool withHeader = true) => TsvWriter.WriteAsync(
        writer,
        RolloutHeader,
        [[
            status.Model, Number(status.Stable), Number(status.Canary), status.State, Number(status.Weight),
            string.Join(',', status.Steps.Select(s => Number(s))), Number(status.Failures), Number(status.FailureLimit),
            status.IntervalSeconds.ToString("R", CultureInfo.InvariantCulture), Time(status.StartedAt), status.Decisions.LastOrDefault()?.Outcome,
        ]],
        withHeader);

    private static string?[] VersionRow(string model, VersionView v) => [model, Number(v.Version), v.State, Time(v.Since), v.Reason];

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
