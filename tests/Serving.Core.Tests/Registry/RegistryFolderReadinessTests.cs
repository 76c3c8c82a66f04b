using Microsoft.Extensions.Logging;
using Serving.Core.Registry;
using Serving.Core.Tests.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Registry;

/// <summary>
/// The registry's part of readiness: a folder that is missing or cannot be read is not ready; an empty one is. Versions
/// already loaded from a folder that goes away keep serving.
/// </summary>
public sealed class RegistryFolderReadinessTests
{
    [Fact]
    public void A_missing_folder_is_not_ready_said_once_at_error_level_and_its_models_load_when_it_appears()
    {
        var logger = new ListLogger<ModelRegistry>();
        using var test = new TestRegistry(logger: logger);
        Directory.Delete(test.Root);
        var readiness = new RegistryReadiness(test.Registry);

        test.Registry.Scan();
        test.Registry.Scan();
        test.Registry.Scan();

        var missing = readiness.Check();
        Assert.True(test.Registry.Current.InitialScanComplete);
        Assert.False(missing.Ready);
        Assert.Equal("registry", missing.Name);
        Assert.Equal($"registry folder '{test.Root}' does not exist (Serving:Registry:Path)", missing.Reason);
        var error = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains(test.Root, error.Message, StringComparison.Ordinal);

        test.Publish("m", 1);
        test.Registry.Scan();

        Assert.True(readiness.Check().Ready);
        Assert.Null(readiness.Check().Reason);
        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
        Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Versions_loaded_from_a_folder_that_goes_away_keep_serving_until_it_returns_without_them()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        test.Publish("n", 1);
        test.Registry.Scan();
        var served = test.Registry.Current.Models["m"].Default!;
        var readiness = new RegistryReadiness(test.Registry);

        // The volume is unmounted, or the folder is moved away for a moment.
        Directory.Move(test.Root, test.Root + "-away");
        try
        {
            test.Registry.Scan();

            Assert.False(readiness.Check().Ready);
            Assert.Same(served, test.Registry.Current.Models["m"].Default);
            Assert.Equal(1, test.Registry.Current.Models["n"].Default!.Version);
        }
        finally
        {
            Directory.Move(test.Root + "-away", test.Root);
        }

        // Back, with one model removed in the meantime: that one goes, the other serves on as it was.
        Directory.Delete(Path.Combine(test.Root, "n"), recursive: true);
        test.Registry.Scan();

        Assert.True(readiness.Check().Ready);
        Assert.Same(served, test.Registry.Current.Models["m"].Default);
        Assert.False(test.Registry.Current.Models.ContainsKey("n"));
    }

    [Fact]
    public void An_empty_folder_is_ready_since_models_may_arrive_later()
    {
        using var test = new TestRegistry();

        test.Registry.Scan();

        Assert.Empty(test.Registry.Current.Models);
        Assert.True(new RegistryReadiness(test.Registry).Check().Ready);
    }

    [Fact]
    public void Before_the_first_scan_the_registry_is_not_ready()
    {
        using var test = new TestRegistry();

        var detail = new RegistryReadiness(test.Registry).Check();

        Assert.False(detail.Ready);
        Assert.Equal("the registry is still being read", detail.Reason);
    }

    [Fact]
    public void A_file_where_the_folder_should_be_is_not_ready()
    {
        using var test = new TestRegistry();
        Directory.Delete(test.Root);
        File.WriteAllText(test.Root, "not a folder");
        try
        {
            test.Registry.Scan();

            var detail = new RegistryReadiness(test.Registry).Check();
            Assert.False(detail.Ready);
            Assert.Contains("is a file, not a folder", detail.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(test.Root);
            Directory.CreateDirectory(test.Root);
        }
    }
}
