namespace Serving.Core.Registry.Mlflow;

/// <summary>The MLflow tracking server models take versions from (<c>Serving:Mlflow</c>).</summary>
public sealed class MlflowOptions
{
    public const string SectionName = "Serving:Mlflow";

    /// <summary>Base URL of the tracking server, for example <c>http://mlflow:5000</c>. User info in it is sent as basic auth, never logged.</summary>
    public string TrackingUri { get; set; } = string.Empty;

    /// <summary>Seconds between two polls of each model's aliases.</summary>
    public double PollSeconds { get; set; } = 30;

    /// <summary>Limit on one REST call (alias, version, listing).</summary>
    public double RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Limit on downloading one artifact file.</summary>
    public double DownloadTimeoutSeconds { get; set; } = 600;

    /// <summary>Bearer token (as <c>MLFLOW_TRACKING_TOKEN</c>); optional.</summary>
    public string? Token { get; set; }

    /// <summary>Basic-auth user (as <c>MLFLOW_TRACKING_USERNAME</c>); optional.</summary>
    public string? Username { get; set; }

    /// <summary>Basic-auth password (as <c>MLFLOW_TRACKING_PASSWORD</c>); optional.</summary>
    public string? Password { get; set; }

    /// <summary>Problems with the settings, for start-up validation; they never quote a secret.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(TrackingUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"{SectionName}:TrackingUri must be an absolute http or https URL of the MLflow tracking server";
        }

        if (PollSeconds is < 1 or > 86400)
        {
            yield return $"{SectionName}:PollSeconds must be between 1 and 86400, not {PollSeconds}";
        }

        if (RequestTimeoutSeconds is <= 0 or > 3600 || DownloadTimeoutSeconds is <= 0 or > 86400)
        {
            yield return $"{SectionName}:RequestTimeoutSeconds (up to 3600) and DownloadTimeoutSeconds (up to 86400) must be positive";
        }

        if (!string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(Username))
        {
            yield return $"{SectionName}: set either Token or Username/Password, not both";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return $"{SectionName}: Username and Password go together";
        }
    }
}
