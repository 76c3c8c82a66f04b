using System.Globalization;
using Parquet;
using Parquet.Schema;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Scoring;

/// <summary>Parquet in and out: typed columns read by name, carried through with their types, outputs appended.</summary>
public sealed class ParquetScoringTests
{
    [Fact]
    public async Task A_parquet_file_scores_as_the_same_rows_in_csv_and_keeps_its_columns()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "breast-cancer");
        var sample = ScoringFiles.Sample("breast-cancer");
        var (header, rows) = ScoringFiles.Read(sample);

        // Features as doubles (the model takes FP32), in reverse order, with an id column that is not a feature.
        var features = header[..^1].Reverse().ToArray();
        var fields = new List<DataField> { new("id", typeof(string), isNullable: true) };
        fields.AddRange(features.Select(f => new DataField(f, typeof(double), isNullable: false)));
        var input = temp.Combine("rows.parquet");
        await using (var stream = File.Create(input))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, null, false, cancel);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], rows.Select((_, i) => $"row-{i}").ToArray());
            for (var f = 0; f < features.Length; f++)
            {
                var column = Array.IndexOf(header, features[f]);
                var values = rows.Select(r => double.Parse(r[column], CultureInfo.InvariantCulture)).ToArray();
                await group.WriteAsync(fields[f + 1], (ReadOnlyMemory<double>)values, null, null, cancel);
            }

            group.CompleteValidate();
        }

        var fromCsv = await CliRun.Of("score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", sample, "--output", temp.Combine("csv-out.csv"));
        var fromParquet = await CliRun.Of("score", "--model", "breast-cancer", "--registry", temp.Combine("models"), "--input", input, "--output", temp.Combine("out.parquet"));

        Assert.Equal((0, 0), (fromCsv.ExitCode, fromParquet.ExitCode));
        await using var read = File.OpenRead(temp.Combine("out.parquet"));
        await using var reader = await ParquetReader.CreateAsync(read, null, false, cancel);
        Assert.Equal(["id", .. features, "label", "probability"], reader.Schema.DataFields.Select(f => f.Name));
        Assert.Equal(typeof(double), reader.Schema.DataFields[1].ClrType);
        var ids = new List<string?>();
        var labels = new List<long>();
        var probabilities = new List<float>();
        var firstFeature = new List<double>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = (int)group.RowCount;
            var id = new string?[count];
            var feature = new double?[count];
            var label = new long?[count];
            var probability = new float?[count];
            await group.ReadAsync(reader.Schema.DataFields[0], id.AsMemory(), null, cancel);
            await group.ReadAsync(reader.Schema.DataFields[1], feature.AsMemory(), null, cancel);
            await group.ReadAsync(reader.Schema.DataFields[^2], label.AsMemory(), null, cancel);
            await group.ReadAsync(reader.Schema.DataFields[^1], probability.AsMemory(), null, cancel);
            ids.AddRange(id);
            firstFeature.AddRange(feature.Select(v => v!.Value));
            labels.AddRange(label.Select(v => v!.Value));
            probabilities.AddRange(probability.Select(v => v!.Value));
        }

        Assert.Equal(rows.Select((_, i) => $"row-{i}"), ids);
        Assert.Equal(rows.Select(r => double.Parse(r[Array.IndexOf(header, features[0])], CultureInfo.InvariantCulture)), firstFeature);
        Assert.Equal(ScoringFiles.Column(temp.Combine("csv-out.csv"), "label"), labels.Select(l => (double)l));
        var csvProbabilities = ScoringFiles.Column(temp.Combine("csv-out.csv"), "probability");
        Assert.All(csvProbabilities.Zip(probabilities), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-5));
    }

    [Fact]
    public async Task Csv_in_parquet_out_keeps_the_input_columns_as_text()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");

        var run = await CliRun.Of("score", "--model", "diabetes", "--registry", temp.Combine("models"), "--input", ScoringFiles.Sample("diabetes"), "--output", temp.Combine("out.parquet"));

        Assert.Equal(0, run.ExitCode);
        await using var read = File.OpenRead(temp.Combine("out.parquet"));
        await using var reader = await ParquetReader.CreateAsync(read, null, false, cancel);
        var fields = reader.Schema.DataFields;
        Assert.Equal("prediction", fields[^1].Name);
        Assert.Equal(typeof(float), fields[^1].ClrType);
        using var group = reader.OpenRowGroupReader(0);
        var ages = new string?[group.RowCount];
        await group.ReadAsync(fields[0], ages.AsMemory(), null, cancel);
        Assert.Equal(ScoringFiles.Read(ScoringFiles.Sample("diabetes")).Rows.Select(r => r[0]), ages);
    }
}
