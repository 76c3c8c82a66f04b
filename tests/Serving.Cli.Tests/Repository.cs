namespace Serving.Cli.Tests;

/// <summary>Paths inside the repository the tests run in: data sets, committed models, fixtures.</summary>
internal static class Repository
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

    public static string DataDirectory => Path.Combine(Root, "data");

    public static string Models => Path.Combine(Root, "models");

    public static string OnnxFixture(string file) => Path.Combine(Root, "tests", "Serving.Core.Tests", "Fixtures", "Onnx", file);
}
