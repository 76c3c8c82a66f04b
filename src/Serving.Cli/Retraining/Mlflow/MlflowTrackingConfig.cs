using System.Globalization;

namespace Serving.Cli.Retraining.Mlflow;

/// <summary>
/// The <c>mlflow</c> section of the retrainer's config file: the tracking server each run is logged to, the
/// experiment, and which models follow an MLflow Model Registry (their new versions are registered there instead
/// of being published into the registry folder). <c>--mlflow-tracking-uri</c> sets or overrides the URI.
/// </summary>
public sealed record MlflowTrackingConfig
{
    /// <summary>The experiment runs are logged to when the file names none.</summary>
    public const string DefaultExperiment = "serving-retrainer";

    /// <summary>Base URL of the tracking server (<c>http://mlflow:5000</c>); empty: no tracking. User info in it is sent as basic auth.</summary>
    public string? TrackingUri { get; init; }

    /// <summary>The experiment every run goes into; created when missing.</summary>
    public string Experiment { get; init; } = DefaultExperiment;

    /// <summary>Model name to registered model name, for models that follow an MLflow registry (<c>Serving:Models:&lt;name&gt;:Source=mlflow</c>).</summary>
    public Dictionary<string, string> RegisteredModels { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The alias a newly registered version gets (the gateway's <c>CanaryAlias</c>).</summary>
    public string ChallengerAlias { get; init; } = "challenger";

    /// <summary>The alias moved to a registered version when the gateway promotes it (the gateway's <c>StableAlias</c>).</summary>
    public string ChampionAlias { get; init; } = "champion";

    /// <summary>Limit on one attempt of one REST call or artifact upload.</summary>
    public double RequestTimeoutSeconds { get; init; } = 30;

    /// <summary>Attempts after the first for a call that failed on the way (connection, timeout, 5xx, 429).</summary>
    public int Retries { get; init; } = 3;

    /// <summary>First wait before a retry; it doubles (with jitter) each time.</summary>
    public double RetryDelaySeconds { get; init; } = 1;

    /// <summary>Whether runs are tracked at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(TrackingUri);

    /// <summary>The tracking server's URL, parsed (valid once <see cref="Problems"/> found nothing).</summary>
    public Uri Server => new(TrackingUri!.TrimEnd('/') + "/");

    /// <summary>Problems with the section, each naming its key; <paramref name="models"/> are the jobs' model names.</summary>
    public IEnumerable<string> Problems(IEnumerable<string> models)
    {
        var jobs = models.ToHashSet(StringComparer.Ordinal);
        if (!Enabled)
        {
            // A missing URI may still come from --mlflow-tracking-uri: see MissingTrackingUri, checked after it.
            yield break;
        }

        if (!Uri.TryCreate(TrackingUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            var shown = TrackingUri!.Contains('@', StringComparison.Ordinal) ? "(hidden: it holds credentials)" : TrackingUri;
            yield return $"mlflow.trackingUri is '{shown}'; use the absolute http or https URL of the MLflow tracking server";
        }

        if (string.IsNullOrWhiteSpace(Experiment))
        {
            yield return "mlflow.experiment is empty; name the experiment runs are logged to";
        }

        foreach (var (model, registered) in RegisteredModels)
        {
            if (!jobs.Contains(model))
            {
                yield return $"mlflow.registeredModels names '{model}', which has no job; name a model under jobs";
            }

            if (string.IsNullOrWhiteSpace(registered))
            {
                yield return $"mlflow.registeredModels.{model} is empty; give the registered model's name";
            }
        }

        if (string.IsNullOrWhiteSpace(ChallengerAlias) || string.IsNullOrWhiteSpace(ChampionAlias) || ChallengerAlias == ChampionAlias)
        {
            yield return $"mlflow.challengerAlias '{ChallengerAlias}' and mlflow.championAlias '{ChampionAlias}' must be two different names";
        }

        if (RequestTimeoutSeconds is <= 0 or > 3600 || !double.IsFinite(RequestTimeoutSeconds))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"mlflow.requestTimeoutSeconds is {RequestTimeoutSeconds}; use a number above 0 and at most 3600");
        }

        if (Retries is < 0 or > 10)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"mlflow.retries is {Retries}; use a whole number from 0 to 10");
        }

        if (RetryDelaySeconds is < 0 or > 60 || !double.IsFinite(RetryDelaySeconds))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"mlflow.retryDelaySeconds is {RetryDelaySeconds}; use a number from 0 to 60");
        }
    }

    /// <summary>The problem when models are to be registered but no tracking server is named (after the command line had its say).</summary>
    public string? MissingTrackingUri => !Enabled && RegisteredModels.Count > 0
        ? "mlflow.registeredModels is set but mlflow.trackingUri is not; registering versions needs the tracking server (set it, or --mlflow-tracking-uri)"
        : null;

    /// <summary>The registered model a model follows, or null.</summary>
    public string? RegisteredModelOf(string model) => Enabled && RegisteredModels.TryGetValue(model, out var name) ? name : null;
}
