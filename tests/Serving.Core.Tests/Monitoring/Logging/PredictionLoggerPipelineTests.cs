using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging;

/// <summary>
/// The logger as the gateway runs it, fed by the monitoring pipeline: a local sink is written from the pipeline's
/// thread at the end of each drain; a failing write hands what is left to the logger's writer, and later drains
/// queue behind it, so the file keeps the order; a network sink is always written by the writer.
/// </summary>
public sealed class PredictionLoggerPipelineTests
{
    [Fact]
    public void A_local_sink_is_written_once_per_drain_on_the_pipeline_thread_without_the_writer()
    {
        var sink = new ThreadSink(inline: true);
        var (pipeline, logger) = Wire(sink);

        Feed(pipeline, 0, 100);
        Assert.Empty(sink.Ids);
        Assert.Equal(100, pipeline.Drain());

        // The logger's background writer was never started: the drain itself wrote the lines, in one write.
        Assert.Equal(Ids(0, 100), sink.Ids);
        Assert.Equal([Environment.CurrentManagedThreadId], sink.Threads);
        Assert.Equal((100L, 0L, 0), (logger.Written, logger.Dropped, logger.Depth));
    }

    [Fact]
    public async Task A_failed_write_goes_to_the_writer_and_later_drains_queue_behind_it_in_order()
    {
        var sink = new ThreadSink(inline: true) { FailuresLeft = 1 };
        var (pipeline, logger) = Wire(sink);

        Feed(pipeline, 0, 50);
        pipeline.Drain();
        Assert.Equal((0L, 1L, 50), (logger.Written, logger.SinkFailures, logger.Depth));
        Assert.Equal("disk full", logger.LastSinkError);

        // The sink works again, but older lines wait in the queue: these must not overtake them.
        Feed(pipeline, 50, 100);
        pipeline.Drain();
        Assert.Empty(sink.Ids);
        Assert.Equal(100, logger.Depth);

        await logger.StartAsync(CancellationToken.None);
        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(Ids(0, 100), sink.Ids);
        Assert.Equal((100L, 0L), (logger.Written, logger.Dropped));
    }

    [Fact]
    public async Task A_network_sink_is_written_by_the_writer_not_by_the_drain()
    {
        var sink = new ThreadSink(inline: false);
        var (pipeline, logger) = Wire(sink);

        Feed(pipeline, 0, 20);
        pipeline.Drain();
        Assert.Empty(sink.Ids);
        Assert.Equal(20, logger.Depth);

        await logger.StartAsync(CancellationToken.None);
        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(Ids(0, 20), sink.Ids);
    }

    [Fact]
    public async Task A_drain_holding_a_large_record_leaves_its_lines_to_the_writer_in_order()
    {
        // Over 1,024 values: laid out on the writer's thread, which takes milliseconds the other monitors should not wait.
        var sink = new ThreadSink(inline: true);
        var (pipeline, logger) = Wire(sink);
        var values = Enumerable.Range(0, LoggedPrediction.MaxValuesLaidOutOnRequest + 1).Select(v => (float)v).ToArray();

        Feed(pipeline, 0, 2);
        pipeline.OnCompleted(new InferenceRecord(
            "m",
            1,
            RouteKind.Stable,
            "rest",
            DateTimeOffset.UnixEpoch,
            TimeSpan.FromMilliseconds(1),
            null,
            new InferenceRequest { ModelName = "m", Id = "large", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1, values.Length], (ReadOnlySpan<float>)values)] },
            new InferenceResponse { ModelName = "m", ModelVersion = "1", Id = "large", Outputs = [] }));
        pipeline.Drain();

        Assert.Empty(sink.Ids);
        Assert.Equal(3, logger.Depth);

        await logger.StartAsync(CancellationToken.None);
        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(["r0", "r1", "large"], sink.Ids);
    }

    private static (MonitoringPipeline Pipeline, PredictionLogger Logger) Wire(IPredictionSink sink)
    {
        var queue = new MonitoringQueue(1024);
        var logger = new PredictionLogger(sink, Options.Create(new PredictionLogOptions { QueueCapacity = 1000 }), TimeProvider.System, NullLogger<PredictionLogger>.Instance, queue);
        return (new MonitoringPipeline(queue, [logger]), logger);
    }

    private static void Feed(MonitoringPipeline pipeline, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            pipeline.OnCompleted(new InferenceRecord(
                "m",
                1,
                RouteKind.Stable,
                "rest",
                DateTimeOffset.UnixEpoch.AddSeconds(i),
                TimeSpan.FromMilliseconds(1),
                null,
                new InferenceRequest { ModelName = "m", Id = $"r{i}", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1], (ReadOnlySpan<float>)[i])] },
                new InferenceResponse { ModelName = "m", ModelVersion = "1", Id = $"r{i}", Outputs = [] }));
        }
    }

    private static List<string> Ids(int from, int to) => [.. Enumerable.Range(from, to - from).Select(i => $"r{i}")];

    /// <summary>Keeps the ids it was given and the threads that wrote them; fails while FailuresLeft lasts.</summary>
    private sealed class ThreadSink(bool inline) : IPredictionSink
    {
        private readonly List<string> _ids = [];
        private readonly HashSet<int> _threads = [];

        public int FailuresLeft { get; set; }

        public bool WritesInline => inline;

        public List<string> Ids
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public List<int> Threads
        {
            get
            {
                lock (_ids)
                {
                    return [.. _threads];
                }
            }
        }

        public ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken)
        {
            lock (_ids)
            {
                if (FailuresLeft > 0)
                {
                    FailuresLeft--;
                    throw new IOException("disk full");
                }

                _ids.AddRange(batch.Select(l => l.Id));
                _threads.Add(Environment.CurrentManagedThreadId);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
