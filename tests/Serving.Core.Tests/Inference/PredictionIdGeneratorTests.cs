using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

/// <summary>The gateway's own ids: 32 hex digits, a per-instance random prefix and a counter, unique across instances.</summary>
public sealed class PredictionIdGeneratorTests
{
    [Fact]
    public void Ids_are_32_lowercase_hex_digits_that_the_id_rule_accepts()
    {
        var ids = new PredictionIdGenerator();
        for (var i = 0; i < 100; i++)
        {
            var id = ids.Next();
            Assert.Equal(PredictionIdGenerator.Length, id.Length);
            Assert.Matches("^[0-9a-f]{32}$", id);
            Assert.True(PredictionIds.IsValid(id));
        }
    }

    [Fact]
    public void An_id_is_the_prefix_then_the_counter()
    {
        var ids = new PredictionIdGenerator(0x0123456789abcdefUL);
        Assert.Equal("0123456789abcdef0000000000000001", ids.Next());
        Assert.Equal("0123456789abcdef0000000000000002", ids.Next());
        Assert.Equal("0123456789abcdef", ids.Prefix);
    }

    [Fact]
    public void Two_instances_like_two_replicas_never_hand_out_the_same_id()
    {
        var first = new PredictionIdGenerator();
        var second = new PredictionIdGenerator();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(seen.Add(first.Next()));
            Assert.True(seen.Add(second.Next()));
        }

        Assert.NotEqual(first.Prefix, second.Prefix);
    }

    [Fact]
    public async Task Ids_from_many_threads_at_once_are_all_different()
    {
        var ids = new PredictionIdGenerator();
        var batches = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var mine = new string[5_000];
            for (var i = 0; i < mine.Length; i++)
            {
                mine[i] = ids.Next();
            }

            return mine;
        })));

        Assert.Equal(20_000, batches.SelectMany(b => b).Distinct(StringComparer.Ordinal).Count());
    }
}
