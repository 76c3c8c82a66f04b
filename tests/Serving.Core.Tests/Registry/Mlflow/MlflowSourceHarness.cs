using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Routing;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>A fake MLflow server, a real disk registry (real ONNX runtime) with deployments, and a source over them.</summary>
internal sealed class MlflowSourceHarness : IAsyncDisposable
{
    public const string Model = "breast_cancer_onnx";

    private MlflowSourceHarness(FakeMlflowServer server, MlflowModelOptions? modelOptions)
    {
        Server = server;
        Root = Directory.CreateTempSubdirectory("mlflow-registry-").FullName;
        var registryOptions = new RegistryOptions { Path = Root };
        Registry = new ModelRegistry(
            new ModelVersionLoader(new ModelRuntimeFactories([new OnnxRuntimeFactory()])),
            Options.Create(registryOptions),
            Time,
            NullLogger<ModelRegistry>.Instance);
        var policies = new DeploymentOptions();
        policies.Models[Model] = new ModelOptions { Policy = "manual" };
        Deployments = new DeploymentManager(Registry, Options.Create(policies), Options.Create(registryOptions), new DataDirectoryStatus(new DataPaths(Path.Combine(Root, ".data")), Time), Time, NullLogger<DeploymentManager>.Instance);
        var options = new MlflowOptions { TrackingUri = server.Address.ToString(), RequestTimeoutSeconds = 5, DownloadTimeoutSeconds = 5 };
        Client = new MlflowRegistryClient(MlflowRegistryClient.CreateHttpClient(options), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        Source = new MlflowModelSource(
            Model,
            modelOptions ?? new MlflowModelOptions { CanaryWeight = 20 },
            options,
            Client,
            new PackageBuilder([new OnnxRuntimeFactory()], Time),
            Registry,
            Deployments,
            registryOptions,
            Status,
            Time,
            NullLogger<MlflowModelSource>.Instance);
    }

    public FakeMlflowServer Server { get; }

    public string Root { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public ModelRegistry Registry { get; }

    public DeploymentManager Deployments { get; }

    public MlflowRegistryClient Client { get; }

    public MlflowSourceStatus Status { get; } = new();

    public MlflowModelSource Source { get; }

    /// <summary>The source's state.</summary>
    public MlflowModelSourceState State => Status.Find(Model)!;

    /// <summary>The current deployment of the model, or null.</summary>
    public DeploymentSpec? Deployment => Deployments.Current.Find(Model)?.Spec;

    public static async Task<MlflowSourceHarness> StartAsync(MlflowModelOptions? modelOptions = null) =>
        new(await FakeMlflowServer.StartAsync(), modelOptions);

    /// <summary>Version 1 registered from a bare ONNX file (no MLmodel), as in registry-rest-transcript-onnx.txt.</summary>
    public void AddBareVersion(int version = 1) =>
        Server.AddVersion(Model, version, $"manual/onnx-v{version}", new Dictionary<string, byte[]> { ["model.onnx"] = MlflowFixtures.Bytes("bare-model.onnx") });

    /// <summary>A version logged by a run: an MLflow model folder with the recorded MLmodel, its ONNX file and side files.</summary>
    public void AddLoggedVersion(int version, string runId = "436d5a8e5bd2414cbb1758066bfed79f") =>
        Server.AddVersion(Model, version, $"1/{runId}/artifacts/model", new Dictionary<string, byte[]>
        {
            ["MLmodel"] = MlflowFixtures.Bytes("MLmodel-onnx-example"),
            ["model.onnx"] = MlflowFixtures.Bytes("logistic.onnx"),
            ["requirements.txt"] = "mlflow==2.12.2\nonnx==1.12.0\n"u8.ToArray(),
            ["metadata/python_env.yaml"] = "python: 3.11.2\n"u8.ToArray(),
        }, runId);

    public async ValueTask DisposeAsync()
    {
        Source.Dispose();
        Registry.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
