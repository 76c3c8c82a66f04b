using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// A body that is not well-formed JSON of the right shape is a 400 with a message on <c>POST /runs</c> and on a signed
/// <c>POST /webhooks</c>: never a 500 from a fault the lazy JSON reading would only have met later.
/// </summary>
public sealed class RetrainerBodyTests
{
    private static JsonObject Builtin => new() { [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin" } };

    public static TheoryData<string> RunBodies => new() { "[1]", "\"iris\"", "5", """{"model":"iris","model":"x"}""", """{"model":"\ud800"}""" };

    public static TheoryData<string, byte[]> EventBodies => new()
    {
        { "duplicate key", """{"type":"drift.detected","type":"drift.detected","data":{"model":"breast-cancer"}}"""u8.ToArray() },
        { "duplicate key inside data", """{"type":"drift.detected","data":{"model":"breast-cancer","model":"x"}}"""u8.ToArray() },
        { "invalid UTF-8", [.. """{"type":"drift.detected","data":{"model":"breast-"""u8, 0xC3, 0x28, .. "\"}}"u8] },
        { "lone surrogate", """{"type":"drift.detected","data":{"model":"\ud800"}}"""u8.ToArray() },
        { "lone surrogate elsewhere", """{"type":"drift.detected","note":"\udc00","data":{"model":"breast-cancer"}}"""u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(RunBodies))]
    public async Task A_run_by_hand_with_a_malformed_body_is_400(string body)
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin);
        using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

        using var response = await bed.Http.PostAsync($"{bed.Url}/runs", content, TestContext.Current.CancellationToken);

        Assert.Equal(400, (int)response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("expected {\"model\"", answer["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(bed.Runs.All);
    }

    [Theory]
    [MemberData(nameof(EventBodies))]
    public async Task A_signed_event_with_a_malformed_body_is_400(string what, byte[] body)
    {
        await using var bed = await RetrainerTestBed.StartAsync(Builtin);

        var (status, answer) = await bed.PostWebhookAsync("evt-" + what.Replace(' ', '-'), body);

        Assert.Equal(400, status);
        Assert.Contains("not the event JSON", answer["error"]!.ToString(), StringComparison.Ordinal);
        Assert.Empty(bed.Runs.All);
    }
}
