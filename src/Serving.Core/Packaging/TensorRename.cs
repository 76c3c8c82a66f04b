namespace Serving.Core.Packaging;

/// <summary>Serves the artifact's tensor <paramref name="Source"/> under the public name <paramref name="Name"/>.</summary>
public sealed record TensorRename(string Name, string Source);
