using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging;

public sealed class PredictionLoggerTests
{
    private static InferenceRecord Record(int i, string model = "m") => new(
        model,
        1,
        RouteKind.Stable,
        "rest",
        DateTimeOffset.UnixEpoch.AddSeconds(i),
        TimeSpan.FromMilliseconds(1),
        null,
        new InferenceRequest { ModelName = model, Id = $"r{i}", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1], (ReadOnlySpan<float>)[i])] },
        new InferenceResponse { ModelName = model, ModelVersion = "1", Id = $"r{i}", Outputs = [] });

    private static PredictionLogger Logger(IPredictionSink sink, int capacity = 1000, double sampleRate = 1.0) =>
        new(sink, Options.Create(new PredictionLogOptions { QueueCapacity = capacity, SampleRate = sampleRate }), TimeProvider.System, NullLogger<PredictionLogger>.Instance);

    [Fact]
    public async Task Every_record_reaches_the_sink_in_order_when_the_queue_has_room()
    {
        var sink = new RecordingSink();
        var logger = Logger(sink, capacity: 5000);
        await logger.StartAsync(CancellationToken.None);

        for (var i = 0; i < 2000; i++)
        {
            logger.Consume(Record(i));
        }

        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(0, logger.Dropped);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"r{i}"), sink.Ids);
    }

    [Fact]
    public async Task Lines_reach_the_sink_intact_while_the_pages_they_were_copied_into_are_reused()
    {
        // Twenty waves of 1,000 lines of about 200 bytes: each wave fills several pages, which come back for reuse
        // once written, so later waves are copied over earlier ones' bytes.
        var sink = new RecordingSink();
        var logger = Logger(sink, capacity: 5000);
        await logger.StartAsync(CancellationToken.None);
        for (var wave = 0; wave < 20; wave++)
        {
            for (var i = wave * 1000; i < (wave + 1) * 1000; i++)
            {
                logger.Consume(Record(i));
            }

            await logger.FlushAsync(TimeSpan.FromSeconds(10));
        }

        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(20_000, sink.Lines.Count);
        for (var i = 0; i < sink.Lines.Count; i++)
        {
            using var json = System.Text.Json.JsonDocument.Parse(sink.Lines[i].Json);
            Assert.Equal($"r{i}", json.RootElement.GetProperty("id").GetString());
            Assert.Equal(i, json.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data")[0].GetSingle());
        }
    }

    [Fact]
    public async Task A_full_queue_drops_new_records_without_blocking_and_counts_each_drop()
    {
        var sink = new RecordingSink { Gate = new TaskCompletionSource() };
        var logger = Logger(sink, capacity: 10);
        await logger.StartAsync(CancellationToken.None);

        var started = DateTime.UtcNow;
        for (var i = 0; i < 2000; i++)
        {
            logger.Consume(Record(i));
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "logging must never wait for the sink");

        // The writer may take one batch (at most 512) while the sink blocks, and the queue holds 10: the rest drop.
        Assert.True(logger.Dropped >= 2000 - 512 - 10, $"dropped {logger.Dropped}");
        sink.Gate.SetResult();
        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(2000, logger.Queued);
        Assert.Equal(2000, logger.Written + logger.Dropped);
        Assert.Equal(logger.Written, sink.Ids.Count);
    }

    [Fact]
    public async Task A_failing_sink_is_retried_and_the_held_batch_is_not_lost()
    {
        var sink = new RecordingSink { FailuresLeft = 3 };
        var logger = Logger(sink);
        await logger.StartAsync(CancellationToken.None);

        for (var i = 0; i < 20; i++)
        {
            logger.Consume(Record(i));
        }

        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(3, logger.SinkFailures);
        Assert.Equal(20, sink.Ids.Count);
        Assert.Equal(0, logger.Dropped);
    }

    [Fact]
    public async Task A_sample_rate_of_zero_logs_nothing_and_one_logs_everything()
    {
        var none = Logger(new RecordingSink(), sampleRate: 0);
        for (var i = 0; i < 100; i++)
        {
            none.Consume(Record(i));
        }

        var options = new PredictionLogOptions { SampleRate = 0, ModelSampleRates = { ["kept"] = 1.0 } };
        var sink = new RecordingSink();
        var some = new PredictionLogger(sink, Options.Create(options), TimeProvider.System, NullLogger<PredictionLogger>.Instance);
        await some.StartAsync(CancellationToken.None);
        some.Consume(Record(1, "kept"));
        some.Consume(Record(2, "other"));
        await some.FlushAsync(TimeSpan.FromSeconds(5));
        await some.StopAsync(CancellationToken.None);

        Assert.Equal(0, none.Queued);
        Assert.Equal(["r1"], sink.Ids);
    }

    [Fact]
    public async Task A_record_that_cannot_be_laid_out_is_dropped_and_counted_without_failing_the_request()
    {
        var broken = Record(1) with { Request = new InferenceRequest { ModelName = "m", Id = "broken", Inputs = null! } };

        var (logger, sink) = await LogBetweenTwoGoodRecordsAsync(broken);

        Assert.Equal(1, logger.Dropped);
        Assert.Equal(["r0", "r2"], sink.Ids);
    }

    [Fact]
    public async Task The_sink_gets_the_record_laid_out_as_json_with_its_routing_fields()
    {
        var sink = new RecordingSink();
        var logger = Logger(sink);
        await logger.StartAsync(CancellationToken.None);

        logger.Consume(Record(7, "iris"));
        await logger.FlushAsync(TimeSpan.FromSeconds(5));
        await logger.StopAsync(CancellationToken.None);

        var line = Assert.Single(sink.Lines);
        Assert.Equal(("iris", 1, "r7", new DateOnly(1970, 1, 1)), (line.Model, line.Version, line.Id, line.Day));
        using var json = System.Text.Json.JsonDocument.Parse(line.Json);
        Assert.Equal("r7", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(7f, json.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data")[0].GetSingle());
    }

    [Fact]
    public async Task A_large_record_is_laid_out_by_the_writer_and_reaches_the_sink_whole()
    {
        var values = Enumerable.Range(0, LoggedPrediction.MaxValuesLaidOutOnRequest + 1).Select(v => v * 0.5f).ToArray();
        var large = Record(1) with { Request = new InferenceRequest { ModelName = "m", Id = "r1", Inputs = [Tensor.FromValues("x", TensorDataType.FP32, [1, values.Length], (ReadOnlySpan<float>)values)] } };

        Assert.False(LoggedPrediction.Of(large).IsLaidOut);
        Assert.True(LoggedPrediction.Of(Record(0)).IsLaidOut);

        var (_, sink) = await LogBetweenTwoGoodRecordsAsync(large);

        Assert.Equal(["r0", "r1", "r2"], sink.Ids);
        Assert.All(sink.Lines, line => Assert.True(line.IsLaidOut));
        using var json = System.Text.Json.JsonDocument.Parse(sink.Lines[1].Json);
        Assert.Equal(values, json.RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task A_large_record_the_writer_cannot_lay_out_is_dropped_and_counted_and_the_rest_written()
    {
        // Large, so left to the writer, and of a datatype no writer knows, so its layout throws there.
        var unwritable = Tensor.FromBytes("x", (TensorDataType)200, [1, LoggedPrediction.MaxValuesLaidOutOnRequest + 1], new byte[4]);
        var broken = Record(1) with { Request = new InferenceRequest { ModelName = "m", Id = "r1", Inputs = [unwritable] } };
        Assert.False(LoggedPrediction.Of(broken).IsLaidOut);

        var (logger, sink) = await LogBetweenTwoGoodRecordsAsync(broken);

        Assert.Equal(1, logger.Dropped);
        Assert.Equal(0, logger.SinkFailures);
        Assert.Equal(["r0", "r2"], sink.Ids);
    }

    [Fact]
    public async Task A_request_refused_before_routing_is_not_logged_whatever_model_it_names()
    {
        // Version 0: no version was chosen (unknown model or version), so the name is only what the caller typed.
        var refused = Record(1, "no-such-model") with { Version = 0, Error = InferenceErrorKind.NotFound, Response = null };

        var (logger, sink) = await LogBetweenTwoGoodRecordsAsync(refused);

        Assert.Equal(["r0", "r2"], sink.Ids);
        Assert.DoesNotContain(sink.Lines, l => l.Model == "no-such-model");
        Assert.Equal(2, logger.Queued);
        Assert.Equal(0, logger.Dropped);
    }

    [Fact]
    public async Task A_record_the_sink_can_never_write_is_dropped_and_counted_and_the_rest_and_later_ones_are_written()
    {
        var sink = new RecordingSink { Unwritable = "bad" };
        var logger = Logger(sink);
        await logger.StartAsync(CancellationToken.None);

        // One batch mixing both models, then later records of the good one.
        for (var i = 0; i < 10; i++)
        {
            logger.Consume(Record(i, i % 3 == 0 ? "bad" : "m"));
        }

        await logger.FlushAsync(TimeSpan.FromSeconds(5));
        for (var i = 10; i < 13; i++)
        {
            logger.Consume(Record(i));
        }

        await logger.FlushAsync(TimeSpan.FromSeconds(5));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(["r1", "r2", "r4", "r5", "r7", "r8", "r10", "r11", "r12"], sink.Ids);
        Assert.Equal(4, logger.Dropped);
        Assert.Equal(4, logger.Unwritable[PredictionWriteFailure.PathTooLong]);
        Assert.Equal(0, logger.SinkFailures);
        Assert.Equal(logger.Queued, logger.Written + logger.Dropped);
    }

    [Fact]
    public async Task One_record_that_cannot_be_encoded_among_good_ones_of_its_model_is_dropped_alone()
    {
        var (logger, sink) = await LogBetweenTwoGoodRecordsAsync(Record(1), new RecordingSink { UnwritableId = "r1" });

        Assert.Equal(["r0", "r2"], sink.Ids);
        Assert.Equal(1, logger.Dropped);
        Assert.Equal(1, logger.Unwritable[PredictionWriteFailure.Serialization]);
        Assert.Equal(0, logger.SinkFailures);
    }

    [Fact]
    public async Task A_model_whose_writes_fail_for_a_while_is_retried_alone_and_the_others_are_written_once()
    {
        var sink = new RecordingSink { FailingModel = "b", FailuresLeft = 2 };
        var logger = Logger(sink);
        await logger.StartAsync(CancellationToken.None);

        for (var i = 0; i < 6; i++)
        {
            logger.Consume(Record(i, i % 2 == 0 ? "a" : "b"));
        }

        await logger.FlushAsync(TimeSpan.FromSeconds(10));
        await logger.StopAsync(CancellationToken.None);

        Assert.Equal(["r0", "r2", "r4"], sink.Lines.Where(l => l.Model == "a").Select(l => l.Id));
        Assert.Equal(["r1", "r3", "r5"], sink.Lines.Where(l => l.Model == "b").Select(l => l.Id));
        Assert.Equal(2, logger.SinkFailures);
        Assert.Equal(0, logger.Dropped);
    }

    /// <summary>Logs r0, <paramref name="middle"/> and r2 through a started logger, then flushes and stops it.</summary>
    private static async Task<(PredictionLogger Logger, RecordingSink Sink)> LogBetweenTwoGoodRecordsAsync(InferenceRecord middle, RecordingSink? into = null)
    {
        var sink = into ?? new RecordingSink();
        var logger = Logger(sink);
        await logger.StartAsync(CancellationToken.None);
        logger.Consume(Record(0));
        logger.Consume(middle);
        logger.Consume(Record(2));
        await logger.FlushAsync(TimeSpan.FromSeconds(5));
        await logger.StopAsync(CancellationToken.None);
        return (logger, sink);
    }

    /// <summary>What the sink keeps of a record: a copy, since the logger reuses a line's bytes once the write returns.</summary>
    private sealed record KeptLine(string Model, int Version, string Id, DateOnly Day, byte[] Json, bool IsLaidOut)
    {
        public static KeptLine Of(LoggedPrediction line) => new(line.Model, line.Version, line.Id, line.Day, line.Json.ToArray(), line.IsLaidOut);
    }

    private sealed class RecordingSink : IPredictionSink
    {
        public List<KeptLine> Lines { get; } = [];

        public List<string> Ids => [.. Lines.Select(l => l.Id)];

        public TaskCompletionSource? Gate { get; init; }

        public int FailuresLeft { get; set; }

        /// <summary>
        /// Only batches holding this model fail (while <see cref="FailuresLeft"/> lasts), after the other models'
        /// records in them are written; null: any batch fails, and nothing of it is written.
        /// </summary>
        public string? FailingModel { get; init; }

        /// <summary>Records of this model can never be written: a batch holding one throws as a too-long path does.</summary>
        public string? Unwritable { get; init; }

        /// <summary>The record with this id can never be written (a serialization failure).</summary>
        public string? UnwritableId { get; init; }

        /// <summary>Batches refused because they held an unwritable record.</summary>
        public int Rejected { get; private set; }

        public async ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken)
        {
            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }

            if (batch.Any(l => l.Model == Unwritable))
            {
                Rejected++;
                throw new PathTooLongException("The path is too long");
            }

            if (batch.Any(l => l.Id == UnwritableId))
            {
                Rejected++;
                throw new System.Text.Json.JsonException("cannot encode");
            }

            if (FailuresLeft > 0 && (FailingModel is null || batch.Any(l => l.Model == FailingModel)))
            {
                FailuresLeft--;

                // As files do: the other models' records land before the failing model's write throws.
                lock (Lines)
                {
                    Lines.AddRange(batch.Where(l => FailingModel is not null && l.Model != FailingModel).Select(KeptLine.Of));
                }

                throw new IOException("disk full");
            }

            lock (Lines)
            {
                Lines.AddRange(batch.Select(KeptLine.Of));
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
