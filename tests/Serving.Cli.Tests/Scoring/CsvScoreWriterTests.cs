using System.Text;
using Serving.Cli.Scoring;
using Serving.Core.Contracts;

namespace Serving.Cli.Tests.Scoring;

/// <summary>The CSV writer's own buffering: rows larger than what is left of its block still come out whole and in order.</summary>
public sealed class CsvScoreWriterTests
{
    [Fact]
    public async Task Outputs_that_force_a_flush_mid_row_are_written_whole_and_in_order()
    {
        using var temp = new TemporaryDirectory();
        var input = ScoringFiles.Write(temp.Combine("in.csv"), ["id", "1", "2", "3", "4", "5"]);
        await using var reader = CsvTableReader.Open(input);
        var rows = (await reader.ReadAsync(10, TestContext.Current.CancellationToken))!;

        // Text outputs of 300,000 characters: each one's room in the 1 MiB block runs out at a different row, so the
        // block is flushed between a row's input part and its output, which must land after, not over, the input part.
        var texts = Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 300_000)).ToArray();
        var output = Tensor.FromElements("text", [5, 1], [.. texts.Select(Encoding.UTF8.GetBytes)]);
        var path = temp.Combine("out.csv");
        await using (var writer = new CsvScoreWriter(path, reader.Columns, [new OutputColumn("text", 0, 0, 1, TensorDataType.Bytes)]))
        {
            await writer.WriteAsync(new ScoredBatch(rows, [0, 1, 2, 3, 4], [output]), TestContext.Current.CancellationToken);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var expected = "id,text\n" + string.Concat(texts.Select((text, i) => $"{i + 1},{text}\n"));
        Assert.True(expected == await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken), "the output differs from the rows written");
    }
}
