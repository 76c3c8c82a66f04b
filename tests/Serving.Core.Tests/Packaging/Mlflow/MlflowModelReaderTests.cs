using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Mlflow;
using Serving.Core.Runtimes.Onnx;
using Serving.Core.Tests.Registry.Mlflow;

namespace Serving.Core.Tests.Packaging.Mlflow;

public sealed class MlflowModelReaderTests
{
    [Fact]
    public void Parse_reads_the_recorded_MLmodel_flavors_uuid_and_onnx_data()
    {
        var model = MlflowModelReader.Parse(File.ReadAllText(MlflowFixtures.PathOf("MLmodel-onnx-example")));

        Assert.Equal(["onnx", "python_function"], model.Flavors);
        Assert.Equal(("model.onnx", "7d067df01ebd40ecb21e8b82d77bab61", "2.12.2.dev0", null), (model.OnnxData, model.ModelUuid, model.MlflowVersion, model.RunId));
    }

    [Fact]
    public void Parse_reads_the_tensor_signature_held_as_JSON_strings_inside_the_YAML()
    {
        var model = MlflowModelReader.Parse(File.ReadAllText(MlflowFixtures.PathOf("MLmodel-onnx-example")));

        var input = Assert.Single(model.Inputs!);
        Assert.Equal(("input", "FP32"), (input.Name, input.Datatype));
        Assert.Equal([-1L, 30L], input.Shape!);
        Assert.Equal(["probability:FP32", "label:INT64", "logit:FP32"], model.Outputs!.Select(o => $"{o.Name}:{o.Datatype}"));
    }

    [Fact]
    public void Parse_reads_a_column_signature_as_named_typed_columns()
    {
        var model = MlflowModelReader.Parse(File.ReadAllText(MlflowFixtures.PathOf("MLmodel-iris-columns")));

        Assert.Equal(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"], model.Inputs!.Select(i => i.Name));
        Assert.All(model.Inputs!, i => Assert.Equal(("double", "FP64", false), (i.Type, i.Datatype, i.IsTensor)));
        Assert.Equal("5e1d9c3b7a2f4e6d8c0b1a2f3e4d5c6b", model.RunId);
    }

    [Fact]
    public void Parse_of_text_that_is_not_YAML_says_so()
    {
        var error = Assert.Throws<PackagingException>(() => MlflowModelReader.Parse("flavors: [onnx\n  data: :", "bad/MLmodel"));

        Assert.Contains("bad/MLmodel is not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, \"x\"]}}]'", "has the shape item \"x\"")]
    [InlineData("'[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 4.5]}}]'", "has the shape item 4.5")]
    [InlineData("'[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [null]}}]'", "has the shape item null")]
    [InlineData("'[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [99999999999999999999]}}]'", "has the shape item 99999999999999999999")]
    [InlineData("'[1, 2]'", "the signature inputs entry 1 is not a JSON object")]
    [InlineData("'[null]'", "the signature inputs entry null is not a JSON object")]
    [InlineData("'[\"x\"]'", "the signature inputs entry \"x\" is not a JSON object")]
    [InlineData("'[[]]'", "the signature inputs entry [] is not a JSON object")]
    [InlineData("'[{\"name\": 5, \"type\": \"double\"}]'", "has a name that is not a string")]
    [InlineData("'[{\"name\": \"a\", \"type\": 5}]'", "entry has no type")]
    [InlineData("'[{\"type\": \"tensor\", \"tensor-spec\": [1]}]'", "needs a tensor-spec with dtype and shape")]
    [InlineData("'{\"a\": 1}'", "signature inputs is not a JSON list")]
    [InlineData("[a, b]", "signature inputs is not a string holding a JSON list")]
    [InlineData("{a: b}", "signature inputs is not a string holding a JSON list")]
    public void Parse_of_a_malformed_signature_entry_names_the_file_and_the_entry(string inputs, string expected)
    {
        var yaml = $"flavors:\n  onnx:\n    data: model.onnx\nsignature:\n  inputs: {inputs}\n";

        var error = Assert.Throws<PackagingException>(() => MlflowModelReader.Parse(yaml, "ml/MLmodel"));

        Assert.StartsWith("ml/MLmodel: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_of_malformed_outputs_says_outputs()
    {
        var yaml = "flavors:\n  onnx:\n    data: model.onnx\nsignature:\n  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"int64\", \"shape\": [true]}}]'\n";

        var error = Assert.Throws<PackagingException>(() => MlflowModelReader.Parse(yaml, "ml/MLmodel"));

        Assert.Contains("the tensor outputs entry", error.Message, StringComparison.Ordinal);
        Assert.Contains("has the shape item true", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flavors:\n  onnx: [model.onnx]\n", "the onnx flavor is not a mapping")]
    [InlineData("flavors:\n  onnx:\n    data: model.onnx\nsignature: [inputs]\n", "'signature' is not a mapping")]
    public void Parse_of_a_section_of_the_wrong_kind_says_which(string yaml, string expected)
    {
        var error = Assert.Throws<PackagingException>(() => MlflowModelReader.Parse(yaml, "ml/MLmodel"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_reads_null_signature_parts_as_absent()
    {
        var model = MlflowModelReader.Parse("flavors:\n  onnx:\n    data: model.onnx\nsignature:\n  inputs: null\n  outputs: ~\n  params: null\n");

        Assert.Equal((null, null), (model.Inputs, model.Outputs));
    }

    [Fact]
    public void Column_signature_becomes_the_feature_names_of_the_graphs_one_input_and_outputs_map_by_position()
    {
        var model = MlflowModelReader.Parse(File.ReadAllText(MlflowFixtures.PathOf("MLmodel-iris-columns")));
        var graph = OnnxModelInspector.Inspect(MlflowFixtures.PathOf("iris.onnx"));

        var plan = MlflowSignatureMapper.Plan(model, graph.Inputs, graph.Outputs);

        Assert.Null(plan.Inputs);
        Assert.Equal(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"], plan.FeatureNames);
        Assert.Equal([new TensorRename("label", "PredictedLabel.output"), new TensorRename("probability", "Score.output")], plan.Outputs);
    }

    [Fact]
    public void Tensor_signature_whose_dtype_differs_from_the_graph_is_refused()
    {
        var model = MlflowModelReader.Parse(File.ReadAllText(MlflowFixtures.PathOf("MLmodel-onnx-example")).Replace("\"int64\"", "\"int32\"", StringComparison.Ordinal));
        var graph = OnnxModelInspector.Inspect(MlflowFixtures.PathOf("logistic.onnx"));

        var error = Assert.Throws<PackagingException>(() => MlflowSignatureMapper.Plan(model, graph.Inputs, graph.Outputs));

        Assert.Contains("'label' is int32 (INT32) but the ONNX graph's 'label' is INT64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForFolder_refuses_a_model_without_the_onnx_flavor_and_names_its_flavors()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("m"));
        File.Copy(MlflowFixtures.PathOf("MLmodel-sklearn-only"), temp.Combine("m", "MLmodel"));

        var error = Assert.Throws<PackagingException>(() => MlflowPackaging.ForFolder(new PackageRequest { ArtifactPath = temp.Combine("m"), ModelName = "m", RegistryPath = temp.Path }));

        Assert.Contains("python_function, sklearn", error.Message, StringComparison.Ordinal);
        Assert.Contains("onnx flavor only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Folder_packaged_through_the_builder_serves_the_column_names_as_features_with_MLflow_lineage()
    {
        using var temp = new TemporaryDirectory();
        var folder = MlflowFixtures.ModelFolder(temp.Path, "MLmodel-iris-columns", "iris.onnx");
        var request = MlflowPackaging.ForFolder(new PackageRequest { ArtifactPath = folder, ModelName = "iris", RegistryPath = temp.Combine("registry") });

        var result = await new PackageBuilder([new OnnxRuntimeFactory()]).BuildAsync(request, TestContext.Current.CancellationToken);

        var manifest = ManifestSerializer.Read(result.Directory);
        Assert.Equal(4, Assert.Single(manifest.Signature.Inputs).Features!.Count);
        Assert.Equal(["label", "probability"], manifest.Signature.Outputs.Select(o => o.Name));
        Assert.Equal((ModelTasks.Multiclass, "0c2f7b0a9e5d4b6c8f1e2d3c4b5a6978"), (manifest.Task, manifest.Lineage!.Mlflow!.ModelUuid));
    }
}
