namespace Serving.Core.Tests.Packaging;

/// <summary>Files of the repository the tests run in: the data sets and the committed expected values.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Serving.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Serving.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string Data(string file) => Path.Combine(Root, "data", file);

    public static string Expected(string file) => Path.Combine(Root, "tests", "Serving.Core.Tests", "Packaging", "Expected", file);
}
