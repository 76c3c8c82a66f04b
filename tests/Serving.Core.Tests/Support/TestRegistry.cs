using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
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

    public TestRegistry(double settleSeconds = 10, ILogger<ModelRegistry>? logger = null)
    {
        Root = Directory.CreateTempSubdirectory("registry-").FullName;
        Registry = new ModelRegistry(
            new ModelVersionLoader(new ModelRuntimeFactories([Factory])),
            Options.Create(new RegistryOptions { Path = Root, SettleSeconds = settleSeconds }),
            Time,
            logger ?? NullLogger<ModelRegistry>.Instance);
    }

    public string Root { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

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

    public void Dispose()
    {
        Registry.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
