namespace Serving.Core.Runtimes;

/// <summary>Loads artifacts of one format.</summary>
public interface IModelRuntimeFactory
{
    /// <summary>The manifest format this factory loads (see <see cref="Contracts.ModelFormats"/>).</summary>
    string Format { get; }

    /// <summary>Loads the artifact file; throws <see cref="ModelLoadException"/> with a reason when it cannot.</summary>
    IModelRuntime Load(string artifactPath);
}
