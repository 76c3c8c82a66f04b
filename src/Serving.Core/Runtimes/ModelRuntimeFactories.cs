using Serving.Core.Runtimes.MLNet;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Runtimes;

/// <summary>The runtime factories the gateway knows, picked by a manifest's format.</summary>
public sealed class ModelRuntimeFactories
{
    private readonly Dictionary<string, IModelRuntimeFactory> _byFormat;

    /// <summary>Indexes <paramref name="factories"/> by format; two factories for one format are refused.</summary>
    public ModelRuntimeFactories(IEnumerable<IModelRuntimeFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        _byFormat = new Dictionary<string, IModelRuntimeFactory>(StringComparer.Ordinal);
        foreach (var factory in factories)
        {
            if (!_byFormat.TryAdd(factory.Format, factory))
            {
                throw new ArgumentException($"two runtime factories load format '{factory.Format}'", nameof(factories));
            }
        }
    }

    /// <summary>Formats that can be loaded.</summary>
    public IReadOnlyCollection<string> Formats => _byFormat.Keys;

    /// <summary>ONNX (with <paramref name="onnxOptions"/>) and ML.NET.</summary>
    public static ModelRuntimeFactories CreateDefault(OnnxRuntimeOptions onnxOptions) =>
        new([new OnnxRuntimeFactory(onnxOptions), new MLNetRuntimeFactory()]);

    /// <summary>The factory for <paramref name="format"/>, if one is known.</summary>
    public bool TryGet(string format, out IModelRuntimeFactory factory) => _byFormat.TryGetValue(format, out factory!);

    /// <summary>Loads an artifact of <paramref name="format"/>; an unknown format is a <see cref="ModelLoadException"/>.</summary>
    public IModelRuntime Load(string format, string artifactPath) =>
        TryGet(format, out var factory)
            ? factory.Load(artifactPath)
            : throw new ModelLoadException($"unknown model format '{format}'; this gateway loads {string.Join(", ", _byFormat.Keys)}");
}
