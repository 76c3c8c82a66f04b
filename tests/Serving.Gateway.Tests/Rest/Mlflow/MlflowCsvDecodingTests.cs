using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowCsvDecodingTests
{
    private static InferenceRequest Decode(string csv, Serving.Core.Inference.ModelMetadata? model = null) =>
        MlflowRequestDecoder.Decode(Encoding.UTF8.GetBytes(csv), "text/csv", model ?? MlflowTestModels.Classifier());

    private static float[] Values(InferenceRequest request) => request.Inputs.Single().AsSpan<float>().ToArray();

    [Fact]
    public void A_header_and_rows_become_one_tensor_row_per_line()
    {
        var request = Decode("a,b,c\n1,2,3\n4.5,5,6\n");

        Assert.Equal([2L, 3L], request.Inputs[0].Shape);
        Assert.Equal([1f, 2f, 3f, 4.5f, 5f, 6f], Values(request));
        Assert.Equal("mlflow", request.Protocol);
    }

    [Fact]
    public void Columns_are_matched_by_name_and_extra_ones_ignored()
    {
        var request = Decode("id,c,b,a\r\nrow-1,3,2,1\r\n");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Quoted_fields_may_hold_commas_quotes_and_line_breaks()
    {
        var csv = "count,ratio,flag,city,small\n1,0.5,True,\"Paris, \"\"Texas\"\"\",2\n2,1,false,\"two\nlines\",3\n";

        var request = Decode(csv, MlflowTestModels.Mixed());

        var city = request.Inputs.Single(t => t.Name == "city");
        Assert.Equal(["Paris, \"Texas\"", "two\nlines"], city.Elements!.Select(Encoding.UTF8.GetString));
        Assert.Equal([(byte)1, (byte)0], request.Inputs.Single(t => t.Name == "flag").Data);
    }

    [Fact]
    public void Spaces_after_a_closing_quote_are_not_part_of_the_value()
    {
        var request = Decode("count,ratio,flag,city,small\n1,0.5,true,\"Oslo\"  ,2\n", MlflowTestModels.Mixed());

        Assert.Equal("Oslo", Encoding.UTF8.GetString(request.Inputs.Single(t => t.Name == "city").Elements![0]));
    }

    [Fact]
    public void Quoted_numbers_are_still_numbers()
    {
        var request = Decode("\"a\",\"b\",\"c\"\n\"1\",\"2\",\"3\"\n");

        Assert.Equal([1f, 2f, 3f], Values(request));
    }

    [Fact]
    public void Blank_lines_and_a_missing_final_newline_are_fine()
    {
        var request = Decode("a,b,c\n\n1,2,3\n\n4,5,6");

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], Values(request));
    }

    [Theory]
    [InlineData("a,b,c\n,2,3\n")]
    [InlineData("a,b,c\nNaN,2,3\n")]
    [InlineData("a,b,c\nnan,2,3\n")]
    [InlineData("a,b,c\nNA,2,3\n")]
    public void Empty_fields_and_nan_spellings_read_as_nan(string csv)
    {
        var values = Values(Decode(csv));

        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(2f, values[1]);
    }

    [Fact]
    public void A_missing_column_is_named()
    {
        var error = Assert.Throws<MlflowRequestException>(() => Decode("a,c\n1,3\n"));

        Assert.Equal(MlflowErrorCodes.InvalidParameterValue, error.ErrorCode);
        Assert.Equal("Model is missing inputs ['b'].", error.Message);
    }

    [Fact]
    public void A_non_numeric_field_names_the_column_and_the_row()
    {
        var error = Assert.Throws<MlflowRequestException>(() => Decode("a,b,c\n1,2,3\n4,5,six\n"));

        Assert.Contains("column 'c' at row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("'six'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_a_bad_request()
    {
        var error = Assert.Throws<MlflowRequestException>(() => Decode("a,b,c\n\"1,2,3\n"));

        Assert.Equal(MlflowErrorCodes.BadRequest, error.ErrorCode);
        Assert.Contains("not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_more_fields_than_the_header_is_refused()
    {
        var error = Assert.Throws<MlflowRequestException>(() => Decode("a,b,c\n1,2,3,4\n"));

        Assert.Contains("4 fields but the header names 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_rows_is_refused()
    {
        var error = Assert.Throws<MlflowRequestException>(() => Decode("a,b,c\n"));

        Assert.Equal("The input has no rows.", error.Message);
    }
}
