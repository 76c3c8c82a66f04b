using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

/// <summary>The row sample monitoring takes of large batches: one row per equal stratum, every row equally likely.</summary>
public sealed class RowSampleTests
{
    [Theory]
    [InlineData(100_000, 100)]
    [InlineData(101, 100)]
    [InlineData(7, 3)]
    public void Each_sampled_row_lies_in_its_own_stratum_in_order(int of, int count)
    {
        foreach (var start in new long[] { 0, 1, of / 2, of - 1 })
        {
            var sample = new RowSample(of, count, start);
            for (var i = 0; i < count; i++)
            {
                var row = sample.Row(i);
                Assert.InRange(row, (int)((long)i * of / count), (int)(((long)(i + 1) * of) - 1) / count);
                Assert.InRange(row, 0, of - 1);
                if (i > 0)
                {
                    Assert.True(row > sample.Row(i - 1));
                }
            }
        }
    }

    [Fact]
    public void A_batch_within_the_cap_is_taken_whole()
    {
        var sample = RowSample.Middle(5, 100);

        Assert.Equal(5, sample.Count);
        Assert.Equal([0, 1, 2, 3, 4], Enumerable.Range(0, 5).Select(sample.Row));
    }

    [Fact]
    public void With_a_random_start_every_row_is_kept_equally_often()
    {
        // 1,000 rows, 30 kept: each row's chance is 3 %. Over 20,000 draws a row is expected 600 times; with a
        // standard deviation of about 24, a count outside 450..750 (over 6 sd) would mean a biased sample.
        const int of = 1_000, count = 30, draws = 20_000;
        var kept = new int[of];
        for (var d = 0; d < draws; d++)
        {
            var sample = RowSample.Random(of, count);
            for (var i = 0; i < count; i++)
            {
                kept[sample.Row(i)]++;
            }
        }

        Assert.All(kept, k => Assert.InRange(k, 450, 750));
    }

    [Fact]
    public void Take_copies_the_sampled_rows_of_numeric_and_bytes_tensors()
    {
        var numbers = Tensor.FromValues<int>("n", TensorDataType.Int32, [6, 2], [0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51]);
        var texts = Tensor.FromElements("t", [6], [.. Enumerable.Range(0, 6).Select(i => new[] { (byte)('a' + i) })]);
        var sample = new RowSample(6, 3, 0);

        var n = sample.Take(numbers);
        var t = sample.Take(texts);

        Assert.Equal([3L, 2L], n.Shape);
        Assert.Equal([0, 1, 20, 21, 40, 41], n.AsSpan<int>().ToArray());
        Assert.Equal([3L], t.Shape);
        Assert.Equal("ace", string.Concat(t.Elements!.Select(e => (char)e[0])));
        Assert.Throws<ArgumentException>(() => new RowSample(5, 3, 0).Take(numbers));
    }
}
