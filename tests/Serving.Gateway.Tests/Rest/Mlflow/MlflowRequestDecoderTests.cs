using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowRequestDecoderTests
{
    private static InferenceRequest Decode(string json) =>
        MlflowRequestDecoder.Decode(Encoding.UTF8.GetBytes(json), "application/json", MlflowTestModels.Classifier());

    private static MlflowRequestException Refused(string json) =>
        Assert.Throws<MlflowRequestException>(() => Decode(json));

    private static float[] Values(InferenceRequest request) => request.Inputs.Single().AsSpan<float>().ToArray();

    [Fact]
    public void Dataframe_split_builds_an_rows_by_features_tensor_of_the_inputs_datatype()
    {
        var request = Decode("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4.5, 5, 6]]}}""");

        var input = Assert.Single(request.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorDataType.FP32, input.DataType);
        Assert.Equal([2L, 3L], input.Shape);
        Assert.Equal([1f, 2f, 3f, 4.5f, 5f, 6f], Values(request));
        Assert.Equal("m", request.ModelName);
        Assert.Equal("mlflow", request.Protocol);
    }

    [Fact]
    public void Dataframe_split_matches_columns_by_name_and_ignores_columns_the_model_does_not_use()
    {
        var request = Decode("""{"dataframe_split": {"columns": ["c", "extra", "a", "b"], "data": [[3, 99, 1, 2]]}}""");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Dataframe_split_accepts_the_index_that_pandas_writes()
    {
        var request = Decode("""{"dataframe_split": {"index": [7], "columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}""");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Dataframe_records_takes_one_object_per_row_in_any_key_order()
    {
        var request = Decode("""{"dataframe_records": [{"a": 1, "b": 2, "c": 3}, {"c": 6, "b": 5, "a": 4, "note": "x"}]}""");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Instances_as_a_list_of_rows_are_matched_by_position()
    {
        var request = Decode("""{"instances": [[1, 2, 3], [4, 5, 6]]}""");

        Assert.Equal([2L, 3L], request.Inputs[0].Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Instances_as_a_list_of_objects_are_records()
    {
        var request = Decode("""{"instances": [{"b": 2, "a": 1, "c": 3}]}""");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Instances_as_a_dict_of_columns_is_columnar()
    {
        var request = Decode("""{"instances": {"a": [1, 4], "b": [2, 5], "c": [3, 6]}}""");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Inputs_as_records_are_matched_by_name()
    {
        var request = Decode("""{"inputs": [{"c": 3, "a": 1, "b": 2}]}""");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Inputs_as_a_columnar_dict_take_one_list_per_column()
    {
        var request = Decode("""{"inputs": {"c": [3, 6], "b": [2, 5], "a": [1, 4], "unused": [0, 0, 0]}}""");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Inputs_as_a_bare_tensor_fills_the_input_row_by_row()
    {
        var request = Decode("""{"inputs": [[1, 2, 3], [4, 5, 6]]}""");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Inputs_as_a_dict_of_tensors_is_keyed_by_input_name()
    {
        var request = Decode("""{"inputs": {"input": [[1, 2, 3], [4, 5, 6]]}}""");

        Assert.Equal([2L, 3L], request.Inputs[0].Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Fact]
    public void Params_next_to_the_data_are_accepted_and_ignored()
    {
        var request = Decode("""{"params": {"temperature": 0.5}, "inputs": [[1, 2, 3]]}""");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Theory]
    [InlineData("""{"params": {}}""")]
    [InlineData("""{"data": [[1, 2, 3]]}""")]
    [InlineData("""{"inputs": [[1, 2, 3]], "instances": [[1, 2, 3]]}""")]
    public void A_body_without_exactly_one_data_key_is_refused_naming_the_accepted_keys(string json)
    {
        var error = Refused(json);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(MlflowErrorCodes.BadRequest, error.ErrorCode);
        Assert.Contains("dataframe_split, dataframe_records, instances, inputs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": [[1, 2, 3]""")]
    [InlineData("")]
    [InlineData("not json")]
    public void Malformed_json_is_a_bad_request(string json)
    {
        var error = Refused(json);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(MlflowErrorCodes.BadRequest, error.ErrorCode);
        Assert.StartsWith("Failed to parse input from JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_body_that_is_not_an_object_is_a_bad_request()
    {
        var error = Refused("[[1, 2, 3]]");

        Assert.Equal(MlflowErrorCodes.BadRequest, error.ErrorCode);
        Assert.Contains("got a JSON list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_column_is_named_the_way_mlflow_names_it()
    {
        var error = Refused("""{"dataframe_split": {"columns": ["a", "b", "x"], "data": [[1, 2, 3]]}}""");

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, error.ErrorCode);
        Assert.Equal("Model is missing inputs ['c'].", error.Message);
    }

    [Fact]
    public void Every_missing_column_is_named_in_feature_order()
    {
        var error = Refused("""{"dataframe_records": [{"b": 2}]}""");

        Assert.Equal("Model is missing inputs ['a', 'c'].", error.Message);
    }

    [Fact]
    public void A_text_value_where_a_number_is_expected_names_the_column_and_the_row()
    {
        var error = Refused("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4, "five", 6]]}}""");

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, error.ErrorCode);
        Assert.Contains("column 'b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"five\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_where_a_number_is_expected_is_refused()
    {
        var error = Refused("""{"inputs": [[1, true, 3]]}""");

        Assert.Contains("column 'b' at row 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": [[null, 2, 3]]}""")]
    [InlineData("""{"inputs": [["NaN", 2, 3]]}""")]
    [InlineData("""{"inputs": [[NaN, 2, 3]]}""")]
    [InlineData("""{"dataframe_records": [{"b": 2, "c": 3}, {"a": 1, "b": 2, "c": 3}]}""")]
    public void Missing_and_nan_values_pass_through_as_nan_for_the_data_plane_to_judge(string json)
    {
        var values = Values(Decode(json));

        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(2f, values[1]);
    }

    [Theory]
    [InlineData("""{"inputs": [["Infinity", -Infinity, 3]]}""")]
    [InlineData("""{"inputs": [[Infinity, "-inf", 3]]}""")]
    public void Infinities_written_bare_or_quoted_pass_through(string json)
    {
        var values = Values(Decode(json));

        Assert.Equal(float.PositiveInfinity, values[0]);
        Assert.Equal(float.NegativeInfinity, values[1]);
    }

    [Fact]
    public void A_nan_inside_a_string_is_left_alone_when_bare_literals_are_quoted()
    {
        var error = Refused("""{"inputs": [["x NaN", NaN, 3]]}""");

        Assert.Contains("\"x NaN\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp32_values_are_the_floats_nearest_the_text()
    {
        // 2^24 + 1 has no float; the largest float must not overflow to infinity.
        var values = Values(Decode("""{"inputs": [[0.1, 16777217, 3.4028235e38]]}"""));

        Assert.Equal(0.1f, values[0]);
        Assert.Equal(16777216f, values[1]);
        Assert.Equal(float.MaxValue, values[2]);
    }

    [Fact]
    public void A_row_of_the_wrong_length_is_refused()
    {
        var error = Refused("""{"inputs": [[1, 2]]}""");

        Assert.Contains("has 2 values; the model takes 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_split_row_that_does_not_match_its_columns_is_refused()
    {
        var error = Refused("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2]]}}""");

        Assert.Contains("row 0 has 2 values but there are 3 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_of_different_lengths_are_refused()
    {
        var error = Refused("""{"inputs": {"a": [1, 2], "b": [3], "c": [4, 5]}}""");

        Assert.Contains("different lengths", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_without_rows_is_refused()
    {
        var error = Refused("""{"dataframe_split": {"columns": ["a", "b", "c"], "data": []}}""");

        Assert.Equal("The input has no rows.", error.Message);
    }

    [Fact]
    public void Each_input_gets_a_tensor_of_its_own_datatype_and_shape()
    {
        const string json = """
            {"dataframe_records": [
              {"count": 3, "ratio": 0.25, "flag": true, "city": "Zürich", "small": -7},
              {"count": 4.0, "ratio": 1e-300, "flag": false, "city": "Oslo", "small": 2147483647}]}
            """;

        var request = MlflowRequestDecoder.Decode(Encoding.UTF8.GetBytes(json), "application/json", MlflowTestModels.Mixed());

        var inputs = request.Inputs.ToDictionary(t => t.Name);
        Assert.Equal(TensorDataType.Int64, inputs["count"].DataType);
        Assert.Equal([2L], inputs["count"].Shape);
        Assert.Equal([3L, 4L], inputs["count"].AsSpan<long>().ToArray());
        Assert.Equal([2L, 1L], inputs["ratio"].Shape);
        Assert.Equal([0.25, 1e-300], inputs["ratio"].AsSpan<double>().ToArray());
        Assert.Equal([(byte)1, (byte)0], inputs["flag"].Data);
        Assert.Equal(["Zürich", "Oslo"], inputs["city"].Elements!.Select(Encoding.UTF8.GetString));
        Assert.Equal([-7, int.MaxValue], inputs["small"].AsSpan<int>().ToArray());
    }

    [Theory]
    [InlineData("""{"count": 1.5, "ratio": 0.5, "flag": true, "city": "Oslo", "small": 1}""", "column 'count'")]
    [InlineData("""{"count": null, "ratio": 0.5, "flag": true, "city": "Oslo", "small": 1}""", "column 'count'")]
    [InlineData("""{"count": 3, "ratio": 0.5, "flag": true, "city": "Oslo", "small": 2147483648}""", "column 'small'")]
    [InlineData("""{"count": 3, "ratio": 0.5, "flag": 1, "city": "Oslo", "small": 1}""", "column 'flag'")]
    [InlineData("""{"count": 3, "ratio": 0.5, "flag": true, "city": 12, "small": 1}""", "column 'city'")]
    public void Values_that_do_not_fit_the_inputs_datatype_are_refused(string record, string column)
    {
        var json = $"{{\"dataframe_records\": [{record}]}}";

        var error = Assert.Throws<MlflowRequestException>(
            () => MlflowRequestDecoder.Decode(Encoding.UTF8.GetBytes(json), "application/json", MlflowTestModels.Mixed()));

        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, error.ErrorCode);
        Assert.Contains(column, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_without_feature_names_is_given_as_a_tensor_by_position_or_by_its_name()
    {
        var model = MlflowTestModels.Unnamed();

        var byPosition = MlflowRequestDecoder.Decode("""{"inputs": [[1, 2, 3]]}"""u8.ToArray(), "application/json", model);
        var byName = MlflowRequestDecoder.Decode("""{"instances": {"input": [[1, 2, 3]]}}"""u8.ToArray(), "application/json", model);

        Assert.Equal([1f, 2f, 3f], byPosition.Inputs[0].AsSpan<float>().ToArray());
        Assert.Equal([1f, 2f, 3f], byName.Inputs[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public void An_input_without_feature_names_that_is_not_given_is_missing_under_its_own_name()
    {
        var error = Assert.Throws<MlflowRequestException>(() => MlflowRequestDecoder.Decode(
            """{"dataframe_records": [{"a": 1}]}"""u8.ToArray(), "application/json", MlflowTestModels.Unnamed()));

        Assert.Equal("Model is missing inputs ['input'].", error.Message);
    }

    [Fact]
    public void A_body_split_across_buffers_decodes_the_same()
    {
        var bytes = """{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3]]}}"""u8.ToArray();
        var body = MlflowTestBuffers.Split(bytes, 7);

        var request = MlflowRequestDecoder.Decode(body, "application/json", MlflowTestModels.Classifier());

        Assert.Equal([1f, 2f, 3f], Values(request));
    }
}
