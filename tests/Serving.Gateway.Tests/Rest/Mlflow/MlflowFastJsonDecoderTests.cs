using System.Buffers;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowFastJsonDecoderTests
{
    private static readonly MlflowInputLayout Layout = MlflowInputLayout.For(MlflowTestModels.Classifier());

    private static bool TryFast(string json, out Tensor[] inputs) =>
        MlflowFastJsonDecoder.TryDecode(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), Layout, out inputs);

    private static Tensor[] General(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var grid = MlflowJsonTableReader.Read(document.RootElement, Layout);
        return MlflowTensorBuilder.Build(grid, Layout);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["c", "x", "b", "a"], "data": [[3, 9, 2, 1], [6, 9, 5, 4.25]]}}""")]
    [InlineData("""{"params": {"k": [1, {"n": null}]}, "inputs": [[1e-3, -2, 3], [4, 5, 6]]}""")]
    [InlineData("""{"instances": [[0.1, 0.2, 0.3]], "params": {}}""")]
    public void Takes_the_common_bodies_and_decodes_them_as_the_general_path_does(string json)
    {
        Assert.True(TryFast(json, out var fast));

        var general = General(json);
        var tensor = Assert.Single(fast);
        Assert.Equal(general[0].Name, tensor.Name);
        Assert.Equal(general[0].Shape, tensor.Shape);
        Assert.Equal(general[0].Data, tensor.Data);
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"index": [0], "columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}""")]
    [InlineData("""{"dataframe_split": {"data": [[1, 2, 3]], "columns": ["a", "b", "c"]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c", "a"], "data": [[1, 2, 3, 4]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, null, 3]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, "NaN", 3]]}}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": []}}""")]
    [InlineData("""{"inputs": [[1, 2, 3]], "instances": [[1, 2, 3]]}""")]
    [InlineData("""{"inputs": [[1, 2]]}""")]
    [InlineData("""{"inputs": [[[1, 2, 3]]]}""")]
    [InlineData("""{"inputs": [{"a": 1, "b": 2, "c": 3}]}""")]
    [InlineData("""{"dataframe_records": [{"a": 1, "b": 2, "c": 3}]}""")]
    [InlineData("""{"params": {}}""")]
    [InlineData("""{"inputs": [[1, 2, 3]]""")]
    [InlineData("""{"inputs": [[1, 2, 3]]} trailing""")]
    public void Leaves_everything_else_to_the_general_path(string json)
    {
        Assert.False(TryFast(json, out _));
    }

    [Fact]
    public void Leaves_models_with_other_inputs_to_the_general_path()
    {
        var layout = MlflowInputLayout.For(MlflowTestModels.Mixed());
        var body = new ReadOnlySequence<byte>("""{"inputs": [[1, 2, true, "x", 3]]}"""u8.ToArray());

        Assert.False(MlflowFastJsonDecoder.TryDecode(body, layout, out _));
    }

    [Fact]
    public void Grows_past_its_first_buffer_for_many_rows()
    {
        var rows = string.Join(", ", Enumerable.Range(0, 500).Select(i => $"[{i}, {i + 0.5}, {-i}]"));

        Assert.True(TryFast($$"""{"inputs": [{{rows}}]}""", out var inputs));

        var values = inputs[0].AsSpan<float>();
        Assert.Equal([500L, 3L], inputs[0].Shape);
        Assert.Equal(499.5f, values[(499 * 3) + 1]);
        Assert.Equal(-499f, values[(499 * 3) + 2]);
    }
}
