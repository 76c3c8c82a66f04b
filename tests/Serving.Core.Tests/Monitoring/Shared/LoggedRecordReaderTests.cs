using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Shared;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Monitoring.Shared;

/// <summary>A logged prediction read back is the record the monitors would have seen in the serving process.</summary>
public sealed class LoggedRecordReaderTests
{
    [Fact]
    public void A_logged_record_reads_back_with_the_same_tensors_version_route_time_and_latency()
    {
        float[] features = [6.3f, 3.3f, 0.1f + 0.2f, float.NaN, 1e-30f, -2.5e7f];
        var record = new InferenceRecord(
            "iris", 3, RouteKind.Canary, "grpc",
            DateTimeOffset.Parse("2026-06-01T08:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(2.5), null,
            new InferenceRequest
            {
                ModelName = "iris",
                Id = "p-1",
                Inputs =
                [
                    Tensor.FromValues("input", TensorDataType.FP32, [2, 3], (ReadOnlySpan<float>)features),
                    Tensor.FromValues("flags", TensorDataType.Bool, [2], (ReadOnlySpan<byte>)[1, 0]),
                    Tensor.FromValues("wide", TensorDataType.FP64, [1], (ReadOnlySpan<double>)[0.1]),
                    Tensor.FromElements("text", [1], [[104, 105]]),
                ],
            },
            new InferenceResponse { ModelName = "iris", ModelVersion = "3", Id = "p-1", Outputs = [Tensor.FromValues("label", TensorDataType.Int64, [2], (ReadOnlySpan<long>)[2, 0])] });

        var read = LoggedRecordReader.Read(LoggedPrediction.Of(record).Json.Span);

        Assert.NotNull(read);
        Assert.Equal(("iris", 3, RouteKind.Canary, "grpc"), (read.Model, read.Version, read.Route, read.Protocol));
        Assert.Equal(record.StartedAt, read.StartedAt);
        Assert.Equal(2.5, read.Latency.TotalMilliseconds, 1e-9);
        Assert.Null(read.Error);
        Assert.Equal("p-1", read.Request.Id);
        Assert.Equal(record.Request.Inputs.Select(t => (t.Name, t.DataType)), read.Request.Inputs.Select(t => (t.Name, t.DataType)));
        Assert.Equal([2L, 3L], read.Request.Inputs[0].Shape);
        // Bit for bit: the log writes floats in round-trip form (NaN as null, read back as NaN).
        Assert.Equal(features.Select(BitConverter.SingleToInt32Bits), read.Request.Inputs[0].AsSpan<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(record.Request.Inputs[1].Data, read.Request.Inputs[1].Data);
        Assert.Equal(0.1, read.Request.Inputs[2].AsSpan<double>()[0]);
        Assert.Equal("hi"u8.ToArray(), read.Request.Inputs[3].Elements![0]);
        Assert.Equal([2L, 0L], read.Response!.Outputs[0].AsSpan<long>().ToArray());
    }

    [Fact]
    public void A_failed_request_reads_back_with_its_error_and_no_response()
    {
        var record = new InferenceRecord("iris", 1, RouteKind.Stable, "rest", DateTimeOffset.UnixEpoch, TimeSpan.Zero, InferenceErrorKind.Unavailable,
            new InferenceRequest { ModelName = "iris", Inputs = [Tensor.FromValues("x", TensorDataType.Int32, [1], (ReadOnlySpan<int>)[7])] }, null);

        var read = LoggedRecordReader.Read(LoggedPrediction.Of(record).Json.Span);

        Assert.Equal(InferenceErrorKind.Unavailable, read!.Error);
        Assert.Null(read.Response);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"model":"m"}""")]
    [InlineData("""{"id":"a","timestamp":"2026-01-01T00:00:00Z","model":"m","version":1,"route":"stable","inputs":{"x":{"datatype":"NOPE","shape":[1],"data":[1]}}}""")]
    public void What_is_not_a_logged_prediction_reads_as_null(string json)
    {
        Assert.Null(LoggedRecordReader.Read(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
