namespace Serving.Core.Registry.Mlflow;

/// <summary>Reads <c>mlflow-artifacts:</c> URIs, whose files the tracking server proxies over HTTP.</summary>
public static class MlflowArtifactUri
{
    public const string Scheme = "mlflow-artifacts:";

    /// <summary>
    /// The artifact path of <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts/model</c> (or the <c>mlflow-artifacts://host/...</c>
    /// form; the host is ignored, files come from the configured tracking server). Throws for any other scheme.
    /// </summary>
    public static string PathOf(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            throw new MlflowRegistryException(MlflowErrorKind.Invalid,
                $"the artifact URI '{uri}' is not an {Scheme} URI, so the tracking server does not serve its files over HTTP; "
                + "run 'mlflow server' with artifact serving on (--serve-artifacts, the default since MLflow 2.0) and register versions from mlflow-artifacts URIs");
        }

        var rest = uri[Scheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        return rest.Trim('/');
    }

    /// <summary>
    /// Whether a path relative to a listed folder is safe to write under a local folder: no rooted path, no '..', no
    /// backslash, and no control character (a NUL made the file system calls throw an ArgumentException that no
    /// poll caught, which stopped the source).
    /// </summary>
    public static bool IsSafeRelative(string? path) =>
        !string.IsNullOrEmpty(path) && !path.StartsWith('/') && !path.Contains('\\', StringComparison.Ordinal) && !path.Any(char.IsControl)
        && path.Split('/').All(segment => segment.Length > 0 && segment is not "." and not "..");
}
