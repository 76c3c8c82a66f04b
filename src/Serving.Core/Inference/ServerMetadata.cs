namespace Serving.Core.Inference;

/// <summary>OIP server metadata.</summary>
public sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);
