using Serving.Cli.Admin;

namespace Serving.Cli.Tests.Admin;

/// <summary>Where the CLI finds the gateway and its key: options, then the environment, then the default.</summary>
public sealed class AdminConnectionTests
{
    private static Func<string, string?> Environment(string? url, string? key) => name => name switch
    {
        AdminConnection.UrlVariable => url,
        AdminConnection.ApiKeyVariable => key,
        _ => null,
    };

    [Fact]
    public void Options_win_over_the_environment()
    {
        var connection = AdminConnection.Resolve("http://gw:9000", "option-key", Environment("http://env:1", "env-key"));

        Assert.Equal(new Uri("http://gw:9000"), connection.BaseUrl);
        Assert.Equal("option-key", connection.ApiKey);
    }

    [Fact]
    public void The_environment_is_read_when_no_option_is_given()
    {
        var connection = AdminConnection.Resolve(null, null, Environment("http://env:1", "env-key"));

        Assert.Equal(new Uri("http://env:1"), connection.BaseUrl);
        Assert.Equal("env-key", connection.ApiKey);
    }

    [Fact]
    public void Without_either_the_local_gateway_is_used_with_no_key()
    {
        var connection = AdminConnection.Resolve(null, null, Environment(null, " "));

        Assert.Equal(new Uri("http://127.0.0.1:8080"), connection.BaseUrl);
        Assert.Null(connection.ApiKey);
    }

    [Fact]
    public void A_url_that_is_not_http_is_refused()
    {
        var error = Assert.Throws<AdminApiException>(() => AdminConnection.Resolve("ftp://gw", null, Environment(null, null)));

        Assert.Contains("'ftp://gw' is not an http://", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://proxy/serving", "http://proxy/serving/admin/models")]
    [InlineData("http://proxy/serving/", "http://proxy/serving/admin/models")]
    [InlineData("http://gw:9000", "http://gw:9000/admin/models")]
    public void Admin_paths_go_under_the_url_s_own_path_with_or_without_its_trailing_slash(string url, string expected)
    {
        var connection = AdminConnection.Resolve(url, null, Environment(null, null));

        Assert.Equal(new Uri(expected), new Uri(connection.BaseUrl, "admin/models"));
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("clé")]
    public void A_key_an_http_header_cannot_carry_is_refused_with_a_reason(string key)
    {
        var error = Assert.Throws<AdminApiException>(() => AdminConnection.Resolve(null, key, Environment(null, null)));

        Assert.Contains("control or non-ASCII character", error.Message, StringComparison.Ordinal);
    }

    // A blank --url used to be skipped like an unset one, so the command quietly went to SERVING_URL or the local
    // gateway; the option given on purpose is refused instead, before any request.
    [Theory]
    [InlineData(" ", "models", "list")]
    [InlineData("", "models", "list")]
    [InlineData("\t", "rollout", "status", "iris")]
    [InlineData(" ", "drift", "iris")]
    [InlineData(" ", "performance", "iris")]
    public async Task A_blank_url_option_is_a_usage_error(string url, params string[] command)
    {
        var run = await WideCliRun.Of([.. command, "--url", url]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--url is blank", run.Messages, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:8080/", run.Messages, StringComparison.Ordinal);
    }
}
