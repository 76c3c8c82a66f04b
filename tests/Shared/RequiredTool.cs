namespace Serving.Tests.Shared;

/// <summary>
/// Finds a program a test needs (promtool, redis-server). Missing under CI (<c>CI=true</c>) is a failure, as CI
/// installs it; missing on a developer's machine skips the test with the command that installs it.
/// </summary>
internal static class RequiredTool
{
    /// <summary>The program's path on PATH, or null; for fixtures, which must not skip or fail themselves.</summary>
    public static string? Locate(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static string Find(string name, string installHint)
    {
        var path = Locate(name);
        if (path is not null)
        {
            return path;
        }

        var message = $"{name} is not installed ({installHint})";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message + "; CI must install it");
        }

        Assert.Skip(message);
        return string.Empty;
    }
}
