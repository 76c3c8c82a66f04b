using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>
/// What feedback can cost: labels held for predictions not seen yet are bounded by bytes as well as by count, an id
/// repeated in a post or across posts holds one entry, and answers repeat caller text cut short.
/// </summary>
public sealed class FeedbackBoundsTests
{
    private const int Mib = 1024 * 1024;

    [Fact]
    public void The_pending_hold_is_bounded_by_bytes_and_forgets_the_oldest()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxPendingBytes = 64 * 1024 });
        var size = PendingFeedback.SizeOf(Item("id0", labels: 1000));

        f.Monitor.AddFeedback([.. Enumerable.Range(0, 100).Select(i => Item($"id{i}", labels: 1000))]);

        var fits = (int)(64 * 1024 / size);
        Assert.InRange(f.Monitor.PendingBytes, 1, 64 * 1024);
        Assert.Equal(fits, f.Monitor.PendingLabels);
        Assert.Equal(100 - fits, f.Monitor.Counts.Evicted);
        Assert.Equal(100 - fits, f.Monitor.Counts.Expired);

        // The newest are the ones kept: a prediction for the newest id joins its held labels.
        f.Multiclass("id99", [.. Enumerable.Repeat(1L, 1000)], [.. Enumerable.Repeat(0.5f, 3000)]);
        Assert.Equal(1, f.Monitor.Counts.JoinedLate);
    }

    [Fact]
    public void An_item_larger_than_the_whole_hold_is_not_held_and_says_why()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxPendingBytes = 1024 });

        var result = f.Monitor.AddFeedback([Item("big", labels: 1000)]);

        Assert.Equal((0, 1, 0L), (result.Pending, result.UnknownIds, f.Monitor.PendingBytes));
        Assert.Contains("MaxPendingBytes", Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_repeated_in_one_post_counts_once_with_its_last_label()
    {
        var f = new PerformanceFixture();
        f.Binary("a", 1, 0.9f);

        var result = f.Monitor.AddFeedback([new FeedbackItem("a", [FeedbackLabel.OfNumber(0)]), new FeedbackItem("a", [FeedbackLabel.OfNumber(1)])]);

        Assert.Equal((1, 1), (result.Accepted, result.Duplicates));
        Assert.Equal(1, f.Version("cancer").Current!.Labels);
        Assert.Equal(1.0, PerformanceFixture.Metric(f.Version("cancer").Current, "accuracy"));
    }

    [Fact]
    public void An_unknown_id_repeated_in_one_post_holds_one_entry()
    {
        var f = new PerformanceFixture();
        var item = Item("again", labels: 10);

        var result = f.Monitor.AddFeedback([.. Enumerable.Range(0, 10_000).Select(_ => Item("again", labels: 10))]);

        Assert.Equal((1, 1, 9_999), (result.Pending, result.UnknownIds, result.Duplicates));
        Assert.Equal(1, f.Monitor.PendingLabels);
        Assert.Equal(PendingFeedback.SizeOf(item), f.Monitor.PendingBytes);
    }

    [Fact]
    public void An_unknown_id_sent_again_in_later_posts_replaces_its_held_label()
    {
        var f = new PerformanceFixture(new PerformanceOptions { MaxPendingLabels = 2 });
        f.Feedback("first", FeedbackLabel.OfNumber(1));

        // The last label for "again" is 0.
        for (var i = 1; i <= 1000; i++)
        {
            f.Feedback("again", FeedbackLabel.OfNumber(i % 2));
        }

        var held = f.Monitor.PendingBytes;
        f.Binary("first", 1, 0.9f);
        f.Binary("again", 1, 0.9f);

        // Both stayed held (one entry for "again", not a thousand that push "first" out), and "again" took its last label.
        Assert.Equal(PendingFeedback.SizeOf(new FeedbackItem("first", [FeedbackLabel.OfNumber(1)])) + PendingFeedback.SizeOf(new FeedbackItem("again", [FeedbackLabel.OfNumber(1)])), held);
        Assert.Equal(0, f.Monitor.Counts.Evicted);
        Assert.Equal(2, f.Monitor.Counts.JoinedLate);
        Assert.Equal(0, f.Monitor.PendingBytes);
        Assert.Equal(0.5, PerformanceFixture.Metric(f.Version("cancer").Current, "accuracy"));
    }

    [Fact]
    public void Held_labels_that_expire_give_their_bytes_back()
    {
        var f = new PerformanceFixture(new PerformanceOptions { PendingSeconds = 30 });
        f.Monitor.AddFeedback([.. Enumerable.Range(0, 10).Select(i => Item($"id{i}", labels: 5))]);

        f.Time.Advance(TimeSpan.FromSeconds(31));
        f.Binary("later", 1, 0.7f);

        Assert.Equal((0, 0L), (f.Monitor.PendingLabels, f.Monitor.PendingBytes));
        Assert.Equal(10, f.Monitor.Counts.Expired);
        Assert.Equal(0, f.Monitor.Counts.Evicted);
    }

    [Fact]
    public void The_size_estimate_counts_ids_labels_and_label_text()
    {
        var small = PendingFeedback.SizeOf(new FeedbackItem("a", [FeedbackLabel.OfNumber(1)]));
        var longerId = PendingFeedback.SizeOf(new FeedbackItem(new string('a', 101), [FeedbackLabel.OfNumber(1)]));
        var moreLabels = PendingFeedback.SizeOf(new FeedbackItem("a", [.. Enumerable.Repeat(FeedbackLabel.OfNumber(1), 101)]));
        var text = PendingFeedback.SizeOf(new FeedbackItem("a", [FeedbackLabel.OfText(new string('x', 100))]));

        Assert.Equal(200, longerId - small);
        Assert.Equal(100 * 24, moreLabels - small);
        Assert.True(text - small >= 200, $"a 100-character text label adds {text - small} bytes");
    }

    [Fact]
    public void Feedback_errors_repeat_ids_and_text_labels_cut_short()
    {
        var f = new PerformanceFixture(new PerformanceOptions { PendingSeconds = 0 });
        f.Binary("known", 1, 0.9f);
        var longId = new string('i', 100_000);

        var result = f.Monitor.AddFeedback([new FeedbackItem(longId, [FeedbackLabel.OfNumber(1)]), new FeedbackItem("known", [FeedbackLabel.OfText(new string('t', 100_000))])]);

        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.True(e.Length < 300, $"an error of {e.Length} characters"));
        Assert.Contains("...(99936 more characters)", result.Errors[0], StringComparison.Ordinal);
        Assert.Contains("...(99936 more characters)", result.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Many_large_posts_leave_the_process_holding_no_more_than_the_byte_bound()
    {
        // Unbounded, these posts would hold 8,000 items of 1,000 labels: about 200 MB. The bound is 16 MiB.
        var f = new PerformanceFixture(new PerformanceOptions { MaxPendingBytes = 16 * Mib, MaxPendingLabels = 1_000_000 });
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var post = 0; post < 80; post++)
        {
            f.Monitor.AddFeedback([.. Enumerable.Range(0, 100).Select(i => Item($"p{post}-{i}", labels: 1000))]);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.InRange(f.Monitor.PendingBytes, 15 * Mib, 16 * Mib);
        Assert.True(f.Monitor.Counts.Evicted > 7000, $"evicted {f.Monitor.Counts.Evicted}");

        // The estimate is honest: what the process holds grew by about the bound, nowhere near the 200 MB sent.
        // (Generous: other tests run alongside and allocate too.)
        Assert.True(after - before < 64L * Mib, $"the heap grew by {(after - before) / Mib} MiB");
        GC.KeepAlive(f);
    }

    // Labels in an exact-sized array, as the request reader makes them.
    private static FeedbackItem Item(string id, int labels) => new(id, Enumerable.Repeat(FeedbackLabel.OfNumber(1), labels).ToArray());
}
