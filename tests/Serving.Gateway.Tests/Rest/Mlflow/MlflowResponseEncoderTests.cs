using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowResponseEncoderTests
{
    private static string Encode(params Tensor[] outputs)
    {
        var response = new InferenceResponse { ModelName = "m", ModelVersion = "7", Outputs = outputs };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            MlflowResponseEncoder.Write(writer, response);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static Tensor Labels(params long[] labels) =>
        Tensor.FromValues<long>("label", TensorDataType.Int64, [labels.Length], labels);

    [Fact]
    public void A_single_output_gives_one_value_per_row()
    {
        Assert.Equal("""{"predictions":[0,1,1]}""", Encode(Labels(0, 1, 1)));
    }

    [Fact]
    public void A_single_rows_by_k_output_gives_one_list_per_row()
    {
        var probability = Tensor.FromValues<float>("probability", TensorDataType.FP32, [2, 2], [0.25f, 0.75f, 1f, 0f]);

        Assert.Equal("""{"predictions":[[0.25,0.75],[1,0]]}""", Encode(probability));
    }

    [Fact]
    public void Several_outputs_give_one_object_per_row_with_lists_for_wide_outputs()
    {
        var probability = Tensor.FromValues<float>("probability", TensorDataType.FP32, [2, 2], [0.99f, 0.01f, 0.2f, 0.8f]);

        Assert.Equal(
            """{"predictions":[{"label":0,"probability":[0.99,0.01]},{"label":1,"probability":[0.2,0.8]}]}""",
            Encode(Labels(0, 1), probability));
    }

    [Fact]
    public void Fp32_is_written_as_the_shortest_float_text_not_a_widened_double()
    {
        var value = Tensor.FromValues<float>("score", TensorDataType.FP32, [1], [0.1f]);

        // (double)0.1f is 0.10000000149011612; a float written as float reads 0.1.
        Assert.Equal("""{"predictions":[0.1]}""", Encode(value));
    }

    [Fact]
    public void Fp64_keeps_its_full_precision()
    {
        var value = Tensor.FromValues<double>("score", TensorDataType.FP64, [1], [0.1 + 0.2]);

        Assert.Equal("""{"predictions":[0.30000000000000004]}""", Encode(value));
    }

    [Fact]
    public void Non_finite_values_are_written_as_python_json_writes_them()
    {
        var value = Tensor.FromValues<float>("score", TensorDataType.FP32, [3], [float.NaN, float.PositiveInfinity, float.NegativeInfinity]);

        Assert.Equal("""{"predictions":[NaN,Infinity,-Infinity]}""", Encode(value));
    }

    [Fact]
    public void Strings_and_booleans_keep_their_json_types()
    {
        var names = Tensor.FromElements("name", [2], [Encoding.UTF8.GetBytes("setosa"), Encoding.UTF8.GetBytes("virginica")]);
        var flags = Tensor.FromBytes("flag", TensorDataType.Bool, [2], [1, 0]);

        Assert.Equal(
            """{"predictions":[{"name":"setosa","flag":true},{"name":"virginica","flag":false}]}""",
            Encode(names, flags));
    }

    [Fact]
    public void Outputs_that_disagree_on_rows_are_an_internal_error()
    {
        var error = Assert.Throws<InferenceException>(() => Encode(Labels(0, 1), Labels(0)));

        Assert.Equal(InferenceErrorKind.Internal, error.Kind);
    }
}
