using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowContentTypeTests
{
    [Theory]
    [InlineData("application/json", MlflowBodyFormat.Json)]
    [InlineData("Application/JSON", MlflowBodyFormat.Json)]
    [InlineData("application/json; charset=utf-8", MlflowBodyFormat.Json)]
    [InlineData("application/json;charset=\"UTF-8\"", MlflowBodyFormat.Json)]
    [InlineData("text/csv", MlflowBodyFormat.Csv)]
    [InlineData("text/csv; charset=utf-8", MlflowBodyFormat.Csv)]
    public void Json_and_csv_are_accepted_with_a_utf8_charset(string contentType, MlflowBodyFormat expected) =>
        Assert.Equal(expected, MlflowContentType.Parse(contentType));

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    [InlineData("")]
    public void Other_content_types_are_415_in_plain_text(string? contentType)
    {
        var error = Assert.Throws<MlflowRequestException>(() => MlflowContentType.Parse(contentType));

        Assert.Equal(415, error.StatusCode);
        Assert.True(error.PlainText);
        Assert.Contains("text/csv, application/json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_charset_other_than_utf8_is_415()
    {
        var error = Assert.Throws<MlflowRequestException>(() => MlflowContentType.Parse("application/json; charset=latin-1"));

        Assert.Equal(415, error.StatusCode);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mlflow_1_format_parameter_is_refused_rather_than_guessed()
    {
        var error = Assert.Throws<MlflowRequestException>(() => MlflowContentType.Parse("application/json; format=pandas-split"));

        Assert.Equal(415, error.StatusCode);
        Assert.Contains("'format'", error.Message, StringComparison.Ordinal);
    }
}
