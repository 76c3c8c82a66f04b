using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;
using Serving.Cli.Training;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Retraining.DvcLive;

/// <summary>
/// Per-tree accuracy of a trained FastTree binary classifier, read from the ensemble it exposes: the score after the
/// first k trees is the bias plus their weighted leaf values (the same sum ML.NET's <c>Score</c> is after all of them),
/// and its sign is the predicted class. This costs one walk of each tree per row, no retraining, so every tree is a
/// step. The SDCA recipes expose no per-iteration figures and log final values only.
/// </summary>
public static class FastTreeSteps
{
    /// <summary>
    /// Steps 1..trees of <c>train/accuracy</c> (on <paramref name="train"/>) and <c>eval/accuracy</c> (on
    /// <paramref name="heldOut"/>, the gate's rows); empty when the model is not a FastTree binary classifier.
    /// </summary>
    public static IReadOnlyList<TrainingStep> Measure(TrainedSample trained, CsvDataSet train, CsvDataSet heldOut)
    {
        ArgumentNullException.ThrowIfNull(trained);
        var ensemble = Ensemble(trained.Model);
        // The walk below reads numerical splits only; an ensemble with categorical splits is not walked (none of the
        // recipes makes one).
        if (ensemble is null || trained.Recipe.Task != ModelTasks.Binary || ensemble.Trees.Any(t => t.CategoricalSplitFlags.Any(f => f)))
        {
            return [];
        }

        return [.. Curve("train/accuracy", ensemble, trained.Features, train), .. Curve("eval/accuracy", ensemble, trained.Features, heldOut)];
    }

    /// <summary>The raw score of every row after each number of trees: [row][trees - 1].</summary>
    public static double[][] StagedScores(TreeEnsemble<RegressionTree> ensemble, IReadOnlyList<string> features, CsvDataSet data)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(data);
        var columns = features.Select(data.Column).ToList();
        var scores = new double[data.Rows][];
        var row = new float[columns.Count];
        for (var r = 0; r < data.Rows; r++)
        {
            for (var f = 0; f < columns.Count; f++)
            {
                // The Features vector is float: compare at the precision the trees were trained and split at.
                row[f] = (float)columns[f][r];
            }

            var sum = ensemble.Bias;
            scores[r] = new double[ensemble.Trees.Count];
            for (var t = 0; t < ensemble.Trees.Count; t++)
            {
                sum += ensemble.TreeWeights[t] * Leaf(ensemble.Trees[t], row);
                scores[r][t] = sum;
            }
        }

        return scores;
    }

    /// <summary>The FastTree binary ensemble inside a trained pipeline, or null when it holds none.</summary>
    public static TreeEnsemble<RegressionTree>? Ensemble(ITransformer model) => model switch
    {
        IEnumerable<ITransformer> chain => chain.Select(Ensemble).FirstOrDefault(e => e is not null),
        ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> fastTree => fastTree.Model.SubModel.TrainedTreeEnsemble,
        _ => null,
    };

    private static IEnumerable<TrainingStep> Curve(string metric, TreeEnsemble<RegressionTree> ensemble, IReadOnlyList<string> features, CsvDataSet data)
    {
        if (data.Rows == 0)
        {
            yield break;
        }

        var labels = data.Column("target");
        var scores = StagedScores(ensemble, features, data);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var correct = 0;
            for (var r = 0; r < data.Rows; r++)
            {
                correct += (scores[r][t] > 0 ? 1.0 : 0.0) == labels[r] ? 1 : 0;
            }

            yield return new TrainingStep(metric, t + 1, (double)correct / data.Rows);
        }
    }

    // FastTree's walk: at a split go to the left child when the feature is at most the threshold; a negative child is
    // the complement of a leaf's index. A tree without splits is a single leaf.
    private static double Leaf(RegressionTree tree, float[] row)
    {
        if (tree.NumberOfLeaves <= 1)
        {
            return tree.LeafValues[0];
        }

        var node = 0;
        while (node >= 0)
        {
            node = row[tree.NumericalSplitFeatureIndexes[node]] <= tree.NumericalSplitThresholds[node] ? tree.LeftChild[node] : tree.RightChild[node];
        }

        return tree.LeafValues[~node];
    }
}
