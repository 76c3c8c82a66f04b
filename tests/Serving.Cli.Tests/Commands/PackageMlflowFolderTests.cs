using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Commands;

public sealed class PackageMlflowFolderTests
{
    private static string MlflowFixture(string file) => Path.Combine(Repository.Root, "tests", "Serving.Core.Tests", "Fixtures", "Mlflow", file);

    [Fact]
    public async Task Package_of_an_MLflow_model_folder_serves_the_MLmodel_signature_names_with_its_lineage()
    {
        using var temp = new TemporaryDirectory();
        var folder = temp.Combine("logged-model");
        Directory.CreateDirectory(folder);
        File.Copy(MlflowFixture("MLmodel-onnx-example"), Path.Combine(folder, "MLmodel"));
        File.Copy(MlflowFixture("logistic.onnx"), Path.Combine(folder, "model.onnx"));
        File.WriteAllText(Path.Combine(folder, "requirements.txt"), "mlflow==2.12.2\n");

        var run = await CliRun.Of("package", folder, "--name", "cancer", "--registry", temp.Combine("registry"));

        Assert.Equal((0, "1"), (run.ExitCode, run.Result.Trim()));
        var manifest = ManifestSerializer.Read(temp.Combine("registry", "cancer", "1"));
        Assert.Equal(("input", ModelTasks.Binary), (Assert.Single(manifest.Signature.Inputs).Name, manifest.Task));
        Assert.Equal(["probability", "label", "logit"], manifest.Signature.Outputs.Select(o => o.Name));
        Assert.Equal("7d067df01ebd40ecb21e8b82d77bab61", manifest.Lineage!.Mlflow!.ModelUuid);
    }

    [Fact]
    public async Task Package_of_an_MLflow_folder_without_the_onnx_flavor_fails_with_exit_code_one()
    {
        using var temp = new TemporaryDirectory();
        var folder = temp.Combine("sklearn-model");
        Directory.CreateDirectory(folder);
        File.Copy(MlflowFixture("MLmodel-sklearn-only"), Path.Combine(folder, "MLmodel"));

        var run = await CliRun.Of("package", folder, "--name", "lr", "--registry", temp.Combine("registry"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("onnx flavor only", run.Messages, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("registry", "lr")));
    }

    [Theory]
    [InlineData("[-1, \"x\"]", "has the shape item \"x\"")]
    [InlineData("[-1, 4.5]", "has the shape item 4.5")]
    public async Task Package_of_an_MLflow_folder_with_a_malformed_shape_gives_one_line_naming_the_MLmodel_and_exit_code_one(string shape, string expected)
    {
        using var temp = new TemporaryDirectory();
        var folder = MalformedFolder(temp, $"'[{{\"type\": \"tensor\", \"tensor-spec\": {{\"dtype\": \"float32\", \"shape\": {shape}}}}}]'");

        var run = await CliRun.Of("package", folder, "--name", "m", "--registry", temp.Combine("registry"));

        AssertOneLineError(run, Path.Combine(folder, "MLmodel"), expected);
        Assert.False(Directory.Exists(temp.Combine("registry", "m")));
    }

    [Theory]
    [InlineData("'[1, 2]'", "the signature inputs entry 1 is not a JSON object")]
    [InlineData("'[null]'", "the signature inputs entry null is not a JSON object")]
    public async Task Package_of_an_MLflow_folder_whose_inputs_are_not_objects_gives_one_line_and_exit_code_one(string inputs, string expected)
    {
        using var temp = new TemporaryDirectory();
        var folder = MalformedFolder(temp, inputs);

        var run = await CliRun.Of("package", folder, "--name", "m", "--registry", temp.Combine("registry"));

        AssertOneLineError(run, Path.Combine(folder, "MLmodel"), expected);
    }

    private static string MalformedFolder(TemporaryDirectory temp, string inputs)
    {
        var folder = temp.Combine("ml");
        Directory.CreateDirectory(folder);
        File.Copy(MlflowFixture("logistic.onnx"), Path.Combine(folder, "model.onnx"));
        File.WriteAllText(Path.Combine(folder, "MLmodel"), $"flavors:\n  onnx:\n    data: model.onnx\nsignature:\n  inputs: {inputs}\n");
        return folder;
    }

    private static void AssertOneLineError(CliRun run, string mlmodel, string expected)
    {
        Assert.Equal((1, ""), (run.ExitCode, run.Result));
        // The console wraps long lines at spaces; the message itself is one line (MlflowModelReaderTests checks that).
        var message = System.Text.RegularExpressions.Regex.Replace(run.Messages.Trim(), @"\s+", " ");
        Assert.StartsWith("error: " + mlmodel + ": ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }
}
