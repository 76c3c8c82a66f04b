using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Cli.Retraining.DvcLive;
using Serving.Cli.Training;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining.DvcLive;

public sealed class FastTreeStepsTests
{
    private static readonly CsvDataSet Data = CsvDataSet.Load(Path.Combine(Repository.DataDirectory, "breast-cancer.csv"));

    [Fact]
    public void The_score_after_every_tree_is_ML_NETs_own_score()
    {
        var trained = SampleTrainer.Train(SampleCatalog.Of("breast-cancer").Single(r => r.Version == 2), Data);
        var ensemble = FastTreeSteps.Ensemble(trained.Model);

        Assert.NotNull(ensemble);
        Assert.Equal(50, ensemble.Trees.Count);
        var staged = FastTreeSteps.StagedScores(ensemble, trained.Features, Data);
        var scores = trained.Model.Transform(MLNetRows.Unlabelled(trained.Context, Data, trained.Features)).GetColumn<float>("Score").ToArray();
        Assert.Equal(Data.Rows, scores.Length);
        for (var r = 0; r < Data.Rows; r++)
        {
            // ML.NET sums in float and double in places; 1e-4 is far below any leaf value's size.
            Assert.Equal(scores[r], staged[r][^1], 1e-4);
        }
    }

    [Fact]
    public void Every_tree_is_a_step_of_train_and_eval_accuracy_and_the_last_matches_the_final_model()
    {
        var trained = SampleTrainer.Train(SampleCatalog.Of("breast-cancer").Single(r => r.Version == 2), Data);

        var steps = FastTreeSteps.Measure(trained, Data, Data);

        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), steps.Where(s => s.Metric == "train/accuracy").Select(s => s.Step));
        Assert.Equal(50, steps.Count(s => s.Metric == "eval/accuracy"));
        var predicted = trained.Predict(Data)["label"];
        var labels = Data.Column("target");
        var finalAccuracy = (double)Enumerable.Range(0, Data.Rows).Count(r => predicted[r][0] == labels[r]) / Data.Rows;
        Assert.Equal(finalAccuracy, steps.Last(s => s.Metric == "train/accuracy").Value, 1e-12);
        Assert.All(steps, s => Assert.InRange(s.Value, 0, 1));
    }

    [Fact]
    public void An_SDCA_recipe_exposes_no_steps()
    {
        var trained = SampleTrainer.Train(SampleCatalog.Of("breast-cancer").Single(r => r.Version == 1), Data);

        Assert.Null(FastTreeSteps.Ensemble(trained.Model));
        Assert.Empty(FastTreeSteps.Measure(trained, Data, Data));
    }
}
