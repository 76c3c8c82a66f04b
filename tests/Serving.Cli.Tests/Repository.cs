namespace Serving.Cli.Tests;

/// <summary>Paths inside the repository the tests run in: data sets and fixtures (committed models: <see cref="CommittedSamples"/>).</summary>
internal static class Repository
{
    public static string Root => RepositoryPaths.Root;

    public static string DataDirectory => Path.Combine(Root, "data");

    public static string OnnxFixture(string file) => Path.Combine(Root, "tests", "Serving.Core.Tests", "Fixtures", "Onnx", file);
}
