using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>Loads ML.NET <c>model.zip</c> artifacts into <see cref="MLNetModelRuntime"/>s.</summary>
public sealed class MLNetRuntimeFactory : IModelRuntimeFactory
{
    /// <inheritdoc />
    public string Format => ModelFormats.MLNet;

    /// <inheritdoc />
    public IModelRuntime Load(string artifactPath) => MLNetModelRuntime.Load(artifactPath);
}
