using Serving.Cli.Tests.Admin;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Commands;

public sealed class PackageCommandTests
{
    [Fact]
    public async Task Package_prints_the_version_it_published_and_the_next_call_publishes_the_next()
    {
        using var temp = new TemporaryDirectory();
        string[] args = ["package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "flowers", "--registry", temp.Path, "--train-data", Path.Combine(Repository.DataDirectory, "iris.csv")];

        var first = await CliRun.Of(args);
        var second = await CliRun.Of(args);

        Assert.Equal((0, "1"), (first.ExitCode, first.Result.Trim()));
        Assert.Equal((0, "2"), (second.ExitCode, second.Result.Trim()));
        Assert.True(File.Exists(temp.Combine("flowers", "2", "model.json")));
    }

    [Fact]
    public async Task Package_passes_label_task_and_prediction_output_to_the_manifest()
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of(
            "package", Path.Combine(CommittedSamples.PathOf("iris", 1), "model.onnx"), "--name", "iris", "--registry", temp.Path,
            "--train-data", Path.Combine(Repository.DataDirectory, "iris.csv"), "--label", "target", "--task", "multiclass",
            "--prediction-output", "Score.output");

        Assert.Equal(0, run.ExitCode);
        var manifest = ManifestSerializer.Read(temp.Combine("iris", "1"));
        Assert.Equal(ModelTasks.Multiclass, manifest.Task);
        Assert.Equal("Score.output", manifest.Signature.PredictionOutput);
        Assert.Equal(["PredictedLabel.output", "Score.output"], manifest.Signature.Outputs.Select(o => o.Name));
    }

    [Fact]
    public async Task Package_reads_an_mlnet_model_schema_and_infers_regression_from_the_label()
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of(
            "package", Path.Combine(CommittedSamples.PathOf("diabetes", 1), "model.zip"), "--name", "diabetes", "--registry", temp.Path,
            "--train-data", Path.Combine(Repository.DataDirectory, "diabetes.csv"));

        Assert.Equal((0, "1"), (run.ExitCode, run.Result.Trim()));
        var manifest = ManifestSerializer.Read(temp.Combine("diabetes", "1"));
        Assert.Equal((ModelFormats.MLNet, ModelTasks.Regression), (manifest.Format, manifest.Task));
        Assert.Equal("Score", manifest.Signature.PredictionOutput);
        Assert.Equal(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"], Assert.Single(manifest.Signature.Inputs).Features);
        Assert.Equal(442, manifest.Baseline!.Prediction!.Numeric!.Count);
    }

    [Fact]
    public async Task Package_without_label_says_it_took_the_target_column_whatever_its_case()
    {
        using var temp = new TemporaryDirectory();
        var lines = File.ReadAllLines(Path.Combine(Repository.DataDirectory, "iris.csv"));
        File.WriteAllLines(temp.Combine("iris.csv"), [lines[0].Replace(",target", ",Target", StringComparison.Ordinal), .. lines[1..]]);

        var run = await CliRun.Of(
            "package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "flowers", "--registry", temp.Combine("registry"), "--train-data", temp.Combine("iris.csv"));

        Assert.Equal((0, "1"), (run.ExitCode, run.Result.Trim()));
        Assert.Equal("label: the column 'Target' (pass --label to choose another)", run.Messages.Split('\n')[0].TrimEnd());
        Assert.Equal(4, Assert.Single(ManifestSerializer.Read(temp.Combine("registry", "flowers", "1")).Signature.Inputs).Features!.Count);
    }

    [Fact]
    public async Task Package_without_label_and_without_a_target_column_asks_for_label()
    {
        using var temp = new TemporaryDirectory();
        var lines = File.ReadAllLines(Path.Combine(Repository.DataDirectory, "iris.csv"));
        File.WriteAllLines(temp.Combine("iris.csv"), [lines[0].Replace(",target", ",species", StringComparison.Ordinal), .. lines[1..]]);

        var run = await WideCliRun.Of(
            "package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "flowers", "--registry", temp.Combine("registry"), "--train-data", temp.Combine("iris.csv"));
        var labelled = await CliRun.Of(
            "package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "flowers", "--registry", temp.Combine("registry"), "--train-data", temp.Combine("iris.csv"), "--label", "species");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Messages, StringComparison.Ordinal);
        Assert.Contains("no column named 'target'", run.Messages, StringComparison.Ordinal);
        Assert.Contains("--label", run.Messages, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Result);
        Assert.Equal((0, "1"), (labelled.ExitCode, labelled.Result.Trim()));
    }

    [Fact]
    public async Task Package_refuses_a_zipmap_model_with_exit_code_one_and_says_how_to_export_it()
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of("package", Repository.OnnxFixture("zipmap_classifier.onnx"), "--name", "z", "--registry", temp.Path, "--task", "binary");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("zipmap", run.Messages, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Result);
    }

    [Fact]
    public async Task Package_rejects_an_unknown_task_as_a_usage_error()
    {
        using var temp = new TemporaryDirectory();

        var run = await CliRun.Of("package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "m", "--registry", temp.Path, "--task", "ranking");

        Assert.Equal(2, run.ExitCode);
        Assert.False(Directory.Exists(temp.Combine("m")));
    }

    [Fact]
    public async Task Package_without_a_name_is_a_usage_error()
    {
        var run = await CliRun.Of("package", Repository.OnnxFixture("torch_mlp.onnx"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--name", run.Messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_after_version_2147483647_refuses_with_exit_code_one_instead_of_publishing_a_negative_version()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("big", "2147483647"));

        var run = await CliRun.Of("package", Path.Combine(CommittedSamples.PathOf("iris", 1), "model.onnx"), "--name", "big", "--registry", temp.Path, "--task", "multiclass");

        Assert.Equal((1, string.Empty), (run.ExitCode, run.Result));
        Assert.Contains("already has version 2147483647", run.Messages, StringComparison.Ordinal);
        Assert.Equal([temp.Combine("big", "2147483647")], Directory.GetDirectories(temp.Combine("big")));
    }

    [Fact]
    public async Task Package_of_an_empty_folder_says_it_has_no_MLmodel_and_no_model_file()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("empty"));

        var run = await WideCliRun.Of("package", temp.Combine("empty"), "--name", "m", "--registry", temp.Combine("registry"), "--task", "binary");

        Assert.Equal((1, string.Empty), (run.ExitCode, run.Result));
        Assert.Equal(
            $"error: '{temp.Combine("empty")}' is a folder with no MLmodel file, so not an MLflow model folder, and holds no .onnx or .zip file",
            run.Messages.Trim());
    }

    [Fact]
    public async Task Package_of_a_folder_holding_a_model_file_but_no_MLmodel_asks_for_the_files_path()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("exported"));
        File.Copy(Repository.OnnxFixture("torch_mlp.onnx"), temp.Combine("exported", "model.onnx"));

        var run = await WideCliRun.Of("package", temp.Combine("exported"), "--name", "m", "--registry", temp.Combine("registry"), "--task", "binary");

        Assert.Equal(1, run.ExitCode);
        Assert.EndsWith("holds 'model.onnx'; give the model file's path", run.Messages.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_with_a_folder_as_training_data_says_it_is_a_folder()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("data"));

        var run = await WideCliRun.Of("package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "m", "--registry", temp.Combine("registry"), "--train-data", temp.Combine("data"));
        var labelled = await WideCliRun.Of("package", Repository.OnnxFixture("torch_mlp.onnx"), "--name", "m", "--registry", temp.Combine("registry"), "--train-data", temp.Combine("data"), "--label", "target");

        Assert.All([run, labelled], r => Assert.Equal((1, $"error: '{temp.Combine("data")}' is a folder; expected a CSV file"), (r.ExitCode, r.Messages.Trim())));
        Assert.False(Directory.Exists(temp.Combine("registry", "m")));
    }

    [Fact]
    public async Task Package_accepts_a_name_with_a_space_as_the_registry_does_and_refuses_a_path_saying_why()
    {
        using var temp = new TemporaryDirectory();
        string[] common = ["package", Repository.OnnxFixture("torch_mlp.onnx"), "--registry", temp.Path, "--task", "multiclass"];

        var spaced = await CliRun.Of([.. common, "--name", "a b"]);
        var path = await WideCliRun.Of([.. common, "--name", "../x"]);

        Assert.Equal((0, "1"), (spaced.ExitCode, spaced.Result.Trim()));
        Assert.True(File.Exists(temp.Combine("a b", "1", "model.json")));
        Assert.Equal(1, path.ExitCode);
        Assert.Contains("'../x' is not a usable model name; it becomes the model's folder in the registry", path.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("letters, digits", path.Messages, StringComparison.Ordinal);
    }
}
