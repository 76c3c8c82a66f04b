using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Tests.Runtimes.Onnx;

namespace Serving.Core.Tests.Packaging;

/// <summary>Packaging ONNX files made elsewhere (torch.onnx.export, an sklearn-shaped ZipMap graph).</summary>
public sealed class PackageBuilderTests
{
    private readonly PackageBuilder _builder = new([new OnnxRuntimeFactory()], new FixedTime());

    [Fact]
    public async Task A_torch_exported_model_is_packaged_with_its_own_names_and_the_csv_feature_names()
    {
        using var temp = new TemporaryDirectory();

        var result = await _builder.BuildAsync(TorchOnIris(temp.Path), TestContext.Current.CancellationToken);

        var input = Assert.Single(result.Manifest.Signature.Inputs);
        Assert.Equal("features", input.Name);
        Assert.Null(input.Source);
        Assert.Equal([-1, 4], input.Shape);
        Assert.Equal(CsvDataSet.Load(RepositoryFiles.Data("iris.csv")).ColumnNames.Take(4), input.Features);
        var output = Assert.Single(result.Manifest.Signature.Outputs);
        Assert.Equal(("probabilities", "FP32"), (output.Name, output.Datatype));
        Assert.Equal("probabilities", result.Manifest.Signature.PredictionOutput);
        Assert.Equal(ModelTasks.Multiclass, result.Manifest.Task);
        Assert.Equal(["0", "1", "2"], result.Manifest.Signature.Classes);
    }

    [Fact]
    public async Task The_published_folder_holds_the_artifact_and_a_manifest_whose_checksum_matches_it()
    {
        using var temp = new TemporaryDirectory();

        var result = await _builder.BuildAsync(TorchOnIris(temp.Path), TestContext.Current.CancellationToken);

        var manifest = ManifestSerializer.Read(result.Directory);
        Assert.Equal(Checksums.Sha256OfFile(Path.Combine(result.Directory, "model.onnx")), manifest.Artifacts["model.onnx"]);
        Assert.Equal(Checksums.Sha256OfFile(OnnxFixtures.PathOf("torch_mlp.onnx")), manifest.Artifacts["model.onnx"]);
        Assert.Equal(["1"], Directory.EnumerateDirectories(Path.Combine(temp.Path, "flowers")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_manifest_records_lineage_and_baselines_of_the_training_data()
    {
        using var temp = new TemporaryDirectory();

        var manifest = (await _builder.BuildAsync(TorchOnIris(temp.Path) with { CodeCommit = "abc123" }, TestContext.Current.CancellationToken)).Manifest;

        Assert.Equal("iris.csv", manifest.Lineage!.TrainingData!.File);
        Assert.Equal(Checksums.Sha256OfFile(RepositoryFiles.Data("iris.csv")), manifest.Lineage.TrainingData.Sha256);
        Assert.Equal(150, manifest.Lineage.TrainingData.Rows);
#pragma warning disable CA5351 // DVC's md5, computed here independently of the code under test
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(RepositoryFiles.Data("iris.csv")))), manifest.Lineage.TrainingData.Md5);
#pragma warning restore CA5351
        Assert.Equal(new FileInfo(RepositoryFiles.Data("iris.csv")).Length, manifest.Lineage.TrainingData.Size);
        Assert.Equal("abc123", manifest.Lineage.CodeCommit);
        Assert.Equal(FixedTime.Now, manifest.Lineage.CreatedAt);
        Assert.Equal(4, manifest.Baseline!.Features.Count);
        Assert.Equal(new Dictionary<string, long> { ["0"] = 50, ["1"] = 50, ["2"] = 50 }, manifest.Baseline.Label!.Classes);
        Assert.Equal(150, manifest.Baseline.Prediction!.Classes!.Values.Sum());
        Assert.Equal(5, manifest.Examples!.Count);
        Assert.Equal((float)5.1, manifest.Examples[0]["sepal length (cm)"]);
    }

    [Fact]
    public async Task Packaging_the_same_model_twice_publishes_versions_one_and_two()
    {
        using var temp = new TemporaryDirectory();

        var first = await _builder.BuildAsync(TorchOnIris(temp.Path), TestContext.Current.CancellationToken);
        var second = await _builder.BuildAsync(TorchOnIris(temp.Path), TestContext.Current.CancellationToken);

        Assert.Equal((1, 2), (first.Version, second.Version));
    }

    [Fact]
    public async Task A_model_with_a_zipmap_output_is_refused_with_how_to_export_without_it()
    {
        using var temp = new TemporaryDirectory();
        var request = new PackageRequest { ArtifactPath = OnnxFixtures.PathOf("zipmap_classifier.onnx"), ModelName = "zipmap", RegistryPath = temp.Path, Task = ModelTasks.Binary };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("'probabilities'", error.Message, StringComparison.Ordinal);
        Assert.Contains("zipmap", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "zipmap", "1")));
    }

    [Fact]
    public async Task A_zipmap_output_left_out_by_the_output_map_does_not_block_packaging()
    {
        using var temp = new TemporaryDirectory();
        var request = new PackageRequest
        {
            ArtifactPath = OnnxFixtures.PathOf("zipmap_classifier.onnx"),
            ModelName = "zipmap",
            RegistryPath = temp.Path,
            Task = ModelTasks.Binary,
            Outputs = [new TensorRename("label", "label")],
        };

        var result = await _builder.BuildAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(["label"], result.Manifest.Signature.Outputs.Select(o => o.Name));
    }

    [Fact]
    public async Task Training_data_whose_feature_count_differs_from_the_input_is_refused()
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Path) with { TrainingDataPath = RepositoryFiles.Data("breast-cancer.csv") };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("30 feature column(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_training_data_the_task_must_be_given()
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Path) with { TrainingDataPath = null };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("--task", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_column_that_does_not_exist_is_refused_with_the_columns()
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Path) with { Label = "species" };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("petal width (cm)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".hidden")]
    [InlineData("../x")]
    [InlineData("a\\b")]
    [InlineData("a:b")]
    [InlineData("nul\0")]
    public async Task A_name_that_is_not_one_registry_folder_name_is_refused_with_what_a_name_may_not_be(string name)
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Path) with { ModelName = name };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Contains("must not be blank, start with '.' (the registry ignores such folders), or hold '/', '\\', ':'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("caf\u00e9")]
    [InlineData("a_b (2)")]
    public async Task A_name_the_registry_serves_is_accepted_even_with_spaces_or_punctuation(string name)
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Path) with { ModelName = name };

        var result = await _builder.BuildAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(temp.Path, name, "1"), result.Directory);
    }

    [Fact]
    public async Task A_folder_given_as_the_artifact_is_called_a_folder_not_missing()
    {
        using var temp = new TemporaryDirectory();
        var request = TorchOnIris(temp.Combine("registry")) with { ArtifactPath = temp.Path };

        var error = await Assert.ThrowsAsync<PackagingException>(() => _builder.BuildAsync(request, TestContext.Current.CancellationToken));

        Assert.Equal($"artifact '{temp.Path}' is a folder; expected a .onnx or .zip (ML.NET) file", error.Message);
    }

    private static PackageRequest TorchOnIris(string registry) => new()
    {
        ArtifactPath = OnnxFixtures.PathOf("torch_mlp.onnx"),
        ModelName = "flowers",
        RegistryPath = registry,
        TrainingDataPath = RepositoryFiles.Data("iris.csv"),
    };

    private sealed class FixedTime : TimeProvider
    {
        public static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
