using System.Net;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Gateway.Rest.Mlflow;

namespace Serving.Gateway.Tests.Rest.Mlflow;

public sealed class MlflowEndpointsTests
{
    private const string OneRow = """{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[0.1, 0.2, 0.3]]}}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PostAsync(MlflowTestHost host, string body, string contentType = "application/json") =>
        host.Client.PostAsync(new Uri("/invocations", UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType), Cancel);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Invocations_answer_one_object_per_row_for_a_model_with_several_outputs()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await PostAsync(host, """{"dataframe_records": [{"a": 0.1, "b": 0.2, "c": 0.3}, {"a": -1, "b": -2, "c": 1}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"predictions":[{"label":1,"probability":[0.1,0.2]},{"label":0,"probability":[-1,-2]}]}""",
            await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task Invocations_answer_one_value_per_row_for_a_single_output_model()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService { LabelOnly = true });

        using var response = await PostAsync(host, """{"inputs": [[1, 2, 3], [-1, -2, -3]]}""");

        var json = await JsonAsync(response);
        Assert.Equal("[1,0]", json.GetProperty("predictions").GetRawText());
    }

    [Fact]
    public async Task Invocations_report_the_version_that_answered_and_the_body_length()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await PostAsync(host, OneRow);

        Assert.Equal("7", Assert.Single(response.Headers.GetValues(MlflowHeaders.ModelVersion)));
        var body = await response.Content.ReadAsByteArrayAsync(Cancel);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Invocations_send_the_data_plane_an_mlflow_request_for_the_default_model()
    {
        var service = new FakeInferenceService();
        await using var host = await MlflowTestHost.StartAsync(service);

        using var response = await PostAsync(host, OneRow);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("m", service.LastRequest!.ModelName);
        Assert.Equal("mlflow", service.LastRequest.Protocol);
        Assert.Equal([0.1f, 0.2f, 0.3f], service.LastRequest.Inputs[0].AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Invocations_take_csv()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService { LabelOnly = true });

        using var response = await PostAsync(host, "c,b,a\n1,1,1\n-5,1,1\n", "text/csv");

        var json = await JsonAsync(response);
        Assert.Equal("[1,0]", json.GetProperty("predictions").GetRawText());
    }

    [Fact]
    public async Task An_unsupported_content_type_is_415_in_plain_text()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await PostAsync(host, OneRow, "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Got 'text/plain; charset=utf-8'", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_is_400_in_mlflows_error_shape()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await PostAsync(host, """{"inputs": [[1, 2""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("BAD_REQUEST", json.GetProperty("error_code").GetString());
        Assert.StartsWith("Failed to parse input from JSON", json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_column_is_400_naming_it_with_readable_quotes()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await PostAsync(host, """{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal("""{"error_code":"INVALID_PARAMETER_VALUE","message":"Model is missing inputs ['c']."}""", text);
    }

    [Theory]
    [InlineData(InferenceErrorKind.BadRequest, HttpStatusCode.BadRequest, "BAD_REQUEST")]
    [InlineData(InferenceErrorKind.NotFound, HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST")]
    [InlineData(InferenceErrorKind.Unavailable, HttpStatusCode.ServiceUnavailable, "TEMPORARILY_UNAVAILABLE")]
    [InlineData(InferenceErrorKind.PayloadTooLarge, HttpStatusCode.RequestEntityTooLarge, "RESOURCE_EXHAUSTED")]
    [InlineData(InferenceErrorKind.Internal, HttpStatusCode.InternalServerError, "INTERNAL_ERROR")]
    public async Task Data_plane_failures_keep_their_status_in_mlflows_error_shape(InferenceErrorKind kind, HttpStatusCode status, string code)
    {
        var service = new FakeInferenceService { Failure = new InferenceException(kind, "input 'input': values must be finite") };
        await using var host = await MlflowTestHost.StartAsync(service);

        using var response = await PostAsync(host, OneRow);

        Assert.Equal(status, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(code, json.GetProperty("error_code").GetString());
        Assert.Equal("input 'input': values must be finite", json.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_body_over_kestrels_limit_is_413_in_mlflows_error_shape()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService(), maxRequestBodySize: 64);

        using var response = await PostAsync(host, """{"inputs": [[1, 2, 3]], "params": {"padding": "0123456789012345678901234567890123456789"}}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("RESOURCE_EXHAUSTED", json.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Without_a_default_model_invocations_say_how_to_choose_one()
    {
        var service = new FakeInferenceService { DefaultModel = null, ModelNames = ["m", "other"] };
        await using var host = await MlflowTestHost.StartAsync(service);

        using var response = await PostAsync(host, OneRow);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = (await JsonAsync(response)).GetProperty("message").GetString();
        Assert.Contains("m, other", message, StringComparison.Ordinal);
        Assert.Contains("Serving:DefaultModel", message, StringComparison.Ordinal);
        Assert.Null(service.LastRequest);
    }

    [Theory]
    [InlineData("/ping")]
    [InlineData("/health")]
    public async Task Health_is_200_when_the_default_model_is_ready(string path)
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService());

        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/ping")]
    [InlineData("/health")]
    public async Task Health_is_503_while_the_default_model_is_not_ready(string path)
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService { Ready = false });

        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Health_is_503_when_there_is_no_default_model()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService { DefaultModel = null });

        using var response = await host.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Health_is_503_when_the_configured_default_model_does_not_exist()
    {
        await using var host = await MlflowTestHost.StartAsync(new FakeInferenceService { DefaultModel = "gone" });

        using var response = await host.Client.GetAsync(new Uri("/ping", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
