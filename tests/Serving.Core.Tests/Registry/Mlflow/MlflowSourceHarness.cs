using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Routing.Mlflow;
using Serving.Core.Routing;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>
/// A fake MLflow server and, over one temporary folder, what a gateway keeps: a disk registry folder, a data
/// directory (MLflow downloads, deployments state), a registry (real ONNX runtime) reading both, deployments and a
/// source. <see cref="Restart"/> replaces the gateway's part as a restart would, keeping folders and server.
/// </summary>
internal sealed class MlflowSourceHarness : IAsyncDisposable
{
    public const string Model = "breast_cancer_onnx";

    private readonly MlflowModelOptions _modelOptions;
    private readonly MlflowOptions _options;
    private readonly string _folder;

    private MlflowSourceHarness(FakeMlflowServer server, MlflowModelOptions? modelOptions)
    {
        Server = server;
        _modelOptions = modelOptions ?? new MlflowModelOptions { CanaryWeight = 20 };
        _folder = Directory.CreateTempSubdirectory("mlflow-source-").FullName;
        Directory.CreateDirectory(Root);
        Data = new DataPaths(Path.Combine(_folder, "data"));
        RegistryOptions = new RegistryOptions { Path = Root, SourceRoots = { Data.MlflowRegistry } };
        Policies = new DeploymentOptions { StatePath = Data.DeploymentsFile };
        Policies.Models[Model] = new ModelOptions { Source = MlflowModelOptions.SourceName };
        _options = new MlflowOptions { TrackingUri = server.Address.ToString(), RequestTimeoutSeconds = 5, DownloadTimeoutSeconds = 5 };
        Client = new MlflowRegistryClient(MlflowRegistryClient.CreateHttpClient(_options), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        Start();
    }

    public FakeMlflowServer Server { get; }

    /// <summary>The disk registry folder; the source never writes here.</summary>
    public string Root => Path.Combine(_folder, "registry");

    public DataPaths Data { get; }

    /// <summary>Where the source publishes versions: <c>&lt;data&gt;/mlflow</c>.</summary>
    public string MlflowRoot => Data.MlflowRegistry;

    public RegistryOptions RegistryOptions { get; }

    /// <summary>Deployment settings: the model follows MLflow; state is kept in the data directory.</summary>
    public DeploymentOptions Policies { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public ModelRegistry Registry { get; private set; }

    public DeploymentManager Deployments { get; private set; }

    public MlflowRegistryClient Client { get; }

    public MlflowSourceStatus Status { get; private set; }

    public MlflowModelSource Source { get; private set; }

    /// <summary>Every deployment change, in order, across restarts.</summary>
    public ConcurrentQueue<ModelDeployment> Changes { get; } = new();

    /// <summary>The source's state.</summary>
    public MlflowModelSourceState State => Status.Find(Model)!;

    /// <summary>The current deployment of the model, or null.</summary>
    public DeploymentSpec? Deployment => Deployments.Current.Find(Model)?.Spec;

    public static async Task<MlflowSourceHarness> StartAsync(MlflowModelOptions? modelOptions = null) =>
        new(await FakeMlflowServer.StartAsync(), modelOptions);

    /// <summary>A new registry, deployments and source over the same folders and server, as after a gateway restart.</summary>
    public void Restart()
    {
        Source.Dispose();
        Registry.Dispose();
        Start();
    }

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

    /// <summary>The usual pair: version 1 (bare) as the champion, version 2 (logged by a run) as the challenger.</summary>
    public void AddChampionOneAndChallengerTwo()
    {
        AddBareVersion(1);
        AddLoggedVersion(2);
        Server.SetAlias(Model, "champion", 1);
        Server.SetAlias(Model, "challenger", 2);
    }

    public async ValueTask DisposeAsync()
    {
        Source.Dispose();
        Registry.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [MemberNotNull(nameof(Registry), nameof(Deployments), nameof(Status), nameof(Source))]
    private void Start()
    {
        Registry = new ModelRegistry(
            new ModelVersionLoader(new ModelRuntimeFactories([new OnnxRuntimeFactory()])),
            Options.Create(RegistryOptions),
            Time,
            NullLogger<ModelRegistry>.Instance);
        Deployments = new DeploymentManager(Registry, Options.Create(Policies), Options.Create(RegistryOptions), new DataDirectoryStatus(Data, Time), Time, NullLogger<DeploymentManager>.Instance);
        Deployments.Changed += Changes.Enqueue;
        Status = new MlflowSourceStatus();
        Source = new MlflowModelSource(
            Model,
            _modelOptions,
            _options,
            Client,
            new PackageBuilder([new OnnxRuntimeFactory()], Time),
            Registry,
            Deployments,
            RegistryOptions,
            Data,
            Status,
            Time,
            NullLogger<MlflowModelSource>.Instance);
    }
}
