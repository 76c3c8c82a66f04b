using Serving.Core.Packaging;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.MLNet;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Cli;

/// <summary>The runtimes the CLI packages with: the same ones the gateway serves with.</summary>
public static class RuntimeFactories
{
    public static IReadOnlyList<IModelRuntimeFactory> Default() => [new OnnxRuntimeFactory(), new MLNetRuntimeFactory()];

    /// <summary>A package builder over <see cref="Default"/>.</summary>
    public static PackageBuilder Builder() => new(Default());
}
