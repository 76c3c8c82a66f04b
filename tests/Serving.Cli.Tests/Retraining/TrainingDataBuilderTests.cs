using Serving.Cli.Retraining;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>The run's data: the original rows, then the logged ones; held-out rows picked by content and never trained on.</summary>
public sealed class TrainingDataBuilderTests
{
    [Fact]
    public void Held_out_logged_rows_are_chosen_by_content_and_never_train_the_candidate()
    {
        using var work = new TemporaryDirectory();
        var logged = Logged(RetrainerTestBed.SampleRows(scale: 2));

        var set = TrainingDataBuilder.Build(RetrainerTestBed.TrainingData, "target", logged, minHeldOutRows: 20, work.Path);

        var train = File.ReadAllLines(set.TrainPath).Skip(1).ToHashSet();
        var heldOut = File.ReadAllLines(set.HeldOutPath).Skip(1).ToList();
        Assert.Equal((569, 569), (set.OriginalRows, set.LoggedRows));
        Assert.Equal(heldOut.Count, set.HeldOutRows);
        Assert.All(heldOut, row => Assert.DoesNotContain(row, train));
        Assert.All(heldOut, row => Assert.True(TrainingDataBuilder.IsHeldOut(row)));
        // About one in five of the logged rows (binomial, 569 rows: 114 expected, well over 5 sigma either side kept).
        Assert.InRange(set.HeldOutRows, 70, 160);
        Assert.Equal(569 + 569 - set.HeldOutRows, set.TrainRows);
        Assert.Equal(Checksums.Sha256OfFile(set.CombinedPath), set.Sha256);
    }

    [Fact]
    public void The_split_does_not_depend_on_the_order_of_the_rows()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();
        var rows = RetrainerTestBed.SampleRows(scale: 2);

        var a = TrainingDataBuilder.Build(RetrainerTestBed.TrainingData, "target", Logged(rows), 20, first.Path);
        var b = TrainingDataBuilder.Build(RetrainerTestBed.TrainingData, "target", Logged([.. rows.Reverse()]), 20, second.Path);

        Assert.Equal(File.ReadAllLines(a.HeldOutPath).Order(), File.ReadAllLines(b.HeldOutPath).Order());
    }

    [Fact]
    public void Too_few_labelled_rows_top_the_held_out_rows_up_from_the_original_data_which_all_trains()
    {
        using var work = new TemporaryDirectory();

        var set = TrainingDataBuilder.Build(RetrainerTestBed.TrainingData, "target", Logged([]), minHeldOutRows: 20, work.Path);

        Assert.Equal(569, set.TrainRows);
        Assert.InRange(set.HeldOutRows, 70, 160);
        Assert.Contains("original (which both versions trained on)", set.Split, StringComparison.Ordinal);
    }

    private static LoggedExamples.Result Logged(IReadOnlyList<(double[] Features, double Label)> rows)
    {
        var names = CsvDataSet.ReadColumnNames(RetrainerTestBed.TrainingData).Where(c => c != "target").ToList();
        var examples = rows.Select(r => ((IReadOnlyDictionary<string, double>)names.Select((n, i) => (n, r.Features[i])).ToDictionary(p => p.n, p => p.Item2), r.Label)).ToList();
        return new LoggedExamples.Result(examples, rows.Count, rows.Count, 0);
    }
}
