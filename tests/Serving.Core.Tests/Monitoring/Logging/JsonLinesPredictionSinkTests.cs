using System.Text.Json;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Monitoring.Logging;

public sealed class JsonLinesPredictionSinkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("predictions-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static LoggedPrediction Record(string model, DateTimeOffset at, string id) => LoggedPrediction.Of(new InferenceRecord(
        model,
        2,
        RouteKind.Canary,
        "grpc",
        at,
        TimeSpan.FromMilliseconds(1.5),
        null,
        new InferenceRequest { ModelName = model, Inputs = [Tensor.FromValues("input", TensorDataType.FP32, [1, 2], (ReadOnlySpan<float>)[0.5f, 1f])] },
        new InferenceResponse { ModelName = model, ModelVersion = "2", Id = id, Outputs = [Tensor.FromValues("label", TensorDataType.Int64, [1], (ReadOnlySpan<long>)[1L])] }));

    [Fact]
    public async Task Writes_one_json_object_per_line_per_model_and_day()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20);
        var day1 = DateTimeOffset.Parse("2026-03-01T23:59:59Z", System.Globalization.CultureInfo.InvariantCulture);

        await sink.WriteAsync([Record("a", day1, "p1"), Record("a", day1.AddSeconds(2), "p2"), Record("b", day1, "p3")], CancellationToken.None);
        await sink.DisposeAsync();

        var lines = File.ReadAllLines(Path.Combine(_root, "a", "2026-03-01.jsonl"));
        var line = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal("p1", line.GetProperty("id").GetString());
        Assert.Equal(2, line.GetProperty("version").GetInt32());
        Assert.Equal("canary", line.GetProperty("route").GetString());
        Assert.Equal("[0.5,1]", line.GetProperty("inputs").GetProperty("input").GetProperty("data").GetRawText());
        Assert.Equal("[1]", line.GetProperty("outputs").GetProperty("label").GetProperty("data").GetRawText());
        Assert.Single(File.ReadAllLines(Path.Combine(_root, "a", "2026-03-02.jsonl")));
        Assert.Single(File.ReadAllLines(Path.Combine(_root, "b", "2026-03-01.jsonl")));
    }

    [Fact]
    public async Task A_file_past_the_size_cap_continues_in_a_numbered_part()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1024);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        for (var i = 0; i < 30; i++)
        {
            await sink.WriteAsync([Record("a", at, $"p{i}")], CancellationToken.None);
        }

        await sink.DisposeAsync();

        var files = Directory.GetFiles(Path.Combine(_root, "a")).Order().ToArray();
        Assert.True(files.Length > 1, "the size cap must roll the file over");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length < 1024 + 400));
        var ids = files.SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(30, ids.Count);
    }

    [Fact]
    public async Task Interleaved_models_each_keep_their_records_in_order()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await sink.WriteAsync([Record("a", at, "p1"), Record("b", at, "p2"), Record("a", at, "p3"), Record("a", at, "p4")], CancellationToken.None);
        await sink.DisposeAsync();

        var ids = File.ReadAllLines(Path.Combine(_root, "a", "2026-03-01.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(["p1", "p3", "p4"], ids);
        Assert.Single(File.ReadAllLines(Path.Combine(_root, "b", "2026-03-01.jsonl")));
    }
}
