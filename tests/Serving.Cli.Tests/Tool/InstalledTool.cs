using System.Reflection;

namespace Serving.Cli.Tests.Tool;

/// <summary>
/// The <c>serving</c> tool as a user installs it: <c>dotnet pack</c> of src/Serving.Cli (once per test class, from the
/// build these tests run against) into a folder, then <c>dotnet tool install --tool-path</c> from that folder alone.
/// Its own NuGet cache keeps an older package of the same version from being installed instead.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private readonly string _root = Directory.CreateTempSubdirectory("serving-tool-").FullName;

    /// <summary>The installed <c>serving</c> command.</summary>
    public string Command => Path.Combine(_root, "tools", "serving");

    /// <summary>The version the CLI assembly was built with, which <c>serving --version</c> should print.</summary>
    public static string BuiltVersion =>
        typeof(ServingCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    /// <summary>The dotnet that runs these tests (the SDK sets DOTNET_HOST_PATH for its children).</summary>
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public async ValueTask InitializeAsync()
    {
        var feed = Path.Combine(_root, "feed");
        var configuration = typeof(InstalledTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var pack = await ProcessRun.Of(
            Dotnet, ["pack", Path.Combine(Repository.Root, "src", "Serving.Cli"), "-c", configuration, "--no-build", "-o", feed], null, Limit);
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed: {pack}");

        // Only the packed folder as a source: the install neither needs nor reaches the network.
        var config = Path.Combine(_root, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="serving" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var install = await ProcessRun.Of(
            Dotnet,
            ["tool", "install", "--tool-path", Path.Combine(_root, "tools"), "--configfile", config, "Serving.Cli"],
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") },
            Limit);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed: {install}");
    }

    /// <summary>Runs the installed <c>serving</c> with output redirected, as a script would.</summary>
    internal Task<ProcessRun> RunAsync(params string[] args)
    {
        // The tool's launcher finds the runtime next to the dotnet that ran the install.
        var environment = new Dictionary<string, string>();
        if (Path.IsPathRooted(Dotnet))
        {
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet)!;
        }

        return ProcessRun.Of(Command, args, environment, TimeSpan.FromMinutes(1));
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleanup.
        }

        return ValueTask.CompletedTask;
    }
}
