namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// A private registry holding the committed sample versions (<see cref="CommittedSamples"/>), so tests can add,
/// break and remove versions without touching the repository's <c>models/</c> folder, and see none of what a
/// user has published there.
/// </summary>
public sealed class SampleRegistry : IDisposable
{
    /// <summary>The committed versions of <paramref name="models"/>, or of every committed model when none are named.</summary>
    public SampleRegistry(params string[] models)
        : this(Build(CommittedSamples.SourcePath, models))
    {
    }

    private SampleRegistry(DirectoryInfo path) => Path = path.FullName;

    /// <summary>As the constructor, from a source folder laid out like <c>models/</c> (for testing the copy itself).</summary>
    internal static SampleRegistry From(string source, params string[] models) => new(Build(source, models));

    public string Path { get; }

    public static void CopyDirectory(string source, string target) => CommittedSamples.CopyDirectory(source, target);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
            foreach (var beside in new[] { Path + "-predictions", Path + "-data" })
            {
                if (Directory.Exists(beside))
                {
                    Directory.Delete(beside, recursive: true);
                }
            }
        }
        catch (IOException)
        {
            // A file still open by a runtime on a slow shutdown; the temp folder is cleaned by the OS later.
        }
    }

    private static DirectoryInfo Build(string source, string[] models)
    {
        var path = Directory.CreateTempSubdirectory("gateway-registry-");
        try
        {
            CommittedSamples.CopyTo(source, path.FullName, models);
            return path;
        }
        catch
        {
            path.Delete(recursive: true);
            throw;
        }
    }
}
