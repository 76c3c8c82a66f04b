using System.Text.RegularExpressions;
using Serving.Cli.Scoring;
using Serving.Cli.Tests.Scoring;

namespace Serving.Cli.Tests.Commands;

/// <summary><c>serving score</c> end to end: files in, files out, errors a data engineer can act on.</summary>
public sealed class ScoreCommandTests
{
    /// <summary>Scores computed from CSV text and from the same values given as a tensor agree to float rounding.</summary>
    private const double Tolerance = 1e-5;

    /// <summary>Messages as one line: the test console wraps long ones at 80 columns, between words.</summary>
    private static string Flat(string messages) => Regex.Replace(messages, @"\s*\n\s*", " ");

    [Theory]
    [InlineData("breast-cancer", 2)]
    [InlineData("diabetes", 1)]
    public async Task Csv_outputs_equal_the_gateway_runtime_outputs_for_the_same_rows(string model, int version)
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), model);
        var output = temp.Combine("scored.csv");

        var run = await CliRun.Of("score", "--model", model, "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample(model), "--output", output);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"scored 40 rows with {model} version {version}", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Contains("rows/s", Flat(run.Messages), StringComparison.Ordinal);
        var expected = await RuntimeReference.OutputsAsync(temp.Combine("models"), model, version, ScoringFiles.Sample(model));
        foreach (var (name, values) in expected)
        {
            var scored = ScoringFiles.Column(output, name);
            Assert.Equal(values.Length, scored.Length);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(Math.Abs(values[i] - scored[i]) <= Tolerance, $"{name} row {i}: runtime {values[i]}, scored {scored[i]}");
            }
        }

        // The input's columns come first, unchanged, target included.
        var (inputHeader, inputRows) = ScoringFiles.Read(ScoringFiles.Sample(model));
        var (outputHeader, outputRows) = ScoringFiles.Read(output);
        Assert.Equal(inputHeader, outputHeader[..inputHeader.Length]);
        Assert.Equal(inputRows.Select(r => string.Join(',', r)), outputRows.Select(r => string.Join(',', r[..inputHeader.Length])));
    }

    [Fact]
    public async Task Columns_in_another_order_than_the_signature_are_matched_by_name()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "breast-cancer");
        var (header, rows) = ScoringFiles.Read(ScoringFiles.Sample("breast-cancer"));
        var reversed = ScoringFiles.Write(
            temp.Combine("reversed.csv"),
            [string.Join(',', header.Reverse()), .. rows.Select(r => string.Join(',', r.Reverse()))]);

        var straight = await CliRun.Of("score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("breast-cancer"), "--output", temp.Combine("straight-out.csv"));
        var run = await CliRun.Of("score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", reversed, "--output", temp.Combine("reversed-out.csv"));

        Assert.Equal((0, 0), (straight.ExitCode, run.ExitCode));
        Assert.Equal(ScoringFiles.Column(temp.Combine("straight-out.csv"), "probability"), ScoringFiles.Column(temp.Combine("reversed-out.csv"), "probability"));
        Assert.Equal(ScoringFiles.Column(temp.Combine("straight-out.csv"), "label"), ScoringFiles.Column(temp.Combine("reversed-out.csv"), "label"));
    }

    [Fact]
    public async Task A_missing_column_is_an_error_that_names_it_and_writes_nothing()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));
        var input = ScoringFiles.Write(temp.Combine("no-bmi.csv"), lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != 2))));

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the input has no column 'bmi'", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Equal(["no-bmi.csv"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_bad_row_stops_the_run_with_its_line_and_reason_and_leaves_no_output()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));

        // Line 31 of the file (row 30): a value that is no number, after a full chunk has already been scored.
        lines[30] = "abc" + lines[30][lines[30].IndexOf(',', StringComparison.Ordinal)..];
        var input = ScoringFiles.Write(temp.Combine("bad.csv"), lines);
        File.WriteAllText(temp.Combine("out.csv"), "the previous run's output\n");

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--batch-size", "8");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 31: column 'age': expected a number (FP32), got 'abc'", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Equal(["bad.csv", "out.csv"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("the previous run's output\n", File.ReadAllText(temp.Combine("out.csv")));
    }

    [Fact]
    public async Task Skip_invalid_scores_the_good_rows_and_lists_the_bad_ones_in_a_side_file()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));
        lines[3] = "abc" + lines[3][lines[3].IndexOf(',', StringComparison.Ordinal)..];

        // An empty value is missing, read as NaN as pandas does; this model takes finite numbers only.
        lines[10] = "," + lines[10][(lines[10].IndexOf(',', StringComparison.Ordinal) + 1)..];
        var input = ScoringFiles.Write(temp.Combine("mixed.csv"), lines);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--skip-invalid");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("scored 38 rows", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Contains("2 rejected", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Equal(38, ScoringFiles.Column(temp.Combine("out.csv"), "prediction").Length);
        var rejected = File.ReadAllLines(temp.Combine("out.csv" + RejectedRowsWriter.Suffix));
        Assert.Equal("line,reason", rejected[0]);
        Assert.StartsWith("4,\"column 'age': expected a number (FP32), got 'abc'", rejected[1], StringComparison.Ordinal);
        Assert.StartsWith("11,\"column 'age' is NaN or infinite", rejected[2], StringComparison.Ordinal);
        Assert.Equal(3, rejected.Length);
    }

    [Fact]
    public async Task Version_picks_the_version_and_the_highest_is_the_default()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "breast-cancer");
        string[] common = ["score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("breast-cancer")];

        var latest = await CliRun.Of([.. common, "--output", temp.Combine("latest.csv")]);
        var first = await CliRun.Of([.. common, "--output", temp.Combine("v1.csv"), "--version", "1"]);
        var missing = await CliRun.Of([.. common, "--output", temp.Combine("v3.csv"), "--version", "3"]);

        Assert.Contains("breast-cancer version 2", Flat(latest.Messages), StringComparison.Ordinal);
        Assert.Contains("breast-cancer version 1", Flat(first.Messages), StringComparison.Ordinal);
        var expected = await RuntimeReference.OutputsAsync(temp.Combine("models"), "breast-cancer", 1, ScoringFiles.Sample("breast-cancer"));
        var scored = ScoringFiles.Column(temp.Combine("v1.csv"), "probability");
        Assert.All(scored.Zip(expected["probability"]), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= Tolerance));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("model 'breast-cancer' has no version 3; its versions are 1, 2", Flat(missing.Messages), StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("v3.csv")));
    }

    [Fact]
    public async Task An_unknown_model_is_a_clear_error_that_lists_the_registry()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes", "iris");

        var run = await CliRun.Of("score", "--model", "nope", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", temp.Combine("out.csv"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"model 'nope' not found in registry '{temp.Combine("models")}'; it holds diabetes, iris", Flat(run.Messages), StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out.csv")));
    }

    [Fact]
    public async Task A_file_whose_extension_says_nothing_needs_format()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var input = temp.Combine("rows.txt");
        File.Copy(ScoringFiles.Sample("diabetes"), input);

        var refused = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.txt"));
        var named = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.txt"), "--format", "csv");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("pass --format csv|parquet", Flat(refused.Messages), StringComparison.Ordinal);
        Assert.Equal(0, named.ExitCode);
        Assert.Equal(40, ScoringFiles.Column(temp.Combine("out.txt"), "prediction").Length);
    }

    [Fact]
    public async Task Quoted_text_is_carried_through_and_lines_are_counted_as_an_editor_counts_them()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));

        // A note column; the first row's note spans two lines, so the bad third row starts on line 5, not 4.
        var input = ScoringFiles.Write(temp.Combine("notes.csv"),
        [
            "note," + lines[0],
            "\"two\nlines, \"\"quoted\"\"\"," + lines[1],
            "plain," + lines[2],
            "bad,x" + lines[3][lines[3].IndexOf(',', StringComparison.Ordinal)..],
        ]);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--skip-invalid");

        Assert.Equal(0, run.ExitCode);
        var output = await File.ReadAllTextAsync(temp.Combine("out.csv"), TestContext.Current.CancellationToken);
        Assert.StartsWith("note," + lines[0] + ",prediction\n\"two\nlines, \"\"quoted\"\"\"," + lines[1] + ",", output, StringComparison.Ordinal);
        Assert.Contains("\nplain," + lines[2] + ",", output, StringComparison.Ordinal);
        var rejected = File.ReadAllLines(temp.Combine("out.csv" + RejectedRowsWriter.Suffix));
        Assert.StartsWith("5,\"column 'age': expected a number (FP32), got 'x'", rejected[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_larger_than_the_read_and_write_buffers_keeps_every_row_whole_and_in_order()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var lines = File.ReadAllLines(ScoringFiles.Sample("diabetes"));

        // About 2.5 MB in and out: rows straddle the reader's and the writer's 1 MiB blocks more than once.
        var rows = Enumerable.Range(0, 50_000).Select(i => lines[1 + (i % (lines.Length - 1))]).ToArray();
        var input = ScoringFiles.Write(temp.Combine("big.csv"), [lines[0], .. rows]);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"));

        Assert.Equal(0, run.ExitCode);
        var output = File.ReadAllLines(temp.Combine("out.csv"));
        Assert.Equal(rows.Length + 1, output.Length);
        var predictions = ScoringFiles.Column(temp.Combine("out.csv"), "prediction");
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i], output[i + 1][..output[i + 1].LastIndexOf(',')]);

            // The same row scores the same wherever it falls in the file.
            var first = i % (lines.Length - 1);
            Assert.True(Math.Abs(predictions[i] - predictions[first]) <= Tolerance, $"row {i}: {predictions[i]}, its twin {predictions[first]}");
        }
    }
}
