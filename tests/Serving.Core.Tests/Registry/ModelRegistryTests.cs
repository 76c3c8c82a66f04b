using Serving.Core.Contracts;
using Serving.Core.Registry;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Registry;

public sealed class ModelRegistryTests
{
    [Fact]
    public void The_newest_ready_version_serves_by_default()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        test.Publish("m", 3);
        test.Publish("m", 2);

        test.Registry.Scan();

        var entry = test.Registry.Current.Models["m"];
        Assert.Equal(3, entry.Default!.Version);
        Assert.Equal(["1", "2", "3"], entry.ReadyVersions);
        Assert.All(entry.Versions, v => Assert.Equal(ModelVersionState.Ready, v.State));
        Assert.True(test.Registry.Current.InitialScanComplete);
    }

    [Fact]
    public void Folders_that_are_not_positive_integers_are_not_versions()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        Directory.CreateDirectory(Path.Combine(test.Root, "m", ".tmp-2"));
        Directory.CreateDirectory(Path.Combine(test.Root, "m", "02"));
        Directory.CreateDirectory(Path.Combine(test.Root, "m", "0"));
        Directory.CreateDirectory(Path.Combine(test.Root, "m", "latest"));

        test.Registry.Scan();

        Assert.Equal([1], test.Registry.Current.Models["m"].Versions.Select(v => v.Version));
    }

    [Fact]
    public void A_version_that_fails_to_load_is_marked_failed_with_its_reason_and_others_still_serve()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        test.Publish("m", 2, artifact: "garbage");
        test.Publish("other", 1);

        test.Registry.Scan();

        var entry = test.Registry.Current.Models["m"];
        var failed = entry.Versions.Single(v => v.Version == 2);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains("not a model", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, entry.Default!.Version);
        Assert.NotNull(test.Registry.Current.Models["other"].Default);
    }

    [Fact]
    public void A_version_whose_loading_throws_fails_alone_and_every_other_version_still_loads()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        test.Publish("m", 2, artifact: "duplicate-inputs");
        test.Publish("other", 1);

        test.Registry.Scan();
        test.Publish("other", 2);
        test.Registry.Scan();

        var failed = test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 2);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.StartsWith("could not be loaded: ", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
        Assert.Equal(["1", "2"], test.Registry.Current.Models["other"].ReadyVersions);
        Assert.True(test.Registry.Current.InitialScanComplete);
    }

    [Fact]
    public void A_failed_version_s_reason_names_its_files_under_the_model_and_version_not_the_server_s_folders()
    {
        using var test = new TestRegistry();
        test.Publish("m", 2, artifact: "unreadable");

        test.Registry.Scan();

        var failed = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal("cannot read 'm/2/model.onnx'", failed.Reason);
    }

    [Theory]
    [InlineData("inputs")]
    [InlineData("features")]
    [InlineData("examples")]
    public void A_manifest_list_holding_null_fails_its_version_alone(string list)
    {
        using var test = new TestRegistry(settleSeconds: 1);
        test.Publish("m", 1);
        var directory = test.Publish("m", 2);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "model.json")))!;
        var input = manifest["signature"]!["inputs"]![0]!;
        switch (list)
        {
            case "inputs":
                manifest["signature"]!["inputs"] = new System.Text.Json.Nodes.JsonArray(null, input.DeepClone());
                break;
            case "features":
                input["features"] = new System.Text.Json.Nodes.JsonArray("a", null, "c");
                break;
            default:
                manifest["examples"] = new System.Text.Json.Nodes.JsonArray((System.Text.Json.Nodes.JsonNode?)null);
                break;
        }

        File.WriteAllText(Path.Combine(directory, "model.json"), manifest.ToJsonString());
        test.Registry.Scan();
        test.Time.Advance(TimeSpan.FromSeconds(2));
        test.Registry.Scan();

        var failed = test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 2);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains($"the list '{list}' holds null", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
    }

    [Fact]
    public async Task A_manifest_that_is_a_pipe_fails_its_version_without_blocking_the_scan()
    {
        using var test = new TestRegistry(settleSeconds: 1);
        test.Publish("m", 1);
        var directory = Path.Combine(test.Root, "m", "2");
        Directory.CreateDirectory(directory);
        MakeFifo(Path.Combine(directory, "model.json"));

        // Reading a FIFO waits for a writer that never comes: the scan (and the registry's lock) with it.
        await Task.Run(test.Registry.Scan, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        var failed = test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 2);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains("model.json is not a regular file", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
    }

    [Fact]
    public async Task An_artifact_linked_to_an_endless_device_fails_its_version_without_hashing_it_forever()
    {
        using var test = new TestRegistry(settleSeconds: 1);
        test.Publish("m", 1);
        var directory = test.Publish("m", 2);
        File.Delete(Path.Combine(directory, "model.onnx"));
        File.CreateSymbolicLink(Path.Combine(directory, "model.onnx"), "/dev/zero");

        await Task.Run(test.Registry.Scan, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        test.Time.Advance(TimeSpan.FromSeconds(2));
        await Task.Run(test.Registry.Scan, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        var failed = test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 2);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains("artifact 'model.onnx' is not a regular file", failed.Reason, StringComparison.Ordinal);
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public void A_malformed_manifest_waits_for_the_settle_time_then_fails()
    {
        using var test = new TestRegistry(settleSeconds: 10);
        var directory = Path.Combine(test.Root, "m", "1");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.json"), "{ \"format\": ");

        test.Registry.Scan();
        var waiting = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Loading, waiting.State);
        Assert.Contains("malformed manifest", waiting.Reason, StringComparison.Ordinal);

        test.Time.Advance(TimeSpan.FromSeconds(11));
        test.Registry.Scan();
        var failed = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains("malformed manifest", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_copied_in_pieces_loads_once_its_checksums_match()
    {
        using var test = new TestRegistry();
        var directory = test.Publish("m", 1);
        File.WriteAllText(Path.Combine(directory, "model.onnx"), "doub");

        test.Registry.Scan();
        Assert.Equal(ModelVersionState.Loading, test.Registry.Current.Models["m"].Versions.Single().State);
        Assert.Null(test.Registry.Current.Models["m"].Default);

        File.WriteAllText(Path.Combine(directory, "model.onnx"), "doubling");
        test.Time.Advance(TimeSpan.FromSeconds(5));
        test.Registry.Scan();
        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
    }

    [Fact]
    public void A_bad_checksum_fails_after_the_settle_time()
    {
        using var test = new TestRegistry(settleSeconds: 2);
        test.Publish("m", 1, manifest: _ => TestRegistry.Manifest(new string('0', 64)));

        test.Registry.Scan();
        test.Time.Advance(TimeSpan.FromSeconds(3));
        test.Registry.Scan();

        var status = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Contains("checksum of 'model.onnx'", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_disagrees_with_the_artifact_inputs_is_refused()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1, manifest: c => TestRegistry.Manifest(c, inputName: "pixels"));

        test.Registry.Scan();

        var status = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Contains("input 'pixels' is not in the artifact", status.Reason, StringComparison.Ordinal);
        Assert.True(test.Factory.Loaded.Single().IsDisposed);
    }

    [Fact]
    public void A_failed_version_is_retried_when_its_manifest_changes()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1, manifest: c => TestRegistry.Manifest(c, inputName: "pixels"));
        test.Registry.Scan();
        Assert.Null(test.Registry.Current.Models["m"].Default);

        test.Publish("m", 1);
        test.Registry.Scan();

        Assert.Equal(1, test.Registry.Current.Models["m"].Default!.Version);
    }

    [Fact]
    public void Removing_a_version_folder_unloads_it_after_in_flight_requests_finish()
    {
        using var test = new TestRegistry();
        var directory = test.Publish("m", 1);
        test.Publish("m", 2);
        test.Registry.Scan();
        var generation = test.Registry.Current.Models["m"].Default!;
        Assert.True(generation.TryAcquire());

        Directory.Delete(Path.Combine(test.Root, "m", "2"), recursive: true);
        test.Registry.Scan();

        var entry = test.Registry.Current.Models["m"];
        Assert.Equal(1, entry.Default!.Version);
        Assert.Equal(ModelVersionState.Unloaded, entry.Versions.Single(v => v.Version == 2).State);
        Assert.False(generation.IsDisposed);

        generation.Release();
        Assert.True(generation.IsDisposed);
        Assert.True(Directory.Exists(directory));
    }

    [Fact]
    public void A_scan_that_finds_nothing_new_publishes_no_new_snapshot()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1);
        test.Registry.Scan();
        var first = test.Registry.Current;

        test.Registry.Scan();

        Assert.Same(first, test.Registry.Current);
    }

    [Fact]
    public void A_missing_registry_folder_serves_nothing_but_completes_the_scan()
    {
        using var test = new TestRegistry();
        Directory.Delete(test.Root, recursive: true);
        Directory.CreateDirectory(test.Root + "-unused");

        test.Registry.Scan();

        Assert.True(test.Registry.Current.InitialScanComplete);
        Assert.Empty(test.Registry.Current.Models);
        Directory.CreateDirectory(test.Root);
        Directory.Delete(test.Root + "-unused");
    }

    [Fact]
    public void Dispose_frees_every_loaded_runtime()
    {
        var test = new TestRegistry();
        test.Publish("m", 1);
        test.Publish("m", 2);
        test.Registry.Scan();

        test.Dispose();

        Assert.All(test.Factory.Loaded, r => Assert.True(r.IsDisposed));
    }

    [Fact]
    public void A_manifest_without_a_checksum_for_its_artifact_is_refused()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1, manifest: c => TestRegistry.Manifest(c) with { Format = ModelFormats.MLNet, Artifacts = new Dictionary<string, string> { ["model.onnx"] = c } });

        test.Registry.Scan();

        var status = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Contains("no checksum for model.zip", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_is_refused_with_the_known_ones()
    {
        using var test = new TestRegistry();
        test.Publish("m", 1, manifest: c => TestRegistry.Manifest(c) with { Format = "tensorflow" });

        test.Registry.Scan();

        var status = test.Registry.Current.Models["m"].Versions.Single();
        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.Contains("format 'tensorflow' is not one of onnx, mlnet", status.Reason, StringComparison.Ordinal);
    }
}
