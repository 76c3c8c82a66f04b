using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Support;

/// <summary>Loads <see cref="DoublingRuntime"/>s for artifacts whose content is "doubling"; anything else fails to load.</summary>
internal sealed class DoublingRuntimeFactory : IModelRuntimeFactory
{
    private readonly List<DoublingRuntime> _loaded = [];

    public string Format => "onnx";

    public IReadOnlyList<DoublingRuntime> Loaded => _loaded;

    public IModelRuntime Load(string artifactPath)
    {
        if (File.ReadAllText(artifactPath) != "doubling")
        {
            throw new ModelLoadException($"cannot parse {Path.GetFileName(artifactPath)}: not a model");
        }

        var runtime = new DoublingRuntime();
        lock (_loaded)
        {
            _loaded.Add(runtime);
        }

        return runtime;
    }
}
