using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Registry;

/// <summary>
/// Source roots (MLflow downloads under the data directory) are read and watched besides the registry folder,
/// which wins when both hold the same model version.
/// </summary>
public sealed class SourceRootTests : IDisposable
{
    private readonly TestRegistry _test = new();
    private readonly string _sourceRoot = Directory.CreateTempSubdirectory("source-root-").FullName;
    private readonly string _staging = Directory.CreateTempSubdirectory("source-staging-").FullName;

    public void Dispose()
    {
        _test.Dispose();
        Directory.Delete(_sourceRoot, recursive: true);
        Directory.Delete(_staging, recursive: true);
    }

    private RegistryOptions Options(double rescanSeconds = 5) =>
        new() { Path = _test.Root, RescanSeconds = rescanSeconds, SourceRoots = { _sourceRoot } };

    private ModelRegistry Registry(RegistryOptions options, TimeProvider? time = null) => new(
        new ModelVersionLoader(new Serving.Core.Runtimes.ModelRuntimeFactories([_test.Factory])),
        Microsoft.Extensions.Options.Options.Create(options),
        time ?? _test.Time,
        NullLogger<ModelRegistry>.Instance);

    /// <summary>Writes a version outside every watched folder, then moves it whole under the source root, as the source does.</summary>
    private string PublishInSourceRoot(string model, int version, string artifact = "doubling")
    {
        var written = Path.Combine(_staging, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(written);
        File.WriteAllText(Path.Combine(written, "model.onnx"), artifact);
        ManifestSerializer.Write(written, TestRegistry.Manifest(Checksums.Sha256OfFile(Path.Combine(written, "model.onnx"))));
        var target = Path.Combine(_sourceRoot, model, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(written, target);
        return target;
    }

    [Fact]
    public void Versions_of_the_registry_folder_and_the_source_root_serve_together()
    {
        _test.Publish("m", 1);
        PublishInSourceRoot("m", 2);
        PublishInSourceRoot("only-downloaded", 4);
        Directory.CreateDirectory(Path.Combine(_sourceRoot, ".downloads", "m", "3"));
        using var registry = Registry(Options());

        registry.Scan();

        Assert.Equal(["m", "only-downloaded"], registry.Current.ModelNames);
        Assert.Equal(["1", "2"], registry.Current.Models["m"].ReadyVersions);
        Assert.Equal(["4"], registry.Current.Models["only-downloaded"].ReadyVersions);
    }

    [Fact]
    public void The_registry_folder_wins_when_both_hold_the_same_version()
    {
        var disk = _test.Publish("m", 1);
        PublishInSourceRoot("m", 1, artifact: "tripling");
        using var registry = Registry(Options());

        registry.Scan();

        var version = Assert.Single(registry.Current.Models["m"].Versions);
        Assert.Equal(ModelVersionState.Ready, version.State);
        Assert.Equal(disk, registry.Current.Models["m"].Loaded[1].Directory);
        Assert.Single(_test.Factory.Loaded);
    }

    [Fact]
    public void A_missing_source_root_is_not_an_error_and_is_read_once_it_appears()
    {
        _test.Publish("m", 1);
        Directory.Delete(_sourceRoot);
        using var registry = Registry(Options());
        registry.Scan();
        Assert.Equal(["1"], registry.Current.Models["m"].ReadyVersions);

        Directory.CreateDirectory(_sourceRoot);
        PublishInSourceRoot("m", 2);
        registry.Scan();

        Assert.Equal(["1", "2"], registry.Current.Models["m"].ReadyVersions);
    }

    [Fact]
    public async Task The_watcher_sees_a_version_published_into_the_source_root_without_waiting_for_the_rescan()
    {
        // An hour between rescans: only a file event can make the version appear within the test.
        var options = Options(rescanSeconds: 3600);
        using var registry = Registry(options, TimeProvider.System);
        using var watcher = new RegistryWatcher(registry, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<RegistryWatcher>.Instance);
        await watcher.StartAsync(TestContext.Current.CancellationToken);
        await WaitUntil(() => registry.Current.InitialScanComplete);

        PublishInSourceRoot("m", 1);

        await WaitUntil(() => registry.Current.Models.TryGetValue("m", out var entry) && entry.Loaded.ContainsKey(1));
        await watcher.StopAsync(TestContext.Current.CancellationToken);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
