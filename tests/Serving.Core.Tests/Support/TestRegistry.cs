using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Runtimes;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Support;

/// <summary>A temporary registry folder with helpers to publish version folders, and a registry over it.</summary>
internal sealed class TestRegistry : IDisposable
{
    private DeploymentManager? _deployments;
    private DataDirectoryStatus? _dataDirectory;
    private readonly double _settleSeconds;

    public TestRegistry(double settleSeconds = 10, ILogger<ModelRegistry>? logger = null)
        : this(Directory.CreateTempSubdirectory("registry-").FullName, new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), settleSeconds, logger)
    {
    }

    private TestRegistry(string root, FakeTimeProvider time, double settleSeconds, ILogger<ModelRegistry>? logger)
    {
        Root = root;
        Time = time;
        _settleSeconds = settleSeconds;
        Registry = new ModelRegistry(
            new ModelVersionLoader(new ModelRuntimeFactories([Factory])),
            Options.Create(new RegistryOptions { Path = Root, SettleSeconds = settleSeconds }),
            Time,
            logger ?? NullLogger<ModelRegistry>.Instance);
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; }

    public DoublingRuntimeFactory Factory { get; } = new();

    public ModelRegistry Registry { get; }

    /// <summary>The data directory deployments are saved to: a dot-folder in the registry, which the scan ignores.</summary>
    public DataDirectoryStatus DataDirectory => _dataDirectory ??= new DataDirectoryStatus(new DataPaths(Path.Combine(Root, ".data")), Time);

    /// <summary>Deployments over <see cref="Registry"/>, kept in <see cref="DataDirectory"/>; made on first use.</summary>
    public DeploymentManager Deployments => _deployments ??= new DeploymentManager(
        Registry,
        Options.Create(Policies),
        Options.Create(new RegistryOptions { Path = Root }),
        DataDirectory,
        Time,
        NullLogger<DeploymentManager>.Instance);

    /// <summary>Policies for <see cref="Deployments"/>; set before first use.</summary>
    public DeploymentOptions Policies { get; } = new();

    public static ModelManifest Manifest(string checksum, string inputName = "x") => new()
    {
        Format = ModelFormats.Onnx,
        Task = ModelTasks.Regression,
        Signature = new ModelSignature
        {
            Inputs = [new TensorSpec { Name = "features", Source = inputName, Datatype = "FP32", Shape = [-1, 3], Features = ["a", "b", "c"] }],
            Outputs = [new TensorSpec { Name = "doubled", Source = "y", Datatype = "FP32", Shape = [-1, 3] }],
        },
        Artifacts = new Dictionary<string, string> { ["model.onnx"] = checksum },
    };

    /// <summary>Writes a complete, valid version folder.</summary>
    public string Publish(string model, int version, string artifact = "doubling", Func<string, ModelManifest>? manifest = null)
    {
        var directory = Path.Combine(Root, model, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.onnx"), artifact);
        var checksum = Checksums.Sha256OfFile(Path.Combine(directory, "model.onnx"));
        ManifestSerializer.Write(directory, (manifest ?? (c => Manifest(c)))(checksum));
        return directory;
    }

    /// <summary>
    /// A process restart: this registry is closed (its folders and data directory stay), and a new registry over the
    /// same folders, clock and policies is returned, not yet scanned; its deployments are made on first use.
    /// </summary>
    public TestRegistry Reopen()
    {
        Registry.Dispose();
        var next = new TestRegistry(Root, Time, _settleSeconds, null);
        foreach (var (model, options) in Policies.Models)
        {
            next.Policies.Models[model] = options;
        }

        return next;
    }

    public void Dispose()
    {
        Registry.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
