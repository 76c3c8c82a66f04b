using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Routing;

public sealed class FailedLoadTests : IDisposable
{
    private readonly TestRegistry _test = new();

    public void Dispose() => _test.Dispose();

    private InferenceService Service() =>
        new(_test.Registry, _test.Deployments, new TrafficRouter(new SeededRandomSource(1)), Options.Create(new ServingOptions()));

    private static InferenceRequest Request(string? routingKey = null) => new()
    {
        ModelName = "m",
        RoutingKey = routingKey,
        Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])],
    };

    [Fact]
    public async Task Setting_a_version_that_does_not_load_is_a_conflict_and_the_old_version_keeps_serving()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Policies.Models["m"] = new ModelOptions { Policy = "manual" };
        _test.Publish("m", 3, artifact: "corrupt");
        _test.Registry.Scan();
        var service = Service();
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1 }, "test", "pin");
        var before = _test.Deployments.Current.Find("m");

        var error = Assert.Throws<DeploymentException>(
            () => _test.Deployments.Set("m", new DeploymentSpec { Stable = 3 }, "test", "bad"));
        var canaryError = Assert.Throws<DeploymentException>(
            () => _test.Deployments.Set("m", new DeploymentSpec { Stable = 2, Canary = 3, CanaryWeight = 50 }, "test", "bad canary"));

        Assert.Equal(DeploymentErrorKind.Conflict, error.Kind);
        Assert.Contains("not a model", error.Message, StringComparison.Ordinal);
        Assert.Equal(DeploymentErrorKind.Conflict, canaryError.Kind);
        Assert.Same(before, _test.Deployments.Current.Find("m"));
        var failed = _test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 3);
        Assert.Equal(ModelVersionState.Failed, failed.State);
        Assert.Contains("not a model", failed.Reason, StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("1", (await service.InferAsync(Request(routingKey: $"k{i}"), CancellationToken.None)).ModelVersion);
        }
    }

    [Fact]
    public async Task A_newly_published_version_that_fails_to_load_leaves_stable_unchanged_under_auto_stable()
    {
        _test.Publish("m", 1);
        _test.Registry.Scan();
        var service = Service();
        var before = _test.Deployments.Current.Find("m");

        _test.Publish("m", 2, artifact: "corrupt");
        _test.Registry.Scan();

        Assert.Same(before, _test.Deployments.Current.Find("m"));
        Assert.Equal(ModelVersionState.Failed, _test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 2).State);
        Assert.Equal("1", (await service.InferAsync(Request(), CancellationToken.None)).ModelVersion);
    }

    [Fact]
    public void A_version_that_failed_to_load_and_is_then_fixed_is_published_and_deployed_under_auto_stable()
    {
        _test.Publish("m", 1);
        _test.Registry.Scan();
        var deployments = _test.Deployments;
        _test.Publish("m", 2, artifact: "corrupt");
        _test.Registry.Scan();
        Assert.Throws<DeploymentException>(() => deployments.Load("m", 2));

        _test.Publish("m", 2);
        _test.Registry.Scan();

        Assert.Equal(2, deployments.Current.Find("m")!.Spec.Stable);
    }

    [Fact]
    public async Task A_request_that_arrives_while_a_removed_version_is_freed_is_served_by_another_version()
    {
        var factory = new DisposeHookRuntimeFactory();
        var root = Directory.CreateTempSubdirectory("registry-").FullName;
        try
        {
            using var registry = new ModelRegistry(
                new ModelVersionLoader(new Serving.Core.Runtimes.ModelRuntimeFactories([factory])),
                Options.Create(new RegistryOptions { Path = root }),
                TimeProvider.System,
                NullLogger<ModelRegistry>.Instance);
            Publish(root, 1);
            Publish(root, 2);
            registry.Scan();
            var deployments = new DeploymentManager(registry, Options.Create(new DeploymentOptions()), Options.Create(new RegistryOptions { Path = root }), new DataDirectoryStatus(new DataPaths(Path.Combine(root, ".data")), TimeProvider.System), TimeProvider.System, NullLogger<DeploymentManager>.Instance);
            deployments.Set("m", new DeploymentSpec { Stable = 1 }, "test", "pin");
            var service = new InferenceService(registry, deployments, new TrafficRouter(new SeededRandomSource(1)), Options.Create(new ServingOptions()));

            // The runtime of version 1 is freed the moment the registry lets go of it (no request holds it); a request
            // that arrives at that moment must find a version that can serve, not a generation that is gone.
            Exception? failure = null;
            string? servedBy = null;
            factory.OnDispose = () =>
            {
                try
                {
                    servedBy = service.InferAsync(Request(), CancellationToken.None).AsTask().GetAwaiter().GetResult().ModelVersion;
                }
                catch (InferenceException ex)
                {
                    failure = ex;
                }
            };
            Directory.Delete(Path.Combine(root, "m", "1"), recursive: true);
            registry.Scan();

            Assert.Null(failure);
            Assert.Equal("2", servedBy);
            Assert.Equal("2", (await service.InferAsync(Request(), CancellationToken.None)).ModelVersion);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Publish(string root, int version)
    {
        var directory = Path.Combine(root, "m", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.onnx"), "doubling");
        Serving.Core.Packaging.ManifestSerializer.Write(directory, TestRegistry.Manifest(Serving.Core.Packaging.Checksums.Sha256OfFile(Path.Combine(directory, "model.onnx"))));
    }
}
