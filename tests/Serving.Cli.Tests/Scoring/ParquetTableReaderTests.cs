using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;
using Parquet;
using Parquet.Schema;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// A damaged Parquet file (a corrupt footer, a page header of garbage) fails the run with one line naming the file and,
/// for a damaged row group, the group: exit code 1, no stack trace, no output.
/// </summary>
public sealed class ParquetTableReaderTests
{
    public static TheoryData<string, string?> Damages => new()
    {
        { "footer length int.MaxValue", null },
        { "footer length negative", null },
        { "footer garbage", null },
        { "first page header garbage", "row group 0" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_file_is_one_error_line_naming_it(string damage, string? where)
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var input = await WriteSampleAsync(temp.Combine("rows.parquet"));
        Damage(input, damage);

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"));

        Assert.Equal(1, run.ExitCode);
        // The console wraps a long line at its width: joined again, it is one line.
        var message = Regex.Replace(run.Messages.Trim(), @"\s*\n\s*", " ");
        Assert.StartsWith($"error: '{input}' is not a Parquet file this tool can read: {where}", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Parquet", message, StringComparison.Ordinal);
        Assert.Equal(["rows.parquet"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Every_byte_flipped_in_the_data_either_scores_or_is_the_one_line_error()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var good = await WriteSampleAsync(temp.Combine("good.parquet"));
        var bytes = await File.ReadAllBytesAsync(good, TestContext.Current.CancellationToken);
        var random = new Random(7);
        for (var i = 0; i < 12; i++)
        {
            var damaged = (byte[])bytes.Clone();
            for (var k = 0; k < 8; k++)
            {
                damaged[random.Next(4, damaged.Length - 8)] ^= (byte)random.Next(1, 256);
            }

            var input = temp.Combine($"flipped-{i}.parquet");
            await File.WriteAllBytesAsync(input, damaged, TestContext.Current.CancellationToken);
            var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine($"out-{i}.csv"));

            Assert.True(run.ExitCode is 0 or 1, run.Messages);
            Assert.DoesNotContain("   at ", run.Messages, StringComparison.Ordinal);
            if (run.ExitCode == 1)
            {
                Assert.StartsWith("error: ", run.Messages, StringComparison.Ordinal);
                Assert.False(File.Exists(temp.Combine($"out-{i}.csv")));
            }
        }
    }

    [Fact]
    public async Task A_binary_column_is_named_as_binary_not_by_its_dotnet_type()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var input = temp.Combine("binary.parquet");
        var field = new DataField<byte[]>("age");
        await using (var stream = File.Create(input))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream, null, false, TestContext.Current.CancellationToken))
        {
            using var group = writer.CreateRowGroup();
            byte[][] values = [[0xFF, 0x31]];
            await group.WriteAsync(field, values, null);
            group.CompleteValidate();
        }

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.csv"));

        Assert.Equal(1, run.ExitCode);
        var message = Regex.Replace(run.Messages.Trim(), @"\s*\n\s*", " ");
        Assert.Contains("column 'age' is of type binary (BYTE_ARRAY, not UTF-8 text)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", message, StringComparison.Ordinal);
    }

    // The diabetes sample's rows as one row group of doubles.
    private static async Task<string> WriteSampleAsync(string path)
    {
        var (header, rows) = ScoringFiles.Read(ScoringFiles.Sample("diabetes"));
        var fields = header.Select(h => new DataField(h, typeof(double), isNullable: false)).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, null, false, TestContext.Current.CancellationToken);
        using var group = writer.CreateRowGroup();
        for (var c = 0; c < fields.Length; c++)
        {
            var values = rows.Select(r => double.Parse(r[c], CultureInfo.InvariantCulture)).ToArray();
            await group.WriteAsync(fields[c], (ReadOnlyMemory<double>)values, null, null, TestContext.Current.CancellationToken);
        }

        group.CompleteValidate();
        return path;
    }

    // A Parquet file is "PAR1", the column chunks, the footer, its length (4 bytes, little-endian) and "PAR1".
    private static void Damage(string path, string damage)
    {
        var bytes = File.ReadAllBytes(path);
        var lengthAt = bytes.Length - 8;
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(lengthAt));
        switch (damage)
        {
            case "footer length int.MaxValue":
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(lengthAt), int.MaxValue);
                break;
            case "footer length negative":
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(lengthAt), -5);
                break;
            case "footer garbage":
                bytes.AsSpan(lengthAt - footerLength, footerLength).Fill(0xFF);
                break;
            default:
                bytes.AsSpan(4, 32).Fill(0xFF);
                break;
        }

        File.WriteAllBytes(path, bytes);
    }
}
