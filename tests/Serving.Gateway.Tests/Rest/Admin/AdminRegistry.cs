using Serving.Core.Packaging;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Rest.Admin;

/// <summary>Builds registries for admin tests: iris with extra copies of version 1, and broken versions.</summary>
internal static class AdminRegistry
{
    /// <summary>A private registry with iris versions 1 to <paramref name="versions"/> (copies of version 1).</summary>
    public static SampleRegistry Iris(int versions)
    {
        var registry = new SampleRegistry("iris");
        for (var v = 2; v <= versions; v++)
        {
            SampleRegistry.CopyDirectory(Path.Combine(registry.Path, "iris", "1"), Path.Combine(registry.Path, "iris", v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return registry;
    }

    /// <summary>Publishes a version whose artifact is garbage (with matching checksums), so it fails to load.</summary>
    public static void AddCorruptVersion(SampleRegistry registry, string model, int version)
    {
        var broken = Path.Combine(registry.Path, model, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SampleRegistry.CopyDirectory(Path.Combine(registry.Path, model, "1"), broken);
        File.WriteAllBytes(Path.Combine(broken, "model.onnx"), [0x08, 0x07, 0xFF, 0x00, 0x13]);
        var manifest = ManifestSerializer.Read(broken);
        ManifestSerializer.Write(broken, manifest with
        {
            Artifacts = new Dictionary<string, string> { ["model.onnx"] = Checksums.Sha256OfFile(Path.Combine(broken, "model.onnx")) },
        });
    }
}
