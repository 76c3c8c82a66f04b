namespace Serving.Gateway.Tests.Hosting;

/// <summary>Test registries hold the committed sample versions only, whatever a user has published into <c>models/</c>.</summary>
public sealed class SampleRegistryTests : IDisposable
{
    private readonly string _source = Directory.CreateTempSubdirectory("published-models-").FullName;

    public void Dispose() => Directory.Delete(_source, recursive: true);

    [Fact]
    public void A_registry_built_from_a_folder_a_user_has_published_into_holds_exactly_the_committed_versions()
    {
        CommittedSamples.CopyTo(_source);
        var committed = Files(_source);
        // What README's recipes leave behind: a new version, one half-way through its copy, saved deployments, a model of one's own, a stray file.
        CommittedSamples.CopyVersion("iris", 1, Path.Combine(_source, "iris", "2"));
        CommittedSamples.CopyVersion("iris", 1, Path.Combine(_source, "iris", ".tmp-3"));
        CommittedSamples.CopyVersion("diabetes", 1, Path.Combine(_source, "wine", "1"));
        File.WriteAllText(Path.Combine(_source, ".deployments.json"), """{ "models": [] }""");
        File.WriteAllText(Path.Combine(_source, "iris", "notes.txt"), "retrain on Monday");

        using var registry = SampleRegistry.From(_source);
        using var irisOnly = SampleRegistry.From(_source, "iris");

        Assert.Equal(committed, Files(registry.Path));
        Assert.Equal(
            CommittedSamples.Versions.Select(v => $"{v.Model}/{v.Version}"),
            Directory.GetDirectories(registry.Path).SelectMany(m => Directory.GetDirectories(m).Select(v => $"{Path.GetFileName(m)}/{Path.GetFileName(v)}")).Order(StringComparer.Ordinal));
        Assert.Equal(["iris/1/model.json", "iris/1/model.onnx"], Files(irisOnly.Path));
    }

    [Fact]
    public void Naming_a_model_or_version_that_is_not_committed_fails_rather_than_copying_what_a_user_published()
    {
        Assert.Throws<ArgumentException>(() => new SampleRegistry("wine"));
        Assert.Throws<ArgumentException>(() => CommittedSamples.PathOf("iris", 2));
    }

    // Every file below a folder, relative to it with '/' separators, in ordinal order.
    private static string[] Files(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
}
