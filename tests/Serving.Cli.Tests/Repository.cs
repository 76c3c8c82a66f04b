namespace Serving.Cli.Tests;

/// <summary>Paths inside the repository the tests run in: data sets, committed models, fixtures.</summary>
internal static class Repository
{
    public static string Root => RepositoryPaths.Root;

    public static string DataDirectory => Path.Combine(Root, "data");

    public static string Models => Path.Combine(Root, "models");

    public static string OnnxFixture(string file) => Path.Combine(Root, "tests", "Serving.Core.Tests", "Fixtures", "Onnx", file);
}
