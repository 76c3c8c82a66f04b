using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Routing;

/// <summary>A model whose deployment a source (MLflow aliases) sets: it takes no traffic and no policy acts until then.</summary>
public sealed class SourceModelTests : IDisposable
{
    private readonly TestRegistry _test = new();

    public SourceModelTests()
    {
        // An explicit policy would be refused at start-up; PolicyOf still must not apply it.
        _test.Policies.Models["m"] = new ModelOptions { Source = "mlflow", Policy = "auto-stable" };
        _test.Policies.Models["plain"] = new ModelOptions { Policy = "auto-stable" };
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Publish("plain", 1);
        _test.Registry.Scan();
    }

    public void Dispose() => _test.Dispose();

    private TrafficRouter Router => new(new SeededRandomSource(1), Options.Create(_test.Policies));

    private InferenceService Service => new(_test.Registry, _test.Deployments, Router, Options.Create(new ServingOptions()));

    private static InferenceRequest Request(string model) =>
        new() { ModelName = model, Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[1f, 2f, 3f])] };

    [Fact]
    public void The_registry_gives_a_source_model_no_deployment_and_its_policy_is_manual()
    {
        var deployments = _test.Deployments;
        _test.Publish("m", 3);
        _test.Registry.Scan();

        Assert.Null(deployments.Current.Find("m"));
        Assert.Equal(DeploymentPolicy.Manual, deployments.PolicyOf("m"));
        Assert.Equal(1, deployments.Current.Find("plain")!.Spec.Stable);
    }

    [Fact]
    public async Task Until_the_source_sets_its_deployment_a_source_model_routes_nowhere_and_says_why()
    {
        _ = _test.Deployments;
        var service = Service;

        Assert.Null(Router.Route(_test.Registry.Current.Models["m"], null, "any-key"));
        Assert.False(service.IsModelReady("m", null));
        var error = await Assert.ThrowsAsync<InferenceException>(() => service.InferAsync(Request("m"), CancellationToken.None).AsTask());
        Assert.Equal(InferenceErrorKind.Unavailable, error.Kind);
        Assert.Contains("model 'm' has no deployment yet: it follows MLflow", error.Message, StringComparison.Ordinal);

        // A pinned version still answers, and a model without a source serves its newest version as before.
        Assert.Equal("1", (await service.InferAsync(Request("m") with { Version = "1" }, CancellationToken.None)).ModelVersion);
        Assert.Equal(1, Router.Route(_test.Registry.Current.Models["plain"], null, null)!.Value.Generation.Version);
    }

    [Fact]
    public async Task Once_the_source_sets_the_deployment_the_model_routes_by_it()
    {
        _test.Deployments.Set("m", new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 0 }, "mlflow", "aliases");

        var response = await Service.InferAsync(Request("m"), CancellationToken.None);

        Assert.Equal("1", response.ModelVersion);
        Assert.True(Service.IsModelReady("m", null));
    }
}
