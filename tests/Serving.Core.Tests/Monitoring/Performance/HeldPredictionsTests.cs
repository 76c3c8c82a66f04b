using Serving.Core.Monitoring.Performance;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>The ring of held predictions: the newest kept, found by id (the index built on lookup), forgotten by count and by age.</summary>
public sealed class HeldPredictionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Past_capacity_the_oldest_ids_are_forgotten()
    {
        var held = new HeldPredictions(3);
        for (var i = 0; i < 5; i++)
        {
            held.Add(HeldId.From($"p{i}"), Prediction(i));
        }

        Assert.Equal(3, held.Count);
        Assert.False(held.TryGet(HeldId.From("p0"), out _));
        Assert.False(held.TryGet(HeldId.From("p1"), out _));
        Assert.Equal([2L, 3L, 4L], new[] { "p2", "p3", "p4" }.Select(id => Found(held, id)));
    }

    [Fact]
    public void The_oldest_time_is_peeked_and_removed_in_arrival_order()
    {
        var held = new HeldPredictions(10);
        held.Add(HeldId.From("a"), Prediction(0, seconds: 0));
        held.Add(HeldId.From("b"), Prediction(1, seconds: 5));
        held.Add(HeldId.From("c"), Prediction(2, seconds: 9));

        // What the store does for MaxAgeSeconds: drop while the oldest is older than the cut-off.
        while (held.TryPeekOldest(out var time) && time < Start.AddSeconds(6))
        {
            held.RemoveOldest();
        }

        Assert.True(held.TryPeekOldest(out var oldest));
        Assert.Equal(Start.AddSeconds(9), oldest);
        Assert.Equal(1, held.Count);
        Assert.False(held.TryGet(HeldId.From("b"), out _));
        Assert.Equal(2, Found(held, "c"));
    }

    [Fact]
    public void An_empty_ring_has_no_oldest_and_refuses_to_remove_one()
    {
        var held = new HeldPredictions(2);
        held.Add(HeldId.From("a"), Prediction(0));
        held.RemoveOldest();

        Assert.False(held.TryPeekOldest(out _));
        Assert.Equal(0, held.Count);
        Assert.Throws<InvalidOperationException>(held.RemoveOldest);
    }

    [Fact]
    public void Under_an_id_predicted_twice_the_newest_prediction_is_found()
    {
        var held = new HeldPredictions(5);
        held.Add(HeldId.From("same"), Prediction(1));
        held.Add(HeldId.From("same"), Prediction(2));

        Assert.Equal(2, held.Count);
        Assert.Equal(2, Found(held, "same"));
    }

    [Fact]
    public void Forgetting_an_ids_older_prediction_keeps_its_newer_one()
    {
        var held = new HeldPredictions(3);
        held.Add(HeldId.From("a"), Prediction(0));
        held.Add(HeldId.From("b"), Prediction(1));
        held.Add(HeldId.From("a"), Prediction(2));
        Assert.Equal(2, Found(held, "a")); // indexed now: "a" points at its newer slot

        held.Add(HeldId.From("c"), Prediction(3)); // forgets "a"'s older slot

        Assert.Equal(3, held.Count);
        Assert.Equal(2, Found(held, "a"));
        Assert.Equal(1, Found(held, "b"));
        Assert.Equal(3, Found(held, "c"));
    }

    [Fact]
    public void The_index_is_built_only_when_a_label_is_looked_up()
    {
        var held = new HeldPredictions(100);
        for (var i = 0; i < 250; i++)
        {
            held.Add(HeldId.From(Guid.NewGuid().ToString("N")), Prediction(i));
        }

        Assert.Equal(0, held.Indexed);
        Assert.Equal(100, held.Count);

        Assert.False(held.TryGet(HeldId.From("unknown"), out _));
        Assert.Equal(100, held.Indexed);

        // Forgetting indexed predictions takes them out of the index too.
        for (var i = 0; i < 40; i++)
        {
            held.RemoveOldest();
        }

        Assert.Equal(60, held.Indexed);
    }

    [Fact]
    public void Gateway_guid_ids_and_other_ids_are_held_side_by_side()
    {
        var guid = Guid.NewGuid().ToString("N");
        var held = new HeldPredictions(10);
        held.Add(HeldId.From(guid), Prediction(1));
        held.Add(HeldId.From(guid.ToUpperInvariant()), Prediction(2));
        held.Add(HeldId.From("order-17"), Prediction(3));
        held.Add(HeldId.From(new string('0', 32)), Prediction(4));

        Assert.Equal(4, held.Count);
        Assert.Equal([1L, 2L, 3L, 4L], new[] { guid, guid.ToUpperInvariant(), "order-17", new string('0', 32) }.Select(id => Found(held, id)));
        Assert.False(held.TryGet(HeldId.From(Guid.NewGuid().ToString("N")), out _));
    }

    [Fact]
    public void The_ring_grows_by_doubling_up_to_the_capacity()
    {
        var held = new HeldPredictions(1000);
        Assert.Equal(0, held.Slots);

        var sizes = new List<int>();
        for (var i = 0; i < 3000; i++)
        {
            held.Add(HeldId.From(Guid.NewGuid().ToString("N")), Prediction(i));
            if (sizes.Count == 0 || sizes[^1] != held.Slots)
            {
                sizes.Add(held.Slots);
            }
        }

        Assert.Equal([64, 128, 256, 512, 1000], sizes);
        Assert.Equal(1000, held.Count);
    }

    [Fact]
    public void A_client_reusing_one_id_pushes_out_older_predictions_and_no_more_memory()
    {
        var held = new HeldPredictions(100);
        for (var i = 0; i < 50; i++)
        {
            held.Add(HeldId.From($"other{i}"), Prediction(i));
        }

        for (var i = 0; i < 10_000; i++)
        {
            held.Add(HeldId.From("same"), Prediction(1000 + i));
        }

        Assert.Equal(100, held.Slots);
        Assert.Equal(100, held.Count);
        Assert.False(held.TryGet(HeldId.From("other0"), out _));
        Assert.Equal(10_999, Found(held, "same"));
        Assert.Equal(1, held.Indexed);
    }

    [Fact]
    public void Random_adds_lookups_and_age_evictions_hold_what_a_plain_map_and_queue_would()
    {
        // The reference: the newest prediction number per id plus a queue in arrival order of at most Capacity,
        // forgetting from the front, where a queue entry an id's newer prediction took over is not in the map.
        var random = new Random(7);
        const int Capacity = 50;
        var held = new HeldPredictions(Capacity);
        var map = new Dictionary<string, long>();
        var queue = new Queue<(string Id, long Number, DateTimeOffset Time)>();
        // A few hot ids sent again and again among many cold ids; lookups come now and then, so the index lags.
        var ids = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"text{i}" : new Guid(i, 0, 0, new byte[8]).ToString("N")).ToArray();
        var now = Start;

        for (var number = 0L; number < 20_000; number++)
        {
            now = now.AddMilliseconds(random.Next(0, 40));
            var id = ids[random.Next(10) < 7 ? random.Next(3) : random.Next(ids.Length)];
            held.Add(HeldId.From(id), Prediction(number, now));
            map[id] = number;
            queue.Enqueue((id, number, now));
            while (queue.Count > Capacity)
            {
                Forget(map, queue.Dequeue());
            }

            if (random.Next(10) == 0)
            {
                var cutOff = now.AddSeconds(-1);
                while (held.TryPeekOldest(out var time) && time < cutOff)
                {
                    held.RemoveOldest();
                }

                while (queue.TryPeek(out var oldest) && oldest.Time < cutOff)
                {
                    Forget(map, queue.Dequeue());
                }
            }

            Assert.Equal(queue.Count, held.Count);
            if (random.Next(7) == 0)
            {
                foreach (var candidate in ids)
                {
                    Assert.Equal(map.TryGetValue(candidate, out var expected) ? expected : -1, held.TryGet(HeldId.From(candidate), out var found) ? found.Window : -1);
                }

                Assert.Equal(map.Count, held.Indexed);
            }
        }

        Assert.InRange(held.Slots, 1, Capacity);
    }

    private static void Forget(Dictionary<string, long> map, (string Id, long Number, DateTimeOffset Time) entry)
    {
        if (map.TryGetValue(entry.Id, out var current) && current == entry.Number)
        {
            map.Remove(entry.Id);
        }
    }

    private static long Found(HeldPredictions held, string id) => held.TryGet(HeldId.From(id), out var found) ? found.Window : -1;

    // The ring never looks inside a prediction, so the window number stands in as its tag.
    private static HeldPrediction Prediction(long tag, int seconds = 0) => Prediction(tag, Start.AddSeconds(seconds));

    private static HeldPrediction Prediction(long tag, DateTimeOffset time) => new(null!, null!, tag, 0, 1, time);
}
