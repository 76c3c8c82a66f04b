namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Recognises the two OIP infer paths, <c>/v2/models/{name}/infer</c> and <c>/v2/models/{name}/versions/{version}/infer</c>,
/// as endpoint routing matches them (literal segments in any case, one segment per value), so that infer can be served
/// ahead of routing. Anything else, a trailing slash or an empty segment included, is left to routing, which answers
/// it as before.
/// </summary>
internal static class OipInferPath
{
    private const string Prefix = "/v2/models/";
    private const string Suffix = "/infer";
    private const string Versions = "versions/";

    // Callers send the same model name on every request: the string is reused rather than made again each time.
    [ThreadStatic]
    private static string? t_lastName;

    /// <summary>The model and the pinned version (null when the path pins none) of an infer path.</summary>
    public static bool TryMatch(string? path, out string name, out string? version)
    {
        name = string.Empty;
        version = null;
        if (path is null || path.Length <= Prefix.Length + Suffix.Length
            || !path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || !path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var middle = path.AsSpan(Prefix.Length, path.Length - Prefix.Length - Suffix.Length);
        var slash = middle.IndexOf('/');
        if (slash < 0)
        {
            name = Reuse(middle);
            return true;
        }

        var rest = middle[(slash + 1)..];
        if (slash == 0 || !rest.StartsWith(Versions, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var pinned = rest[Versions.Length..];
        if (pinned.IsEmpty || pinned.Contains('/'))
        {
            return false;
        }

        name = Reuse(middle[..slash]);
        version = pinned.ToString();
        return true;
    }

    private static string Reuse(ReadOnlySpan<char> name)
    {
        if (t_lastName is { } last && name.SequenceEqual(last))
        {
            return last;
        }

        return t_lastName = name.ToString();
    }
}
