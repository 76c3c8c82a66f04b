using System.Globalization;
using System.Text.RegularExpressions;
using Serving.Cli.Scoring;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// The pipeline behind <c>serving score</c>: chunks typed and formatted in parallel still come out in file order, a bad
/// row deep in the file is reported at its own line, and chunk memory reused from chunk to chunk carries nothing over.
/// </summary>
public sealed class ScoringPipelineTests
{
    /// <summary>Scores computed from CSV text and from the same values given as a tensor agree to float rounding.</summary>
    private const double Tolerance = 1e-5;

    private static string Flat(string messages) => Regex.Replace(messages, @"\s*\n\s*", " ");

    [Fact]
    public async Task One_row_chunks_typed_and_formatted_in_parallel_come_out_in_file_order()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var (header, rows) = ScoringFiles.Read(ScoringFiles.Sample("diabetes"));

        // 600 one-row chunks, each row numbered and its values different, so any chunk out of place shows.
        var lines = Enumerable.Range(0, 600).Select(i => string.Join(',', [i.ToString(CultureInfo.InvariantCulture), .. Varied(rows[i % rows.Length], i)])).ToArray();
        var input = ScoringFiles.Write(temp.Combine("in.csv"), [string.Join(',', ["id", .. header]), .. lines]);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--batch-size", "1");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (double)i), ScoringFiles.Column(temp.Combine("out.csv"), "id"));
        await AssertScoresAsync(temp, "diabetes", 1, input, temp.Combine("out.csv"));
    }

    [Fact]
    public async Task A_bad_row_in_a_later_chunk_is_reported_at_its_own_line()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "breast-cancer");
        var sample = File.ReadAllLines(ScoringFiles.Sample("breast-cancer"));
        var lines = new List<string> { sample[0] };
        lines.AddRange(Enumerable.Range(0, 300).Select(i => sample[1 + (i % (sample.Length - 1))]));

        // A blank line early on still counts as a line; the bad cell is the 17th chunk's (of 7 rows) and looks almost
        // like a number, so the one-pass reading gives up on it mid-row and the row is read again cell by cell.
        lines.Insert(20, string.Empty);
        var bad = lines[120].Split(',');
        bad[5] = "0.12.5";
        lines[120] = string.Join(',', bad);
        var input = ScoringFiles.Write(temp.Combine("bad.csv"), lines);

        var run = await CliRun.Of("score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--batch-size", "7");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 121: column 'mean compactness': expected a number (FP32), got '0.12.5'", Flat(run.Messages), StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out.csv")));
    }

    [Fact]
    public async Task Reused_chunk_memory_carries_no_values_from_earlier_chunks()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var (header, rows) = ScoringFiles.Read(ScoringFiles.Sample("diabetes"));
        var lines = new List<string>();
        var kept = new List<string>();
        for (var i = 0; i < 403; i++)
        {
            var cells = Varied(rows[i % rows.Length], i);
            var line = string.Join(',', cells);
            if (i % 37 == 5)
            {
                // A short row: its missing cells read as NaN (refused by this model), never as the cells of a row
                // that an earlier chunk held at the same place.
                line = string.Join(',', cells[..4]);
            }
            else if (i % 41 == 7)
            {
                line = "x," + string.Join(',', cells[1..]);
            }
            else
            {
                if (i % 29 == 3)
                {
                    // Numbers off the fast path (exponent, plus sign, spaces) are read the long way, to the same values.
                    var original = cells[2];
                    cells[2] = " +" + float.Parse(original, CultureInfo.InvariantCulture).ToString("E8", CultureInfo.InvariantCulture);
                    line = string.Join(',', cells);
                    cells[2] = original;
                }

                kept.Add(string.Join(',', cells));
            }

            lines.Add(line);
        }

        var input = ScoringFiles.Write(temp.Combine("in.csv"), [string.Join(',', header), .. lines]);
        var keptRows = ScoringFiles.Write(temp.Combine("kept.csv"), [string.Join(',', header), .. kept]);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"), "--batch-size", "4", "--skip-invalid");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"scored {kept.Count} rows", Flat(run.Messages), StringComparison.Ordinal);
        Assert.Contains($"{403 - kept.Count} rejected", Flat(run.Messages), StringComparison.Ordinal);
        await AssertScoresAsync(temp, "diabetes", 1, keptRows, temp.Combine("out.csv"));
    }

    /// <summary>The row with each value changed a little by its position, so no two rows of a long file are alike.</summary>
    private static string[] Varied(string[] row, int i) =>
        [.. row.Select((cell, c) => (float.Parse(cell, CultureInfo.InvariantCulture) + (((i * 7) + c) % 13 * 0.25f)).ToString(CultureInfo.InvariantCulture))];

    private static async Task AssertScoresAsync(TemporaryDirectory temp, string model, int version, string rows, string output)
    {
        var expected = await RuntimeReference.OutputsAsync(temp.Combine("models"), model, version, rows);
        foreach (var (name, values) in expected)
        {
            var scored = ScoringFiles.Column(output, name);
            Assert.Equal(values.Length, scored.Length);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(Math.Abs(values[i] - scored[i]) <= Tolerance * Math.Max(1, Math.Abs(values[i])), $"{name} row {i}: runtime {values[i]}, scored {scored[i]}");
            }
        }
    }
}
