using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>
/// <c>serving package --run-id</c>: the MLflow run a hand-made package came from, recorded in its lineage as the
/// retrainer records its own runs. With a tracking URI the run is looked up, so a mistyped id is caught and the
/// lineage gets the experiment, the run's page and its artifact URI.
/// </summary>
public static class MlflowRunReference
{
    public static async Task<MlflowLineage> ResolveAsync(MlflowLineage? existing, string runId, string? trackingUri, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var lineage = (existing ?? new MlflowLineage()) with { RunId = runId };
        if (string.IsNullOrWhiteSpace(trackingUri))
        {
            return lineage;
        }

        var config = new MlflowTrackingConfig { TrackingUri = trackingUri, Retries = 1 };
        if (config.Problems([]).FirstOrDefault() is { } problem)
        {
            throw new PackagingException(problem.Replace("mlflow.trackingUri", "--tracking-uri", StringComparison.Ordinal));
        }

        using var client = MlflowTrackingClient.Create(config);
        try
        {
            var (experimentId, artifactUri) = await client.GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
            return lineage with
            {
                ExperimentId = experimentId,
                TrackingUri = client.Server.GetLeftPart(UriPartial.Path).TrimEnd('/'),
                RunUrl = MlflowTrackingClient.RunUrl(client.Server, experimentId, runId),
                ArtifactUri = lineage.ArtifactUri ?? artifactUri,
            };
        }
        catch (MlflowTrackingException ex)
        {
            throw new PackagingException($"--run-id {runId}: {ex.Message}", ex);
        }
    }
}
