using System.Globalization;

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

    /// <summary>Limit on downloading one version: its listings and all its files together.</summary>
    public double DownloadTimeoutSeconds { get; set; } = 600;

    /// <summary>Limit on all files of one version together, in MiB; a bigger version is refused.</summary>
    public long MaxVersionMegabytes { get; set; } = 10240;

    /// <summary>Limit on the files and folders of one version together; a version with more is refused.</summary>
    public int MaxArtifactEntries { get; set; } = 10_000;

    /// <summary>The download bounds these settings give (a method, so configuration binding does not take it for a key).</summary>
    public MlflowDownloadLimits ToDownloadLimits() => new() { MaxVersionBytes = MaxVersionMegabytes * 1024 * 1024, MaxEntries = MaxArtifactEntries };

    /// <summary>Bearer token (as <c>MLFLOW_TRACKING_TOKEN</c>); optional.</summary>
    public string? Token { get; set; }

    /// <summary>Basic-auth user (as <c>MLFLOW_TRACKING_USERNAME</c>); optional.</summary>
    public string? Username { get; set; }

    /// <summary>Basic-auth password (as <c>MLFLOW_TRACKING_PASSWORD</c>); optional.</summary>
    public string? Password { get; set; }

    /// <summary>Problems with the settings, for start-up validation: each names its key, its value and what is allowed; they never quote a secret.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(TrackingUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            // A URL may carry a user and password: those are not repeated.
            var shown = TrackingUri is { } text && !text.Contains('@', StringComparison.Ordinal) ? text : "(hidden: it holds credentials)";
            yield return $"{SectionName}:TrackingUri is '{shown}'; use the absolute http or https URL of the MLflow tracking server";
        }

        if (PollSeconds is < 1 or > 86400)
        {
            yield return Invariant($"{SectionName}:PollSeconds is '{PollSeconds}'; use a number from 1 to 86400");
        }

        if (RequestTimeoutSeconds is <= 0 or > 3600)
        {
            yield return Invariant($"{SectionName}:RequestTimeoutSeconds is '{RequestTimeoutSeconds}'; use a number above 0 and at most 3600");
        }

        if (DownloadTimeoutSeconds is <= 0 or > 86400)
        {
            yield return Invariant($"{SectionName}:DownloadTimeoutSeconds is '{DownloadTimeoutSeconds}'; use a number above 0 and at most 86400");
        }

        if (MaxVersionMegabytes is < 1 or > 1024 * 1024)
        {
            yield return Invariant($"{SectionName}:MaxVersionMegabytes is '{MaxVersionMegabytes}'; use a whole number from 1 to 1048576");
        }

        if (MaxArtifactEntries is < 1 or > 1_000_000)
        {
            yield return Invariant($"{SectionName}:MaxArtifactEntries is '{MaxArtifactEntries}'; use a whole number from 1 to 1000000");
        }

        if (!string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(Username))
        {
            yield return $"{SectionName}:Token and {SectionName}:Username are both set; use one: a token, or a user name and password";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            var missing = string.IsNullOrEmpty(Username) ? "Username" : "Password";
            yield return $"{SectionName}:{missing} is empty; set Username and Password together, or neither";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
