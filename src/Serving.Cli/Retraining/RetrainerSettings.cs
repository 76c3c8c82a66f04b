using Serving.Core.Events.Signing;

namespace Serving.Cli.Retraining;

/// <summary>Everything the retrainer is started with, checked: the folders, the addresses, the secret and the jobs.</summary>
/// <param name="Registry">The registry folder new versions are published into (the gateway's <c>Serving:Registry:Path</c>).</param>
/// <param name="DataPath">The gateway's data directory (<c>Serving:DataPath</c>): prediction and labels logs under <c>predictions/</c>.</param>
/// <param name="Listen">Where the retrainer listens (webhooks and status).</param>
/// <param name="Gateway">The gateway's base URL, for the stable version and reports; null: neither (stable is the newest version in the registry).</param>
/// <param name="AdminKey">The gateway's admin key (a scope that can deploy), or null.</param>
/// <param name="Secret">The webhook subscription's signing secret.</param>
/// <param name="Config">The jobs and the gate's settings.</param>
/// <param name="PredictionLogs">The prediction log folder (default <c>&lt;data&gt;/predictions</c>).</param>
/// <param name="RunsDirectory">Where each run keeps its folder (default <c>&lt;data&gt;/retrainer/runs</c>).</param>
public sealed record RetrainerSettings(
    string Registry,
    string DataPath,
    string Listen,
    Uri? Gateway,
    string? AdminKey,
    WebhookSecret Secret,
    RetrainerConfig Config,
    string PredictionLogs,
    string RunsDirectory);
