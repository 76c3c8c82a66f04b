using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serving.Core.Monitoring.Performance;
using Serving.Gateway.Tests.Hosting;

namespace Serving.Gateway.Tests.Monitoring;

/// <summary>
/// What one feedback post may cost, through the real gateway: ids, labels, items and the body are bounded, and a
/// post over a bound is refused (400 or 413, OIP error body) naming the limit, before anything is held.
/// </summary>
public sealed class FeedbackLimitsTests(PerformanceGatewayFixture gateway) : IClassFixture<PerformanceGatewayFixture>
{
    private const string Section = "Serving:Monitoring:Performance";

    [Fact]
    public async Task An_id_over_128_characters_is_a_400_that_states_the_rule()
    {
        var id = new string('a', 129);
        var held = Monitor.PendingLabels;

        var (status, error) = await PostAsync($$"""{"id": "{{id}}", "label": 1}""");

        Assert.Equal(400, status);
        Assert.Contains("1 to 128 visible ASCII characters", error, StringComparison.Ordinal);
        Assert.Contains("...(65 more characters)", error, StringComparison.Ordinal);
        Assert.Equal(held, Monitor.PendingLabels);
    }

    [Theory]
    [InlineData("""a b""")]
    [InlineData("""a\u0000b""")]
    [InlineData("""a\r\nb""")]
    [InlineData("""caf\u00e9""")]
    public async Task An_id_with_a_space_control_or_non_ascii_character_is_a_400(string escaped)
    {
        var (status, error) = await PostAsync($$"""{"id": "{{escaped}}", "label": 1}""");

        Assert.Equal(400, status);
        Assert.Contains("is not a prediction id", error, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', error);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("""{"id": "\ud800", "label": 1}""")]
    [InlineData("""{"id": "x-surrogate", "label": "\udc00"}""")]
    public async Task A_lone_surrogate_in_an_id_or_a_label_is_a_400_not_a_500(string json)
    {
        var (status, error) = await PostAsync(json);

        Assert.Equal(400, status);
        Assert.Contains("not valid UTF-8 text", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_in_an_id_is_a_400()
    {
        byte[] body = [.. "{\"id\": \"ab"u8, 0xC3, 0x28, .. "\", \"label\": 1}"u8];

        var (status, _) = await PostAsync(new ByteArrayContent(body));

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task A_number_label_out_of_range_is_counted_not_a_500()
    {
        var (id, _) = await gateway.PredictBreastCancerAsync(1);

        var (status, body) = await gateway.PostFeedbackAsync($$"""{"id": "{{id}}", "label": 1e400}""");

        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("invalidLabels").GetInt32());
    }

    [Fact]
    public async Task More_items_than_MaxFeedbackItems_is_a_413_that_names_the_key()
    {
        var items = string.Join(',', Enumerable.Range(0, 1001).Select(i => $$"""{"id": "many-{{i}}", "label": 1}"""));
        var held = Monitor.PendingLabels;

        var (status, error) = await PostAsync($"[{items}]");

        Assert.Equal(413, status);
        Assert.Contains($"{Section}:MaxFeedbackItems", error, StringComparison.Ordinal);
        Assert.Contains("1001 items", error, StringComparison.Ordinal);
        Assert.Equal(held, Monitor.PendingLabels);
    }

    [Fact]
    public async Task More_labels_than_MaxLabelsPerItem_is_a_400_that_names_the_key()
    {
        var labels = string.Join(',', Enumerable.Repeat("1", 10_001));

        var (status, error) = await PostAsync($$"""{"id": "long-list", "label": [{{labels}}]}""");

        Assert.Equal(400, status);
        Assert.Contains($"{Section}:MaxLabelsPerItem", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_label_over_MaxLabelLength_is_a_400_that_names_the_key()
    {
        var (status, error) = await PostAsync($$"""{"id": "long-text", "label": "{{new string('x', 257)}}"}""");

        Assert.Equal(400, status);
        Assert.Contains($"{Section}:MaxLabelLength", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_MaxFeedbackBytes_is_a_413_that_names_the_key(bool chunked)
    {
        // Valid JSON, only too large: an empty list padded with spaces to one byte over 1 MiB.
        var body = Encoding.ASCII.GetBytes("[" + new string(' ', (1024 * 1024) - 1) + "]");
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
        }

        var (status, error) = await PostAsync(content, chunked);

        Assert.Equal(413, status);
        Assert.Contains($"{Section}:MaxFeedbackBytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_just_under_MaxFeedbackBytes_is_read()
    {
        var body = """{"id": "padded", "label": 1}""";
        var (status, _) = await PostAsync(body + new string(' ', (1024 * 1024) - body.Length));

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Errors_repeat_ids_cut_short()
    {
        var items = string.Join(',', Enumerable.Range(0, 5).Select(i => $$"""{"id": "{{i}}{{new string('z', 127)}}", "label": 1}"""));

        var (status, body) = await gateway.PostFeedbackAsync($"[{items}]");

        Assert.Equal(200, status);
        var errors = body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(5, errors.Count);
        Assert.All(errors, e => Assert.Contains("...(64 more characters)", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_id_repeated_in_a_post_counts_once_and_is_reported_as_duplicates()
    {
        var items = string.Join(',', Enumerable.Repeat("""{"id": "said-thrice", "label": 1}""", 3));

        var (status, body) = await gateway.PostFeedbackAsync($"[{items}]");

        Assert.Equal(200, status);
        Assert.Equal((1, 1, 2), (body.GetProperty("unknownIds").GetInt32(), body.GetProperty("pending").GetInt32(), body.GetProperty("duplicates").GetInt32()));
    }

    [Fact]
    public async Task Many_full_posts_leave_the_held_labels_within_their_byte_bound()
    {
        // Each post: 1,000 unknown ids with 200 labels each, about 5 MB held unbounded; ten of them about 50 MB.
        var limit = gateway.Host.Services.GetRequiredService<IOptions<PerformanceOptions>>().Value.MaxPendingBytes;
        var labels = string.Join(',', Enumerable.Repeat("1", 200));
        for (var post = 0; post < 10; post++)
        {
            var items = string.Join(',', Enumerable.Range(0, 1000).Select(i => $$"""{"id": "bulk-{{post}}-{{i}}", "label": [{{labels}}]}"""));
            var (status, _) = await gateway.PostFeedbackAsync($"[{items}]");
            Assert.Equal(200, status);
        }

        Assert.Equal(16 * 1024 * 1024, limit);
        Assert.InRange(Monitor.PendingBytes, 1, limit);
        Assert.True(Monitor.Counts.Evicted > 0, "nothing was evicted");
    }

    [Fact]
    public async Task A_feedback_limit_out_of_range_stops_start_up_and_names_its_key()
    {
        using var registry = new SampleRegistry("iris");
        await using var host = new GatewayHost(registry.Path, new Dictionary<string, string?> { [$"{Section}:MaxFeedbackItems"] = "0" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.Contains($"{Section}:MaxFeedbackItems is '0'; use a whole number from 1 to 1000000", error.Message, StringComparison.Ordinal);
    }

    private PerformanceMonitor Monitor => gateway.Host.Services.GetRequiredService<PerformanceMonitor>();

    private Task<(int Status, string Error)> PostAsync(string json) => PostAsync(new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<(int Status, string Error)> PostAsync(HttpContent content, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/monitoring/feedback") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await gateway.Rest.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.TryGetProperty("error", out var e) ? e.GetString()! : text;
        return ((int)response.StatusCode, error);
    }
}
