namespace Serving.Core.Tests.Packaging;

/// <summary>Files of the repository the tests run in: the data sets and the committed expected values.</summary>
internal static class RepositoryFiles
{
    public static string Root => RepositoryPaths.Root;

    public static string Data(string file) => Path.Combine(Root, "data", file);

    public static string Expected(string file) => Path.Combine(Root, "tests", "Serving.Core.Tests", "Packaging", "Expected", file);
}
