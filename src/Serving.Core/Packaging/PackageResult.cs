using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>A published version: its number, its folder and the manifest written there.</summary>
public sealed record PackageResult(int Version, string Directory, ModelManifest Manifest);
