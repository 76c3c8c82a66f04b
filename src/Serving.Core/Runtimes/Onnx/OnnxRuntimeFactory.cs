using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>Loads <c>model.onnx</c> artifacts into <see cref="OnnxModelRuntime"/>s.</summary>
public sealed class OnnxRuntimeFactory : IModelRuntimeFactory
{
    private readonly OnnxRuntimeOptions _options;

    /// <summary>A factory with the default options.</summary>
    public OnnxRuntimeFactory()
        : this(new OnnxRuntimeOptions())
    {
    }

    /// <summary>A factory whose sessions use <paramref name="options"/>; throws when they are invalid.</summary>
    public OnnxRuntimeFactory(OnnxRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
    }

    /// <inheritdoc />
    public string Format => ModelFormats.Onnx;

    /// <inheritdoc />
    public IModelRuntime Load(string artifactPath) => OnnxModelRuntime.Load(artifactPath, _options);
}
