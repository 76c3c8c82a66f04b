using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Monitoring.Pipeline;

/// <summary>The one monitoring queue: bounded with drops counted, each record to every consumer once, in each writer's order.</summary>
public sealed class MonitoringPipelineTests
{
    [Fact]
    public void A_full_queue_drops_the_record_counts_it_and_tells_every_consumer()
    {
        var first = new CollectingConsumer();
        var second = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(4), [first, second]);

        for (var i = 0; i < 6; i++)
        {
            pipeline.OnCompleted(Record(0, i));
        }

        Assert.Equal(4, pipeline.Queue.Capacity);
        Assert.Equal(2, pipeline.Queue.Dropped);
        Assert.Equal([4, 5], first.Missed.Select(r => r.Version));
        Assert.Equal([4, 5], second.Missed.Select(r => r.Version));

        Assert.Equal(4, pipeline.Drain());
        Assert.Equal([0, 1, 2, 3], first.Seen.Select(r => r.Version));

        // Room again once drained.
        pipeline.OnCompleted(Record(0, 6));
        Assert.Equal(1, pipeline.Drain());
        Assert.Equal(2, pipeline.Queue.Dropped);
    }

    [Fact]
    public void Every_consumer_sees_each_record_once_and_the_same_record()
    {
        var first = new CollectingConsumer();
        var second = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(1024), [first, second]);
        var records = Enumerable.Range(0, 100).Select(i => Record(0, i)).ToArray();

        foreach (var record in records)
        {
            pipeline.OnCompleted(record);
        }

        pipeline.Drain();

        Assert.Equal(records, first.Seen);
        Assert.Equal(records, second.Seen);
        Assert.Equal(1, first.Drains);
        Assert.Equal(100, pipeline.Queue.Consumed);
        Assert.Equal(0, pipeline.Drain());
    }

    [Fact]
    public async Task Records_of_each_writer_come_out_in_that_writers_order_while_writers_race_the_reader()
    {
        const int Writers = 4;
        const int PerWriter = 20_000;
        var consumer = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(256), [consumer]);
        using var done = new CancellationTokenSource();

        var reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                pipeline.Drain();
            }

            pipeline.Drain();
        }, TestContext.Current.CancellationToken);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                pipeline.OnCompleted(Record(w, i));
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        await Task.WhenAll(writers);
        await done.CancelAsync();
        await reader;

        // A small ring and racing writers: some are dropped, and every record is either seen once or counted.
        Assert.Equal(Writers * PerWriter, consumer.Seen.Count + pipeline.Queue.Dropped);
        Assert.Equal(consumer.Seen.Count, consumer.Seen.Distinct().Count());
        foreach (var writer in consumer.Seen.GroupBy(r => r.Model))
        {
            var order = writer.Select(r => r.Version).ToArray();
            Assert.Equal(order.Order(), order);
        }
    }

    [Fact]
    public void A_consumer_that_throws_is_counted_and_the_others_still_see_the_record()
    {
        var failures = new InferenceObserverFailures();
        var after = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(8), [new ThrowingConsumer(), after], failures);

        pipeline.OnCompleted(Record(0, 1));
        pipeline.Drain();

        Assert.Single(after.Seen);
        Assert.Equal(1, Assert.Single(failures.Counts, c => c.Key == nameof(ThrowingConsumer)).Value);
    }

    [Fact]
    public async Task The_running_pipeline_wakes_for_a_record_and_catch_up_returns_once_it_was_handed_over()
    {
        var consumer = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(64), [consumer]);
        await pipeline.StartAsync(CancellationToken.None);
        try
        {
            // Let it go to sleep on an empty queue first.
            await Task.Delay(50, TestContext.Current.CancellationToken);
            var record = Record(0, 7);
            pipeline.OnCompleted(record);

            await pipeline.Queue.CatchUpAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            lock (consumer.Seen)
            {
                Assert.Same(record, Assert.Single(consumer.Seen));
            }
        }
        finally
        {
            await pipeline.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stopping_hands_over_what_is_still_queued()
    {
        var consumer = new CollectingConsumer();
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(64), [consumer]);
        await pipeline.StartAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            pipeline.OnCompleted(Record(0, i));
        }

        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(10, consumer.Seen.Count);
    }

    [Fact]
    public void Without_consumers_nothing_is_queued()
    {
        using var pipeline = new MonitoringPipeline(new MonitoringQueue(2), []);
        for (var i = 0; i < 5; i++)
        {
            pipeline.OnCompleted(Record(0, i));
        }

        Assert.Equal(0, pipeline.Queue.Written);
        Assert.Equal(0, pipeline.Queue.Dropped);
    }

    /// <summary>A record whose model names the writer and whose version is its sequence number.</summary>
    private static InferenceRecord Record(int writer, int sequence) => new(
        "w" + writer, sequence, RouteKind.Stable, "rest", DateTimeOffset.UnixEpoch, TimeSpan.Zero, null,
        new InferenceRequest { ModelName = "w" + writer, Inputs = [] }, null);

    private sealed class CollectingConsumer : IMonitoringConsumer
    {
        public List<InferenceRecord> Seen { get; } = [];

        public List<InferenceRecord> Missed { get; } = [];

        public int Drains { get; private set; }

        public void Consume(InferenceRecord record)
        {
            lock (Seen)
            {
                Seen.Add(record);
            }
        }

        void IMonitoringConsumer.Missed(InferenceRecord record)
        {
            lock (Missed)
            {
                Missed.Add(record);
            }
        }

        public void Drained() => Drains++;
    }

    private sealed class ThrowingConsumer : IMonitoringConsumer
    {
        public void Consume(InferenceRecord record) => throw new InvalidOperationException("broken on purpose");

        public void Missed(InferenceRecord record)
        {
        }
    }
}
