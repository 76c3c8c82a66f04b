using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Registry;

/// <summary>Load, warm-up, serve and unload of real packages with the real runtimes.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class ModelLifecycleTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lifecycle-").FullName;
    private readonly ModelRegistry _registry;

    public ModelLifecycleTests()
    {
        _registry = new ModelRegistry(
            new ModelVersionLoader(ModelRuntimeFactories.CreateDefault(new OnnxRuntimeOptions())),
            Options.Create(new RegistryOptions { Path = _root, SettleSeconds = 0 }),
            TimeProvider.System,
            NullLogger<ModelRegistry>.Instance);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Memory_stays_flat_across_200_load_and_unload_cycles_and_every_unloaded_runtime_is_disposed()
    {
        CopyVersion(CommittedSamples.PathOf("iris", 1), "iris", 1);
        CopyVersion(CommittedSamples.PathOf("iris", 1), "iris", 2);
        _registry.Scan();
        var deployments = new DeploymentManager(
            _registry,
            Options.Create(new DeploymentOptions()),
            Options.Create(new RegistryOptions { Path = _root }),
            new DataDirectoryStatus(new DataPaths(Path.Combine(_root, ".data")), TimeProvider.System),
            TimeProvider.System,
            NullLogger<DeploymentManager>.Instance);
        var service = new InferenceService(_registry, deployments, new TrafficRouter(new SharedRandomSource()), Options.Create(new ServingOptions()));
        Assert.Equal(2, deployments.Current.Find("iris")!.Spec.Stable);
        var retired = new List<WeakReference<ModelGeneration>>();

        async Task Cycle()
        {
            // Version 1 serves a pinned request, is unloaded (version 2 keeps serving), and is loaded again.
            Assert.Equal("1", (await service.InferAsync(IrisRequest("1"), CancellationToken.None)).ModelVersion);
            var generation = _registry.Current.Models["iris"].Loaded[1];
            deployments.Unload("iris", 1, "test");

            // No request holds it, so its runtime is freed at once; a later call finds it disposed.
            Assert.True(generation.IsRetired);
            Assert.True(generation.IsDisposed);
            Assert.Throws<ObjectDisposedException>(() => generation.Runtime.RunAsync([Features(1)], ["Score.output"], CancellationToken.None).AsTask().GetAwaiter().GetResult());
            retired.Add(new WeakReference<ModelGeneration>(generation));
            Assert.Equal("2", (await service.InferAsync(IrisRequest(null), CancellationToken.None)).ModelVersion);
            deployments.Load("iris", 1);
        }

        for (var i = 0; i < 20; i++)
        {
            await Cycle();
        }

        var (rssBefore, heapBefore) = Measure();
        for (var i = 0; i < 200; i++)
        {
            await Cycle();
        }

        var (rssAfter, heapAfter) = Measure();

        // Measured on this model: 100 sessions kept alive cost 14.8 MB of RSS (about 150 KB each), so leaking the
        // 200 unloaded ones would add about 30 MB, and leaking even 40% of them passes 12 MB. A correct run grows
        // about 2 MB (allocator noise). A leaked generation (manifest with its baseline, binding, runtime) is
        // about 20 KB of managed heap, so 200 of them pass 2 MB; a correct run grows by a few KB.
        TestContext.Current.SendDiagnosticMessage($"RSS {rssBefore / 1e6:F1} -> {rssAfter / 1e6:F1} MB, GC heap {heapBefore / 1e6:F2} -> {heapAfter / 1e6:F2} MB");
        Assert.InRange(rssAfter - rssBefore, long.MinValue, 12_000_000);
        Assert.InRange(heapAfter - heapBefore, long.MinValue, 2_000_000);

        // Nothing (snapshots, deployments, metadata caches) keeps unloaded generations alive.
        Assert.Equal(220, retired.Count);
        Assert.All(retired, reference => Assert.False(reference.TryGetTarget(out _)));
    }

    [Fact]
    public void A_package_whose_examples_cannot_run_is_marked_failed_with_warm_up_failed_and_never_serves()
    {
        // The lookup model indexes a 3-entry table with its input: 7 is out of range and fails at run time.
        PublishLookup(1, exampleValue: 7);

        _registry.Scan();

        var entry = _registry.Current.Models["lookup"];
        var status = Assert.Single(entry.Versions);
        Assert.Equal(ModelVersionState.Failed, status.State);
        Assert.StartsWith("warm-up failed", status.Reason, StringComparison.Ordinal);
        Assert.Empty(entry.Loaded);
    }

    [Fact]
    public void The_same_artifact_with_examples_that_run_warms_up_and_serves()
    {
        PublishLookup(1, exampleValue: 2);

        _registry.Scan();

        var entry = _registry.Current.Models["lookup"];
        Assert.Equal(ModelVersionState.Ready, Assert.Single(entry.Versions).State);
        Assert.Equal(1, entry.Default!.Version);
    }

    private static (long Rss, long Heap) Measure()
    {
        // Finalizers may free native memory; the aggressive collection then hands the GC's free memory back to
        // the system, so RSS counts what is live rather than what the GC keeps committed for later.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return (kilobytes * 1024, GC.GetTotalMemory(forceFullCollection: true));
    }

    private static Tensor Features(long rows) =>
        Tensor.FromValues("Features", TensorDataType.FP32, [rows, 4], (ReadOnlySpan<float>)[.. Enumerable.Repeat(new[] { 5.1f, 3.5f, 1.4f, 0.2f }, (int)rows).SelectMany(r => r)]);

    private static InferenceRequest IrisRequest(string? version) => new()
    {
        ModelName = "iris",
        Version = version,
        Inputs = [Tensor.FromValues("input", TensorDataType.FP32, [1, 4], (ReadOnlySpan<float>)[5.1f, 3.5f, 1.4f, 0.2f])],
    };

    private void CopyVersion(string source, string model, int version)
    {
        var target = Path.Combine(_root, model, version.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    private void PublishLookup(int version, double exampleValue)
    {
        var directory = Path.Combine(_root, "lookup", version.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var artifact = Path.Combine(directory, "model.onnx");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Onnx", "lookup_fp32.onnx"), artifact);
        ManifestSerializer.Write(directory, new ModelManifest
        {
            Format = ModelFormats.Onnx,
            Task = ModelTasks.Regression,
            Signature = new ModelSignature
            {
                Inputs = [new TensorSpec { Name = "value", Source = "x", Datatype = "FP32", Shape = [-1, 1], Features = ["a"] }],
                Outputs = [new TensorSpec { Name = "y", Datatype = "FP32", Shape = [-1, 1] }],
            },
            Artifacts = new Dictionary<string, string> { ["model.onnx"] = Checksums.Sha256OfFile(artifact) },
            Examples = [new Dictionary<string, double> { ["a"] = exampleValue }, new Dictionary<string, double> { ["a"] = 0 }],
        });
    }
}
