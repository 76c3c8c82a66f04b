namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// A private copy of the repository's committed <c>models/</c> folder, so tests can add, break and remove
/// versions without touching the real one.
/// </summary>
public sealed class SampleRegistry : IDisposable
{
    public SampleRegistry(params string[] models)
    {
        Path = Directory.CreateTempSubdirectory("gateway-registry-").FullName;
        foreach (var model in models.Length == 0 ? Directory.GetDirectories(SourcePath).Select(System.IO.Path.GetFileName) : models)
        {
            CopyDirectory(System.IO.Path.Combine(SourcePath, model!), System.IO.Path.Combine(Path, model!));
        }
    }

    /// <summary>The repository's models folder.</summary>
    public static string SourcePath { get; } = RepositoryPaths.Of("models");

    public string Path { get; }

    public static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, System.IO.Path.Combine(target, System.IO.Path.GetFileName(directory)));
        }
    }

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
}
