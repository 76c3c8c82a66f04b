using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging;

public sealed class PredictionRecordWriterTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-03-01T10:00:00.1234560Z", CultureInfo.InvariantCulture);

    private static InferenceRecord Record(
        string? id = "p1",
        IReadOnlyList<Tensor>? inputs = null,
        IReadOnlyList<Tensor>? outputs = null,
        InferenceErrorKind? error = null,
        DateTimeOffset? at = null,
        TimeSpan? latency = null,
        string model = "breast-cancer") => new(
        model,
        2,
        RouteKind.Canary,
        "rest",
        at ?? At,
        latency ?? TimeSpan.FromTicks(12_345),
        error,
        new InferenceRequest { ModelName = model, Id = id, Inputs = inputs ?? [Tensor.FromValues("input", TensorDataType.FP32, [1, 3], (ReadOnlySpan<float>)[17.99f, -0.5f, 1001f])] },
        error is null
            ? new InferenceResponse { ModelName = model, ModelVersion = "2", Id = id, Outputs = outputs ?? [Tensor.FromValues("label", TensorDataType.Int64, [1], (ReadOnlySpan<long>)[1L])] }
            : null);

    private static string Write(InferenceRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        new PredictionRecordWriter().Write(buffer, record);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Writes_every_field_of_a_served_prediction()
    {
        var line = JsonDocument.Parse(Write(Record())).RootElement;

        Assert.Equal("p1", line.GetProperty("id").GetString());
        Assert.Equal(At, line.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("breast-cancer", line.GetProperty("model").GetString());
        Assert.Equal(2, line.GetProperty("version").GetInt32());
        Assert.Equal("canary", line.GetProperty("route").GetString());
        Assert.Equal("rest", line.GetProperty("protocol").GetString());
        Assert.Equal("1.2345", line.GetProperty("latencyMs").GetRawText());
        var input = line.GetProperty("inputs").GetProperty("input");
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal("[1,3]", input.GetProperty("shape").GetRawText());
        Assert.Equal("[17.99,-0.5,1001]", input.GetProperty("data").GetRawText());
        Assert.Equal("[1]", line.GetProperty("outputs").GetProperty("label").GetProperty("data").GetRawText());
        Assert.False(line.TryGetProperty("error", out _));
    }

    [Theory]
    [InlineData("2026-03-01T10:00:00.1234560Z", "\"2026-03-01T10:00:00.123456Z\"")]
    [InlineData("2026-03-01T10:00:00.5000000Z", "\"2026-03-01T10:00:00.5Z\"")]
    [InlineData("2026-03-01T10:00:00Z", "\"2026-03-01T10:00:00Z\"")]
    public void Writes_times_as_the_json_writer_does_with_trailing_zeros_trimmed(string at, string expected)
    {
        var time = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        var line = JsonDocument.Parse(Write(Record(at: time))).RootElement;

        Assert.Equal(expected, line.GetProperty("timestamp").GetRawText());
        Assert.Equal(JsonSerializer.Serialize(time.UtcDateTime), expected);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(15_000, "1.5")]
    [InlineData(1_230, "0.123")]
    [InlineData(1, "0.0001")]
    [InlineData(1_234_567_891, "123456.7891")]
    public void Writes_the_latency_in_milliseconds_to_four_decimals(long ticks, string expected)
    {
        var line = JsonDocument.Parse(Write(Record(latency: TimeSpan.FromTicks(ticks)))).RootElement;

        Assert.Equal(expected, line.GetProperty("latencyMs").GetRawText());
    }

    [Theory]
    [InlineData("quote\"d")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak")]
    [InlineData("tab\tand\u0001control")]
    [InlineData("naïve-ümlaut-日本")]
    [InlineData("")]
    public void Escapes_ids_and_names_that_need_it(string text)
    {
        var inputs = new[] { Tensor.FromValues(text, TensorDataType.FP32, [1], (ReadOnlySpan<float>)[1f]) };
        var line = JsonDocument.Parse(Write(Record(id: text, inputs: inputs, model: text))).RootElement;

        Assert.Equal(text, line.GetProperty("id").GetString());
        Assert.Equal(text, line.GetProperty("model").GetString());
        Assert.Equal("[1]", line.GetProperty("inputs").GetProperty(text).GetProperty("data").GetRawText());
    }

    [Fact]
    public void Writes_a_request_that_failed_in_the_runtime_with_its_error_its_inputs_and_no_outputs()
    {
        var line = JsonDocument.Parse(Write(Record(id: null, error: InferenceErrorKind.Internal))).RootElement;

        Assert.Equal(JsonValueKind.Null, line.GetProperty("id").ValueKind);
        Assert.Equal("Internal", line.GetProperty("error").GetString());
        Assert.False(line.TryGetProperty("outputs", out _));
        Assert.Equal(3, line.GetProperty("inputs").GetProperty("input").GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData(InferenceErrorKind.BadRequest)]
    [InlineData(InferenceErrorKind.PayloadTooLarge)]
    [InlineData(InferenceErrorKind.NotFound)]
    [InlineData(InferenceErrorKind.Unavailable)]
    public void Writes_a_refused_request_with_its_error_and_without_its_inputs(InferenceErrorKind error)
    {
        // A million values the caller sent, under a name as long as it liked: none of it reaches the log.
        var name = new string('n', 100_000);
        var record = Record(id: "p7", error: error, inputs: [Tensor.FromValues(name, TensorDataType.FP32, [1, 1_000_000], new float[1_000_000])]);

        var text = Write(record);

        var line = JsonDocument.Parse(text).RootElement;
        Assert.Equal("p7", line.GetProperty("id").GetString());
        Assert.Equal(error.ToString(), line.GetProperty("error").GetString());
        Assert.Equal("{}", line.GetProperty("inputs").GetRawText());
        Assert.False(line.TryGetProperty("outputs", out _));
        Assert.True(text.Length < 400, $"a refused request's line should be small, was {text.Length} characters");
    }

    [Fact]
    public void Cuts_the_id_of_a_refused_request_and_keeps_that_of_a_served_one()
    {
        var id = new string('x', 5000);

        var refused = JsonDocument.Parse(Write(Record(id: id, error: InferenceErrorKind.BadRequest))).RootElement.GetProperty("id").GetString()!;
        var served = JsonDocument.Parse(Write(Record(id: id))).RootElement.GetProperty("id").GetString()!;

        Assert.StartsWith(new string('x', 1024), refused, StringComparison.Ordinal);
        Assert.True(refused.Length < 1100, $"cut to about 1024 characters, was {refused.Length}");
        Assert.Equal(id, served);
    }

    [Fact]
    public void Writes_tensors_of_other_types_in_their_own_json_form()
    {
        Tensor[] outputs =
        [
            Tensor.FromValues("fp64", TensorDataType.FP64, [2], (ReadOnlySpan<double>)[0.1, double.NaN]),
            Tensor.FromValues("flags", TensorDataType.Bool, [2], (ReadOnlySpan<byte>)[1, 0]),
            Tensor.FromValues("counts", TensorDataType.Int32, [1, 2], (ReadOnlySpan<int>)[-3, 7]),
            Tensor.FromElements("names", [2], [Encoding.UTF8.GetBytes("malignant"), Encoding.UTF8.GetBytes("b\"enign")]),
        ];
        var line = JsonDocument.Parse(Write(Record(outputs: outputs))).RootElement.GetProperty("outputs");

        Assert.Equal("[0.1,null]", line.GetProperty("fp64").GetProperty("data").GetRawText());
        Assert.Equal("[true,false]", line.GetProperty("flags").GetProperty("data").GetRawText());
        Assert.Equal("[-3,7]", line.GetProperty("counts").GetProperty("data").GetRawText());
        Assert.Equal("b\"enign", line.GetProperty("names").GetProperty("data")[1].GetString());
        Assert.Equal("BYTES", line.GetProperty("names").GetProperty("datatype").GetString());
    }

    [Fact]
    public void Writes_integer_tensors_to_their_extremes()
    {
        Tensor[] outputs =
        [
            Tensor.FromValues("label", TensorDataType.Int64, [2, 3], (ReadOnlySpan<long>)[long.MinValue, -1, 0, 1, 42, long.MaxValue]),
            Tensor.FromValues("counts", TensorDataType.Int32, [4], (ReadOnlySpan<int>)[int.MinValue, 0, 9, int.MaxValue]),
            Tensor.FromValues("empty", TensorDataType.Int64, [0], ReadOnlySpan<long>.Empty),
        ];
        var line = JsonDocument.Parse(Write(Record(outputs: outputs))).RootElement.GetProperty("outputs");

        Assert.Equal("[-9223372036854775808,-1,0,1,42,9223372036854775807]", line.GetProperty("label").GetProperty("data").GetRawText());
        Assert.Equal("[2,3]", line.GetProperty("label").GetProperty("shape").GetRawText());
        Assert.Equal("[-2147483648,0,9,2147483647]", line.GetProperty("counts").GetProperty("data").GetRawText());
        Assert.Equal("[]", line.GetProperty("empty").GetProperty("data").GetRawText());
    }

    [Fact]
    public void Writes_large_fp32_tensors_whole_with_every_value_exact()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 5000).Select(_ => (float)(random.NextDouble() * 1e4)).ToArray();
        values[17] = float.NaN;
        var inputs = new[] { Tensor.FromValues("image", TensorDataType.FP32, [1, 5000], (ReadOnlySpan<float>)values) };
        var data = JsonDocument.Parse(Write(Record(inputs: inputs))).RootElement.GetProperty("inputs").GetProperty("image").GetProperty("data");

        Assert.Equal(values.Length, data.GetArrayLength());
        for (var i = 0; i < values.Length; i++)
        {
            if (i == 17)
            {
                Assert.Equal(JsonValueKind.Null, data[i].ValueKind);
            }
            else
            {
                Assert.Equal(values[i], data[i].GetSingle());
            }
        }
    }

    [Fact]
    public void Appends_record_after_record_to_the_same_buffer()
    {
        var buffer = new ArrayBufferWriter<byte>(16);
        var writer = new PredictionRecordWriter();
        writer.Write(buffer, Record(id: "a", outputs: [Tensor.FromValues("x", TensorDataType.FP64, [1], (ReadOnlySpan<double>)[2.5])]));
        buffer.Write("\n"u8);
        writer.Write(buffer, Record(id: "b"));

        var lines = Encoding.UTF8.GetString(buffer.WrittenSpan).Split('\n');
        Assert.Equal(["a", "b"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
    }

    [Fact]
    public void ToUtf8_gives_each_record_its_own_array_with_the_same_text_as_Write()
    {
        var small = Record(id: "small");
        var large = Record(id: "large", inputs: [Tensor.FromValues("input", TensorDataType.FP32, [1, 20_000], (ReadOnlySpan<float>)[.. Enumerable.Range(0, 20_000).Select(i => i * 0.25f)])]);

        var first = PredictionRecordWriter.ToUtf8(small);
        var big = PredictionRecordWriter.ToUtf8(large);
        var again = PredictionRecordWriter.ToUtf8(small);

        // The scratch buffer is reused, so an array handed out earlier must not change when the next is laid out.
        Assert.Equal(Write(small), Encoding.UTF8.GetString(first));
        Assert.Equal(Write(large), Encoding.UTF8.GetString(big));
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
    }

    [Fact]
    public void ToUtf8_of_a_batch_record_allocates_little_more_than_its_own_array()
    {
        // 64 rows of 30 FP32 values (a batch request): the thread's scratch buffer must be kept between records, not
        // allocated and grown again for each one (that made about 100 KB of garbage per 14 KB record).
        var values = Enumerable.Range(0, 64 * 30).Select(i => (float)(i % 97) / 7).ToArray();
        var record = Record(inputs: [Tensor.FromValues("input", TensorDataType.FP32, [64, 30], (ReadOnlySpan<float>)values)]);
        var length = 0;
        Exception? failure = null;
        // A thread of its own: the scratch buffer is per thread, and the allocation count is of this thread only.
        var thread = new Thread(() =>
        {
            try
            {
                PredictionRecordWriter.ToUtf8(record);
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < 10; i++)
                {
                    length += PredictionRecordWriter.ToUtf8(record).Length;
                }

                // Each result is an array of its own (its length plus a small header); nothing else per record.
                Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, length, length + (10 * 1024));
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        Assert.True(length > 10 * 64 * 30, "the records hold every value");
    }

    [Fact]
    public void ToUtf8_is_safe_on_many_threads_at_once()
    {
        var records = Enumerable.Range(0, 2000).Select(i => Record(id: $"p{i}", outputs: [Tensor.FromValues("x", TensorDataType.FP64, [1], (ReadOnlySpan<double>)[i + 0.5])])).ToArray();
        var expected = records.Select(Write).ToArray();

        var actual = new string[records.Length];
        Parallel.For(0, records.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Encoding.UTF8.GetString(PredictionRecordWriter.ToUtf8(records[i])));

        Assert.Equal(expected, actual);
    }
}
