using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Tests.Support;

/// <summary>Loads <see cref="DoublingRuntime"/>s for artifacts whose content is "doubling" (or "tripling"); anything else fails to load.</summary>
internal sealed class DoublingRuntimeFactory : IModelRuntimeFactory
{
    private readonly List<DoublingRuntime> _loaded = [];

    public string Format => "onnx";

    public IReadOnlyList<DoublingRuntime> Loaded => _loaded;

    public IModelRuntime Load(string artifactPath)
    {
        var runtime = File.ReadAllText(artifactPath) switch
        {
            "doubling" => new DoublingRuntime(),
            "tripling" => new DoublingRuntime(3),

            // An artifact that describes one input twice: comparing it with the manifest throws (a runtime's bug).
            "duplicate-inputs" => new DoublingRuntime { Inputs = [new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, 3] }, new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1, 3] }] },
            // A runtime whose message names the artifact by its full path, as ONNX Runtime's and ML.NET's do.
            "unreadable" => throw new ModelLoadException($"cannot read '{artifactPath}'"),
            _ => throw new ModelLoadException($"cannot parse {Path.GetFileName(artifactPath)}: not a model"),
        };
        lock (_loaded)
        {
            _loaded.Add(runtime);
        }

        return runtime;
    }
}
