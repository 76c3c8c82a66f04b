using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>
/// The one JSON reader of <c>/invocations</c>: the bodies the fast decoder used to take, and the cases only the
/// general (document) decoder used to handle, which the streaming reader must answer the same way.
/// </summary>
public sealed class MlflowJsonReaderTests
{
    private static InferenceRequest Decode(string json, ModelMetadata? model = null) =>
        MlflowRequestDecoder.Decode(Encoding.UTF8.GetBytes(json), "application/json", model ?? MlflowTestModels.Classifier());

    private static MlflowRequestException Refused(string json, ModelMetadata? model = null) =>
        Assert.Throws<MlflowRequestException>(() => Decode(json, model));

    private static float[] Values(string json) => Decode(json).Inputs.Single().AsSpan<float>().ToArray();

    [Theory]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}""", new[] { 1f, 2, 3 })]
    [InlineData("""{"dataframe_split": {"columns": ["c", "x", "b", "a"], "data": [[3, 9, 2, 1], [6, 9, 5, 4.25]]}}""", new[] { 1f, 2, 3, 4.25f, 5, 6 })]
    [InlineData("""{"params": {"k": [1, {"n": null}]}, "inputs": [[1e-3, -2, 3], [4, 5, 6]]}""", new[] { 1e-3f, -2, 3, 4, 5, 6 })]
    [InlineData("""{"instances": [[0.1, 0.2, 0.3]], "params": {}}""", new[] { 0.1f, 0.2f, 0.3f })]
    public void Takes_the_common_bodies(string json, float[] expected)
    {
        Assert.Equal(expected, Values(json));
    }

    [Theory]
    [InlineData("""{"dataframe_split": {"data": [[1, 2, 3]], "columns": ["c", "b", "a"]}}""", new[] { 3f, 2, 1 })]
    [InlineData("""{"dataframe_split": {"data": [[1, 2, 3]]}}""", new[] { 1f, 2, 3 })]
    [InlineData("""{"dataframe_split": {"columns": null, "data": [[1, 2, 3]]}}""", new[] { 1f, 2, 3 })]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[9, 9, 9]], "data": [[1, 2, 3]]}}""", new[] { 1f, 2, 3 })]
    [InlineData("""{"dataframe_split": {"columns": ["c", "b", "a"], "data": [[1, 2, 3]], "columns": ["a", "b", "c"]}}""", new[] { 1f, 2, 3 })]
    [InlineData("""{"dataframe_split": {"columns": ["a", "b", "c", "a"], "data": [[1, 2, 3, 4]]}}""", new[] { 4f, 2, 3 })]
    public void Dataframe_split_keys_may_come_in_any_order_and_the_last_of_a_key_or_column_counts(string json, float[] expected)
    {
        Assert.Equal(expected, Values(json));
    }

    [Fact]
    public void A_single_column_split_may_list_values_rather_than_rows()
    {
        var model = Model(new TensorSpec { Name = "x", Datatype = "FP32", Shape = [-1] });

        var input = Decode("""{"dataframe_split": {"columns": ["x"], "data": [1, 2]}}""", model).Inputs.Single();

        Assert.Equal([2L], input.Shape);
        Assert.Equal([1f, 2f], input.AsSpan<float>().ToArray());
    }

    [Fact]
    public void A_value_given_twice_in_a_record_counts_as_the_last()
    {
        Assert.Equal([1f, 2f, 3f], Values("""{"dataframe_records": [{"a": "x", "b": 2, "c": 3, "a": 1}]}"""));
    }

    [Theory]
    [InlineData("""{"inputs": [[[1, 2], [3]]]}""")]
    [InlineData("""{"inputs": [[1, [2, [3]]]]}""")]
    [InlineData("""{"inputs": {"input": [[[1], [2, 3]]]}}""")]
    public void Nested_lists_are_flattened_in_row_major_order(string json)
    {
        Assert.Equal([1f, 2f, 3f], Values(json));
    }

    [Fact]
    public void A_tensor_input_of_more_dimensions_keeps_its_shape()
    {
        var model = Model(new TensorSpec { Name = "image", Datatype = "FP64", Shape = [-1, 2, 2] });

        var input = Decode("""{"inputs": {"image": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]}}""", model).Inputs.Single();

        Assert.Equal([2L, 2L, 2L], input.Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7, 8], input.AsSpan<double>().ToArray());
    }

    [Fact]
    public void Unicode_escapes_are_read_in_names_and_in_strings()
    {
        var request = Decode(
            """{"dataframe_records": [{"\u0063ount": 3, "ratio": 0.5, "flag": true, "city": "Z\u00fcrich \ud83d\ude00 \"q\"", "small": 1}]}""",
            MlflowTestModels.Mixed());

        var city = request.Inputs.Single(t => t.Name == "city").Elements!.Single();
        Assert.Equal("Zürich 😀 \"q\"", Encoding.UTF8.GetString(city));
        Assert.Equal([3L], request.Inputs.Single(t => t.Name == "count").AsSpan<long>().ToArray());
        Assert.Equal([2f, 1f, 3f], Values("""{"dataframe_split": {"columns": ["\u0062", "a", "c"], "data": [[1, 2, 3]]}}"""));
    }

    [Fact]
    public void Numbers_with_exponents_are_numbers_and_integers_when_whole()
    {
        var request = Decode(
            """{"inputs": [[1e2, 2.5E-1, true, "x", 3.0e1]]}""",
            MlflowTestModels.Mixed());

        Assert.Equal([100L], request.Inputs.Single(t => t.Name == "count").AsSpan<long>().ToArray());
        Assert.Equal([0.25], request.Inputs.Single(t => t.Name == "ratio").AsSpan<double>().ToArray());
        Assert.Equal([30], request.Inputs.Single(t => t.Name == "small").AsSpan<int>().ToArray());

        var error = Refused("""{"inputs": [[2.5e0, 1, true, "x", 3]]}""", MlflowTestModels.Mixed());
        Assert.Equal("Incompatible input types for column 'count' at row 0: expected an integer from -9223372036854775808 to 9223372036854775807 (INT64), got 2.5e0.", error.Message);
    }

    [Fact]
    public void Half_bfloat16_and_unsigned_inputs_take_their_own_datatypes()
    {
        var model = Model(
            new TensorSpec { Name = "h", Datatype = "FP16", Shape = [-1] },
            new TensorSpec { Name = "b", Datatype = "BF16", Shape = [-1] },
            new TensorSpec { Name = "u", Datatype = "UINT64", Shape = [-1] });

        var inputs = Decode("""{"dataframe_records": [{"h": 1.5, "b": 1, "u": 18446744073709551615}, {"h": null, "b": "-inf", "u": 2.0}]}""", model).Inputs;

        Assert.Equal([(Half)1.5, (Half)double.NaN], inputs[0].AsSpan<Half>().ToArray());
        Assert.Equal([(ushort)0x3F80, (ushort)0xFF80], inputs[1].AsSpan<ushort>().ToArray());
        Assert.Equal([ulong.MaxValue, 2UL], inputs[2].AsSpan<ulong>().ToArray());
    }

    [Fact]
    public void Models_with_several_inputs_take_rows_by_position()
    {
        var request = Decode("""{"inputs": [[1, 2, true, "x", 3]]}""", MlflowTestModels.Mixed());

        Assert.Equal(["count", "ratio", "flag", "city", "small"], request.Inputs.Select(t => t.Name));
        Assert.Equal([(byte)1], request.Inputs[2].Data);
        Assert.Equal("x", Encoding.UTF8.GetString(request.Inputs[3].Elements![0]));
    }

    [Fact]
    public void Grows_past_its_first_buffers_for_many_rows()
    {
        var rows = string.Join(", ", Enumerable.Range(0, 500).Select(i => $"[{i}, {i + 0.5}, {-i}]"));

        var input = Decode($$"""{"inputs": [{{rows}}]}""").Inputs.Single();

        var values = input.AsSpan<float>();
        Assert.Equal([500L, 3L], input.Shape);
        Assert.Equal(499.5f, values[(499 * 3) + 1]);
        Assert.Equal(-499f, values[(499 * 3) + 2]);
    }

    [Fact]
    public void A_body_nested_past_64_levels_is_a_bad_request()
    {
        var deep = new string('[', 70) + new string(']', 70);

        var error = Refused($$"""{"inputs": {{deep}}}""");

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(MlflowErrorCodes.BadRequest, error.ErrorCode);
        Assert.StartsWith("Failed to parse input from JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": {"a": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}""")]
    [InlineData("""{"dataframe_records": [{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}]}""")]
    public void An_input_past_the_element_limit_is_refused_while_it_is_read(string json)
    {
        // A short body can name many rows of a wide model; the table is refused before its memory is taken.
        var limits = new RequestLimits { MaxTensorElements = 64 };

        var error = Assert.Throws<InferenceException>(() => MlflowRequestDecoder.DecodeInputs(
            new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), MlflowBodyFormat.Json, MlflowTestModels.Classifier(), limits));

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Equal("input 'input' holds more than 64 elements; at most 64 are allowed (Serving:Limits:MaxTensorElements)", error.Message);
    }

    [Fact]
    public void A_request_at_the_element_limit_is_read()
    {
        var limits = new RequestLimits { MaxTensorElements = 6 };

        var inputs = MlflowRequestDecoder.DecodeInputs(
            new System.Buffers.ReadOnlySequence<byte>("""{"inputs": [[1, 2, 3], [4, 5, 6]]}"""u8.ToArray()), MlflowBodyFormat.Json, MlflowTestModels.Classifier(), limits);

        Assert.Equal([2L, 3L], inputs[0].Shape);
    }

    [Theory]
    // A malformed body is reported first, whatever came before the fault.
    [InlineData("""{"inputs": [[1, 2]], "x": }""", "Failed to parse input from JSON")]
    // Then more or fewer than one data key, even after a faulty first one.
    [InlineData("""{"inputs": [[1, 2]], "instances": [[1, 2, 3]]}""", "Invalid input: the JSON body must have exactly one of the keys")]
    // Then a split without a list of rows, even after faulty columns.
    [InlineData("""{"dataframe_split": {"columns": 5}}""", "dataframe_split must be an object")]
    // Then entries of a dict that differ in length, even after a faulty row.
    [InlineData("""{"inputs": {"input": [[1, 2]], "a": [1, 2]}}""", "inputs entries have different lengths: 'input' has 1 rows and 'a' has 2.")]
    // Then missing columns, before any value that does not fit.
    [InlineData("""{"dataframe_records": [{"a": "x", "b": 2}]}""", "Model is missing inputs ['c'].")]
    public void Errors_come_in_mlflows_order_whatever_the_order_of_the_body(string json, string message)
    {
        Assert.StartsWith(message, Refused(json).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_value_that_does_not_fit_is_named_by_input_then_row()
    {
        const string json = """
            {"dataframe_records": [
              {"count": 1, "ratio": 0.5, "flag": true, "city": 12, "small": 1},
              {"count": "x", "ratio": 0.5, "flag": true, "city": "Oslo", "small": 1}]}
            """;

        var error = Refused(json, MlflowTestModels.Mixed());

        Assert.Equal("Incompatible input types for column 'count' at row 1: expected an integer from -9223372036854775808 to 9223372036854775807 (INT64), got \"x\".", error.Message);
    }

    [Fact]
    public void A_list_or_object_where_a_value_belongs_is_quoted_as_written()
    {
        var error = Refused("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, {"k": [1, 2]}, 3]]}}""");

        Assert.Equal("Incompatible input types for column 'b' at row 0: expected a number (FP32), got {\"k\": [1, 2]}.", error.Message);
    }

    [Fact]
    public void A_malformed_body_in_pieces_is_reported_as_in_one()
    {
        var bytes = """{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, nul]]}}"""u8.ToArray();

        var whole = Assert.Throws<MlflowRequestException>(() => MlflowRequestDecoder.Decode(bytes, "application/json", MlflowTestModels.Classifier()));
        var pieces = Assert.Throws<MlflowRequestException>(
            () => MlflowRequestDecoder.Decode(MlflowTestBuffers.Split(bytes, 3), "application/json", MlflowTestModels.Classifier()));

        Assert.Equal(whole.Message, pieces.Message);
        Assert.Contains("BytePositionInLine", whole.Message, StringComparison.Ordinal);
    }

    private static ModelMetadata Model(params TensorSpec[] inputs) =>
        new("t", ["7"], "onnx_onnxv1", inputs, [new TensorSpec { Name = "score", Datatype = "FP32", Shape = [-1] }], "binary", "7");
}
