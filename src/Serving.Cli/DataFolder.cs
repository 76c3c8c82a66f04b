namespace Serving.Cli;

/// <summary>Finds the repository's <c>data/</c> folder so <c>serving train</c> works from any folder inside the repository.</summary>
public static class DataFolder
{
    /// <summary>A file every data folder of this repository holds.</summary>
    public const string Marker = "breast-cancer.csv";

    /// <summary>The nearest <c>data/</c> above the current folder, else above the executable; throws when there is none.</summary>
    public static string Find() =>
        Above(Directory.GetCurrentDirectory()) ?? Above(AppContext.BaseDirectory)
        ?? throw new IOException($"no data/{Marker} above '{Directory.GetCurrentDirectory()}'; pass --data <folder>");

    private static string? Above(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "data");
            if (File.Exists(Path.Combine(candidate, Marker)))
            {
                return candidate;
            }
        }

        return null;
    }
}
