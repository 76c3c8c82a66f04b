using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging;

/// <summary>
/// Inputs that kept their JSON text as sent are logged with that text; the log is the text's one reader and lets it
/// go once, whether it logged the record or not. (The reader keeps only text the log would write itself; these
/// tests hand the writer a spaced text, so which way it went shows.)
/// </summary>
public sealed class SentJsonTextTests
{
    [Fact]
    public void An_input_that_kept_its_text_is_logged_as_sent_and_reads_back_as_its_values()
    {
        var lender = new CountingLender();
        var input = Kept("[17.990, 10.38,-0.5]", [17.99f, 10.38f, -0.5f], lender);

        var line = Encoding.UTF8.GetString(PredictionRecordWriter.ToUtf8(Record(input)));

        Assert.Contains("\"data\":[17.990, 10.38,-0.5]", line, StringComparison.Ordinal);
        var data = JsonDocument.Parse(line).RootElement.GetProperty("inputs").GetProperty("x").GetProperty("data");
        Assert.Equal([17.99f, 10.38f, -0.5f], data.EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal(0, lender.Released);
    }

    [Fact]
    public void Once_let_go_the_values_are_written_from_the_tensor_again()
    {
        var lender = new CountingLender();
        var input = Kept("[17.990, 10.38,-0.5]", [17.99f, 10.38f, -0.5f], lender);

        input.LetGoOfJsonText();
        input.LetGoOfJsonText();

        Assert.Equal(1, lender.Released);
        Assert.Contains("\"data\":[17.99,10.38,-0.5]", Encoding.UTF8.GetString(PredictionRecordWriter.ToUtf8(Record(input))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void The_logger_lets_go_of_the_text_once_whether_it_logs_the_record_or_samples_it_out(double sampleRate)
    {
        var lender = new CountingLender();
        var logger = new PredictionLogger(new NullSink(), Options.Create(new PredictionLogOptions { SampleRate = sampleRate }), TimeProvider.System, NullLogger<PredictionLogger>.Instance);

        logger.Consume(Record(Kept("[1.5,2,3]", [1.5f, 2f, 3f], lender)));

        Assert.Equal(1, lender.Released);
    }

    [Fact]
    public void A_record_the_full_pipeline_dropped_lets_go_of_its_text_too()
    {
        var lender = new CountingLender();
        var queue = new MonitoringQueue(4);
        var logger = new PredictionLogger(new NullSink(), Options.Create(new PredictionLogOptions()), TimeProvider.System, NullLogger<PredictionLogger>.Instance, queue);
        var pipeline = new MonitoringPipeline(queue, [logger]);

        for (var i = 0; i < queue.Capacity; i++)
        {
            pipeline.OnCompleted(Record(Kept("[1.5,2,3]", [1.5f, 2f, 3f], new CountingLender())));
        }

        pipeline.OnCompleted(Record(Kept("[1.5,2,3]", [1.5f, 2f, 3f], lender)));

        Assert.Equal((1L, 1), (queue.Dropped, lender.Released));
    }

    private static Tensor Kept(string text, float[] values, ILentBytes lender) =>
        Tensor.FromBytes("x", TensorDataType.FP32, [1, values.Length], [.. System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())], Encoding.UTF8.GetBytes(text), lender);

    private static InferenceRecord Record(Tensor input) => new(
        "m",
        1,
        RouteKind.Stable,
        "rest",
        DateTimeOffset.UnixEpoch,
        TimeSpan.FromMilliseconds(1),
        null,
        new InferenceRequest { ModelName = "m", Id = "p1", Inputs = [input] },
        new InferenceResponse { ModelName = "m", ModelVersion = "1", Id = "p1", Outputs = [] });

    private sealed class CountingLender : ILentBytes
    {
        public int Released { get; private set; }

        public void Release() => Released++;
    }

    private sealed class NullSink : IPredictionSink
    {
        public ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
