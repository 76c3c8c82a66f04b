namespace Serving.Gateway.Tests.Hostile;

/// <summary>One generated HTTP request: method, path (already escaped), optional headers, content type and body bytes.</summary>
public sealed record HostileRequest(
    string Method,
    string Path,
    byte[] Body,
    string? ContentType = "application/json",
    string? Authorization = null)
{
    /// <summary>A short description for failure messages (never the whole body: some are megabytes).</summary>
    public string Describe()
    {
        var path = Path.Length > 80 ? Path[..80] + "..." : Path;
        var head = System.Text.Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 80)).ReplaceLineEndings(" ");
        return $"{Method} {path} ({ContentType}, {Body.Length} bytes: {head})";
    }
}
