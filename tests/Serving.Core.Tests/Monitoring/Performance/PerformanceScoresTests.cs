using System.Text.Json;
using Serving.Core.Monitoring.Performance;
using Serving.Tests.Shared;

namespace Serving.Core.Tests.Monitoring.Performance;

/// <summary>The metrics match scikit-learn's on the committed cases (Expected/make_reference_scores.py made them).</summary>
public sealed class PerformanceScoresTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        var path = RepositoryPaths.Of("tests", "Serving.Core.Tests", "Monitoring", "Performance", "Expected", "reference_scores.json");
        return [.. JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cases").EnumerateArray()];
    });

    public static TheoryData<string> CaseNames => [.. Cases.Value.Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Scores_match_scikit_learn(string name)
    {
        var data = Cases.Value.Single(c => c.GetProperty("name").GetString() == name);
        var task = data.GetProperty("task").GetString();
        IReadOnlyList<PerformanceMetric> scores = task == "regression"
            ? RegressionScores.Compute(Doubles(data, "labels"), Doubles(data, "predicted"))
            : ClassificationScores.Compute(
                [.. Doubles(data, "labels").Select(v => (int)v)],
                [.. Doubles(data, "predicted").Select(v => (int)v)],
                [.. data.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray())],
                binary: task == "binary");

        var expected = data.GetProperty("expected").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(expected.Keys.Order(), scores.Select(s => s.Name).Order());
        foreach (var score in scores)
        {
            Assert.True(score.Value is { } value && Math.Abs(value - expected[score.Name]) < 1e-9, $"{score.Name}: {score.Value} vs sklearn {expected[score.Name]}");
        }
    }

    [Fact]
    public void A_window_with_one_class_has_no_roc_auc()
    {
        var scores = ClassificationScores.Compute([1, 1, 1], [1, 0, 1], [[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]], binary: true);

        Assert.Null(scores.Single(s => s.Name == MetricNames.RocAuc).Value);
        Assert.Equal(2 / 3.0, scores.Single(s => s.Name == MetricNames.Accuracy).Value);
    }

    [Fact]
    public void Precision_is_null_when_nothing_was_predicted_positive()
    {
        var scores = ClassificationScores.Compute([0, 1], [0, 0], null, binary: true);

        Assert.Null(scores.Single(s => s.Name == MetricNames.Precision).Value);
        Assert.Equal(0, scores.Single(s => s.Name == MetricNames.Recall).Value);
        Assert.Null(scores.Single(s => s.Name == MetricNames.LogLoss).Value);
    }

    [Fact]
    public void R2_is_null_when_the_labels_do_not_vary()
    {
        var scores = RegressionScores.Compute([3, 3, 3], [2, 3, 4]);

        Assert.Null(scores.Single(s => s.Name == MetricNames.R2).Value);
        Assert.Equal(2 / 3.0, scores.Single(s => s.Name == MetricNames.Mae).Value!.Value, 12);
    }

    private static double[] Doubles(JsonElement data, string property) =>
        [.. data.GetProperty(property).EnumerateArray().Select(v => v.GetDouble())];
}
