using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Events;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Rollouts;
using Serving.Core.Routing;
using Serving.Core.Tests.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Rollouts;

/// <summary>
/// Model <c>m</c> with stable version 1 and a published version 2, the real data plane over doubling runtimes,
/// per-version statistics fed by it, and a started rollout controller, all on one fake clock. <see cref="Restart"/>
/// stops them and starts new ones over the same registry folder and data directory, as a process restart would.
/// </summary>
internal sealed class RolloutTestBed : IDisposable
{
    private readonly Serving.Core.Coordination.ILeadership? _leadership;

    public RolloutTestBed(RolloutOptions? options = null, string policy = "manual", IGatewayEventPublisher? events = null, Serving.Core.Coordination.ILeadership? leadership = null)
    {
        Events = events ?? new RecordingEventPublisher();
        _leadership = leadership;
        Test.Policies.Models["m"] = new ModelOptions { Policy = policy };
        Test.Publish("m", 1, manifest: Manifest);
        Test.Registry.Scan();
        _ = Test.Deployments;
        Test.Publish("m", 2, manifest: Manifest);
        Test.Registry.Scan();

        Options = options ?? new RolloutOptions();
        StartParts();
    }

    public TestRegistry Test { get; private set; } = new();

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => Test.Time;

    public RolloutOptions Options { get; private set; }

    public VersionTrafficStats Stats { get; private set; } = null!;

    public InferenceService Service { get; private set; } = null!;

    public RolloutController Controller { get; private set; } = null!;

    /// <summary>Where the controller's events go; a <see cref="RecordingEventPublisher"/> unless the test gave one.</summary>
    public IGatewayEventPublisher Events { get; private set; }

    /// <summary>What the controller logged since it last started.</summary>
    public ListLogger<RolloutController> Logs { get; private set; } = new();

    /// <summary>
    /// A process restart in the middle of whatever runs: the controller, statistics and registry stop with nothing
    /// saved beyond what the controller saved as it went, and new ones start over the same folders and fake clock.
    /// </summary>
    public void Restart(RolloutOptions? options = null, IGatewayEventPublisher? events = null)
    {
        StopParts();
        Test = Test.Reopen();
        _ = Test.Deployments;
        Test.Registry.Scan();
        Options = options ?? Options;
        Events = events ?? Events;
        Logs = new ListLogger<RolloutController>();
        StartParts();
    }

    public SettableAccuracy Accuracy { get; } = new();

    public ModelDeployment Deployment => Test.Deployments.Current.Find("m")!;

    /// <summary>The doubling runtime serving <paramref name="version"/>, to inject failures.</summary>
    public DoublingRuntime Runtime(int version) => (DoublingRuntime)Test.Registry.Current.Models["m"].Loaded[version].Runtime;

    /// <summary>Sends <paramref name="count"/> requests pinned to a version through the data plane; returns how many failed.</summary>
    public async Task<int> Send(int version, int count, float value = 1f)
    {
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            var request = new InferenceRequest
            {
                ModelName = "m",
                Version = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[value, value + 1, value + 2])],
            };
            try
            {
                await Service.InferAsync(request, CancellationToken.None);
            }
            catch (InferenceException)
            {
                failed++;
            }
        }

        return failed;
    }

    /// <summary>Feeds the statistics directly: <paramref name="count"/> successful requests of the given latency.</summary>
    public void Feed(int version, int count, TimeSpan latency, InferenceErrorKind? error = null)
    {
        var request = new InferenceRequest { ModelName = "m", Inputs = [] };
        for (var i = 0; i < count; i++)
        {
            Stats.Consume(new InferenceRecord("m", version, RouteKind.Pinned, "rest", Time.GetUtcNow() - latency, latency, error, request, null));
        }
    }

    /// <summary>Healthy traffic on both versions for one interval, then the interval passes.</summary>
    public async Task HealthyStep(int requests = 60)
    {
        await Send(1, requests);
        await Send(2, requests);
        Time.Advance(TimeSpan.FromSeconds(Options.IntervalSeconds));
    }

    public void Dispose()
    {
        StopParts();
        Test.Dispose();
    }

    private void StartParts()
    {
        Stats = new VersionTrafficStats(Test.Registry, Microsoft.Extensions.Options.Options.Create(Options), Time);
        Service = new InferenceService(
            Test.Registry, Test.Deployments, new TrafficRouter(new SharedRandomSource()), Microsoft.Extensions.Options.Options.Create(new ServingOptions()), [new StatsFeed(Stats)], Time);
        Controller = new RolloutController(
            Test.Deployments, Test.Registry, Stats, Accuracy, Microsoft.Extensions.Options.Options.Create(Options), Time, Events, Logs, _leadership);
        Controller.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private void StopParts()
    {
        Controller.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Controller.Dispose();
        Stats.Dispose();
    }

    private static Serving.Core.Contracts.ModelManifest Manifest(string checksum)
    {
        var manifest = TestRegistry.Manifest(checksum);
        return manifest with { Signature = manifest.Signature with { PredictionOutput = "doubled" } };
    }

    // What the gateway's monitoring pipeline does for the statistics, without its queue: each finished request is
    // counted as it finishes, so a test reads its window at once.
    private sealed class StatsFeed(VersionTrafficStats stats) : IInferenceObserver
    {
        public void OnCompleted(InferenceRecord record) => stats.Consume(record);
    }
}
