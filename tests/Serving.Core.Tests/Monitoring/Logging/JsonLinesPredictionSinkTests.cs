using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Tests.Support;

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
    public async Task A_file_deleted_or_moved_while_open_is_written_anew_in_its_place()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(_root, "a", "2026-03-01.jsonl");

        await sink.WriteAsync([Record("a", at, "p1")], CancellationToken.None);
        File.Move(path, path + ".moved");
        await sink.WriteAsync([Record("a", at, "p2")], CancellationToken.None);
        File.Delete(path);
        await sink.WriteAsync([Record("a", at, "p3"), Record("a", at, "p4")], CancellationToken.None);
        await sink.DisposeAsync();

        Assert.Equal(["p1"], Ids(path + ".moved"));
        Assert.Equal(["p3", "p4"], Ids(path));
    }

    [Fact]
    public async Task A_write_the_disk_cuts_off_part_way_leaves_whole_lines_and_the_retry_writes_each_record_once()
    {
        var disk = new TornWrites.Trigger();
        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20, 8, path => new TornWrites(path, disk));
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var path = Path.Combine(_root, "a", "2026-03-01.jsonl");
        await sink.WriteAsync([Record("a", at, "p1")], CancellationToken.None);
        var before = File.ReadAllBytes(path);
        var batch = Enumerable.Range(2, 200).Select(i => Record("a", at, $"p{i}")).ToList();

        // As ext4 does when full: the first chunk lands in part, then the rest is refused.
        disk.Arm();
        await Assert.ThrowsAsync<IOException>(() => sink.WriteAsync(batch, CancellationToken.None).AsTask());
        Assert.Equal(before, File.ReadAllBytes(path));

        await sink.WriteAsync(batch, CancellationToken.None);
        await sink.DisposeAsync();
        Assert.Equal(Enumerable.Range(1, 201).Select(i => $"p{i}"), Ids(path));
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
    public async Task One_batch_larger_than_the_cap_is_spread_over_parts_none_of_which_passes_it()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1024);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await sink.WriteAsync([.. Enumerable.Range(0, 60).Select(i => Record("a", at, $"p{i}"))], CancellationToken.None);
        await sink.WriteAsync([.. Enumerable.Range(60, 5).Select(i => Record("a", at, $"p{i}"))], CancellationToken.None);
        await sink.DisposeAsync();

        var files = Directory.GetFiles(Path.Combine(_root, "a")).OrderBy(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.True(files.Length > 3, "60 records of about 250 bytes need several 1 KiB parts");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
        var ids = files.SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToArray();
        Assert.Equal(Enumerable.Range(0, 65).Select(i => $"p{i}"), ids);
    }

    [Fact]
    public async Task A_record_larger_than_the_cap_goes_alone_into_a_part_of_its_own()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1024);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var large = LoggedPrediction.Of(new InferenceRecord(
            "a", 2, RouteKind.Stable, "rest", at, TimeSpan.Zero, null,
            new InferenceRequest { ModelName = "a", Inputs = [Tensor.FromValues("input", TensorDataType.FP32, [1, 500], new float[500])] },
            new InferenceResponse { ModelName = "a", ModelVersion = "2", Id = "big", Outputs = [] }));

        await sink.WriteAsync([Record("a", at, "p0"), large, Record("a", at, "p1")], CancellationToken.None);
        await sink.DisposeAsync();

        var parts = new[] { "2026-03-01.jsonl", "2026-03-01.1.jsonl", "2026-03-01.2.jsonl" }
            .Select(name => File.ReadAllLines(Path.Combine(_root, "a", name)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToArray())
            .ToArray();
        Assert.Equal([["p0"], ["big"], ["p1"]], parts);
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

    [Fact]
    public async Task At_most_max_open_files_are_open_and_the_least_recently_written_is_closed_first()
    {
        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20, maxOpenFiles: 8);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        for (var i = 0; i < 200; i++)
        {
            await sink.WriteAsync([Record($"m{i}", at, $"p{i}")], CancellationToken.None);
            Assert.True(sink.OpenFiles <= 8, $"{sink.OpenFiles} files open after {i + 1} models");
        }

        Assert.True(OpenHandlesUnder(_root) <= 8, $"{OpenHandlesUnder(_root)} handles open under the log folder");

        // m192..m199 are open; writing m192 again makes m193 the least recently written, so the next model closes it.
        await sink.WriteAsync([Record("m192", at, "again")], CancellationToken.None);
        await sink.WriteAsync([Record("new", at, "p-new")], CancellationToken.None);
        var open = OpenFiles.PathsUnder(_root);
        Assert.Contains(open, p => p.Contains($"{Path.DirectorySeparatorChar}m192{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.DoesNotContain(open, p => p.Contains($"{Path.DirectorySeparatorChar}m193{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        await sink.DisposeAsync();

        // A closed file is opened again and appended to: nothing written before is lost.
        Assert.Equal(200, Directory.GetDirectories(_root).Count(d => Path.GetFileName(d).StartsWith('m')));
        Assert.Equal(["p192", "again"], File.ReadAllLines(Path.Combine(_root, "m192", "2026-03-01.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        Assert.Single(File.ReadAllLines(Path.Combine(_root, "m0", "2026-03-01.jsonl")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("a/b\\c")]
    [InlineData("nul\0byte")]
    [InlineData("...hidden")]
    public void A_model_name_becomes_one_plain_folder_inside_the_log_folder(string model)
    {
        var safe = JsonLinesPredictionSink.SafeName(model);

        Assert.NotEmpty(safe);
        Assert.False(safe.StartsWith('.'), safe);
        Assert.DoesNotContain('/', safe);
        Assert.DoesNotContain('\\', safe);
        Assert.DoesNotContain('\0', safe);
        Assert.Equal(_root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(_root, safe))));
    }

    [Theory]
    [InlineData("iris")]
    [InlineData("breast-cancer")]
    [InlineData("m_1.2")]
    [InlineData("caf\u00e9")]
    public void A_name_that_already_is_a_plain_folder_name_is_kept_as_it_is(string model)
    {
        Assert.Equal(model, JsonLinesPredictionSink.SafeName(model));
    }

    [Theory]
    [InlineData("sp ace", "sp_ace")]
    [InlineData("a?b#c", "a_b_c")]
    [InlineData("a/b", "a_b")]
    [InlineData(".x", "x")]
    [InlineData("", "_")]
    [InlineData(" ", "_")]
    [InlineData("?", "_")]
    public void Two_names_that_map_to_the_same_characters_get_different_folders(string model, string other)
    {
        var (safe, otherSafe) = (JsonLinesPredictionSink.SafeName(model), JsonLinesPredictionSink.SafeName(other));

        Assert.NotEqual(safe, otherSafe);
        Assert.Matches("^[^~]+~[0-9a-f]{16}$", safe);
        Assert.Equal(safe, JsonLinesPredictionSink.SafeName(model));
    }

    [Fact]
    public async Task Records_of_sp_ace_and_sp_underscore_ace_go_to_different_folders()
    {
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await using (var sink = new JsonLinesPredictionSink(_root, 1 << 20))
        {
            await sink.WriteAsync([Record("sp ace", at, "spaced"), Record("sp_ace", at, "plain")], CancellationToken.None);
        }

        Assert.Equal(2, Directory.GetDirectories(_root).Length);
        Assert.Contains("\"spaced\"", Assert.Single(File.ReadAllLines(Path.Combine(_root, JsonLinesPredictionSink.SafeName("sp ace"), "2026-03-01.jsonl"))), StringComparison.Ordinal);
        Assert.Contains("\"plain\"", Assert.Single(File.ReadAllLines(Path.Combine(_root, "sp_ace", "2026-03-01.jsonl"))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_too_long_for_a_folder_is_cut_to_fit_and_two_such_names_stay_apart()
    {
        var common = new string('x', 300);
        var (first, second) = (JsonLinesPredictionSink.SafeName(common + "1"), JsonLinesPredictionSink.SafeName(common + "2"));
        var wide = JsonLinesPredictionSink.SafeName(new string('\u00e9', 300));

        Assert.All([first, second, wide], name => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(name), 1, JsonLinesPredictionSink.MaxFolderNameBytes));
        Assert.NotEqual(first, second);
        Assert.Equal(first, JsonLinesPredictionSink.SafeName(common + "1"));

        await using var sink = new JsonLinesPredictionSink(_root, 1 << 20);
        var at = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await sink.WriteAsync([Record(common + "1", at, "long")], CancellationToken.None);
        await sink.DisposeAsync();

        Assert.Single(File.ReadAllLines(Path.Combine(_root, first, "2026-03-01.jsonl")));
    }

    private static string[] Ids(string path) =>
        [.. File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!)];

    private static int OpenHandlesUnder(string root) => OpenFiles.PathsUnder(root).Count;
}
