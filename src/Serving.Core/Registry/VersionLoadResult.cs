namespace Serving.Core.Registry;

/// <summary>What came of trying to load one version folder.</summary>
/// <param name="Generation">The loaded version, when it loaded.</param>
/// <param name="Reason">Why it did not load.</param>
/// <param name="Incomplete">
/// True when the folder may still be being copied (no manifest yet, a missing file, a checksum that does not
/// match yet): such a version is retried until the settle time runs out.
/// </param>
public sealed record VersionLoadResult(ModelGeneration? Generation, string? Reason, bool Incomplete)
{
    public static VersionLoadResult Loaded(ModelGeneration generation) => new(generation, null, false);

    public static VersionLoadResult Waiting(string reason) => new(null, reason, true);

    public static VersionLoadResult Failed(string reason) => new(null, reason, false);
}
