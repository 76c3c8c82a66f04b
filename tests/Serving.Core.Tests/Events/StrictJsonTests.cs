using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Core.Events;

namespace Serving.Core.Tests.Events;

/// <summary>A body is read whole and strictly: every fault is a <see cref="JsonException"/> at once, never a later throw.</summary>
public sealed class StrictJsonTests
{
    public static TheoryData<string, byte[], string> Faults => new()
    {
        { "key twice", """{"id":"a","id":"b"}"""u8.ToArray(), "" },
        { "key twice, nested", """{"data":{"model":"a","model":"b"}}"""u8.ToArray(), "" },
        { "invalid UTF-8 in a string", [.. """{"note":"a"""u8, 0xC3, 0x28, .. "\"}"u8], StrictJson.InvalidText },
        { "lone surrogate in a string nobody reads", """{"a":1,"deep":[{"x":"\udc00"}]}"""u8.ToArray(), StrictJson.InvalidText },
        { "lone surrogate in a name", """{"\ud800":1}"""u8.ToArray(), StrictJson.InvalidText },
        { "not JSON", """{"a":"""u8.ToArray(), "" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_fault_anywhere_is_a_JsonException_from_both_readers(string fault, byte[] body, string message)
    {
        var fromSpan = Assert.ThrowsAny<JsonException>(() => StrictJson.Parse(body));
        using var stream = new MemoryStream(body);
        var fromStream = await Assert.ThrowsAnyAsync<JsonException>(() => StrictJson.ParseAsync(stream, TestContext.Current.CancellationToken));

        Assert.True(fromSpan.Message.Contains(message, StringComparison.Ordinal), $"{fault}: {fromSpan.Message}");
        Assert.True(fromStream.Message.Contains(message, StringComparison.Ordinal), $"{fault}: {fromStream.Message}");
    }

    [Fact]
    public async Task A_good_body_comes_back_whole()
    {
        var body = """{"type":"drift.detected","data":{"model":"iris","features":["a","b"],"emoji":"\ud83d\ude00"}}"""u8.ToArray();

        var node = StrictJson.Parse(body)!;
        using var stream = new MemoryStream(body);
        var fromStream = (await StrictJson.ParseAsync(stream, TestContext.Current.CancellationToken))!;

        Assert.Equal("iris", node["data"]!["model"]!.GetValue<string>());
        Assert.Equal("\U0001F600", node["data"]!["emoji"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(node, fromStream));
    }
}
