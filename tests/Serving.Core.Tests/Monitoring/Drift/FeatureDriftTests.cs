using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Drift.Statistics;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>Verdicts against the real breast-cancer baseline, and the choice of test per feature.</summary>
public sealed class FeatureDriftTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly int[] Shifted = [0, 7, 21];

    private static VersionDriftReport Window(IEnumerable<float[]> rows, DriftOptions? options = null, long label = 1)
    {
        var list = rows.ToList();
        var tracker = new DriftTracker(options ?? new DriftOptions { WindowRows = list.Count });
        tracker.Observe(BreastCancerTraffic.Record(list, T0, label), BreastCancerTraffic.Manifest);
        return tracker.Report("breast-cancer", [2]).Versions.Single();
    }

    [Fact]
    public void D_matches_ks_2samp_on_the_training_data_to_1e_3()
    {
        var expected = DriftReference.Cases("ksBreastCancer").ToDictionary(c => c.GetProperty("feature").GetString()!);
        var rows = BreastCancerTraffic.Rows;

        var plain = Window(rows[..200]);
        var shifted = Window(rows[..200].Select(r => BreastCancerTraffic.Scaled(r, Enumerable.Range(0, 30), 1.5f)));

        Assert.All(plain.Features, f => Assert.Equal(expected[f.Name].GetProperty("unshifted").GetDouble(), f.Statistic, 1e-3));
        Assert.All(shifted.Features, f => Assert.Equal(expected[f.Name].GetProperty("shifted").GetDouble(), f.Statistic, 1e-3));
    }

    [Fact]
    public void Features_scaled_on_purpose_drift_and_the_others_do_not()
    {
        var rows = BreastCancerTraffic.Rows.Where((_, i) => i % 2 == 1).Take(200).Select(r => BreastCancerTraffic.Scaled(r, Shifted, 1.5f));

        var report = Window(rows);

        var drifted = report.Features.Where(f => f.Drifted).Select(f => f.Name).ToList();
        Assert.Equal(Shifted.Select(i => BreastCancerTraffic.FeatureNames[i]), drifted);
        Assert.All(report.Features, f => Assert.Equal(DriftMethods.KolmogorovSmirnov, f.Method));
        Assert.False(report.DatasetDrift);
        Assert.Equal(3.0 / 30, report.DriftedShare, 1e-12);
    }

    [Fact]
    public void Psi_is_reported_with_its_own_verdict()
    {
        var rows = BreastCancerTraffic.Rows[..200].Select(r => BreastCancerTraffic.Scaled(r, Shifted, 1.5f));

        var report = Window(rows);

        var radius = report.Features.Single(f => f.Name == "mean radius");
        var texture = report.Features.Single(f => f.Name == "mean texture");
        Assert.True(radius.PsiDrifted);
        Assert.True(radius.Psi >= 0.2);
        Assert.False(texture.PsiDrifted);
        Assert.Equal(0.2, radius.PsiThreshold);
    }

    [Fact]
    public void Most_features_shifted_make_the_dataset_drift()
    {
        var rows = BreastCancerTraffic.Rows[..200].Select(r => BreastCancerTraffic.Scaled(r, Enumerable.Range(0, 20), 1.5f));

        var report = Window(rows);

        Assert.True(report.DatasetDrift);
        Assert.True(report.DriftedShare >= 0.5);
    }

    [Fact]
    public void A_baseline_above_SmallReferenceRows_is_judged_by_normalized_wasserstein()
    {
        var options = new DriftOptions { WindowRows = 200 };
        options.Drift.SmallReferenceRows = 100;
        var rows = BreastCancerTraffic.Rows[..200].Select(r => BreastCancerTraffic.Scaled(r, Shifted, 1.5f));

        var report = Window(rows, options);

        Assert.All(report.Features, f => Assert.Equal(DriftMethods.Wasserstein, f.Method));
        Assert.All(report.Features, f => Assert.Null(f.PValue));
        Assert.All(Shifted, i => Assert.True(report.Features[i].Drifted));
        Assert.All(report.Features, f => Assert.Equal(f.Statistic >= 0.1, f.Drifted));
    }

    [Fact]
    public void Thresholds_set_for_one_model_override_the_defaults()
    {
        var options = new DriftOptions { WindowRows = 200 };
        options.Drift.KsPValue = 0.01;
        options.Models["breast-cancer"] = new ModelDriftSettings { Drift = new DriftThresholdOverrides { KsPValue = 1e-300 } };

        var report = Window(BreastCancerTraffic.Rows[..200].Select(r => BreastCancerTraffic.Scaled(r, Shifted, 1.5f)), options);

        Assert.All(report.Features, f => Assert.Equal(1e-300, f.Threshold));
        Assert.Equal(0.01, options.ThresholdsFor("iris").KsPValue);
    }

    [Fact]
    public void Invalid_thresholds_are_reported_by_their_configuration_key()
    {
        var options = new DriftOptions { WindowRows = 1 };
        options.Drift.Psi = -1;
        options.Models["iris"] = new ModelDriftSettings { Drift = new DriftThresholdOverrides { KsPValue = 2 } };

        var problems = options.Validate();

        Assert.Contains("Serving:Monitoring:WindowRows is '1'; use a whole number from 2 to 1000000", problems);
        Assert.Contains("Serving:Monitoring:Drift:Psi is '-1'; use a positive number", problems);
        Assert.Contains("Serving:Monitoring:Models:iris:Drift:KsPValue is '2'; use a number above 0 and at most 1", problems);
    }

    [Fact]
    public void The_prediction_distribution_is_tested_against_the_baselines_class_counts()
    {
        var rows = BreastCancerTraffic.Rows[..200];

        var allBenign = Window(rows, label: 1).Prediction!;
        var mixed = new DriftTracker(new DriftOptions { WindowRows = 200 });
        var time = new FakeTimeProvider(T0);
        for (var i = 0; i < 200; i++)
        {
            mixed.Observe(BreastCancerTraffic.Record([rows[i]], time.GetUtcNow(), label: i % 8 < 3 ? 0 : 1), BreastCancerTraffic.Manifest);
        }

        var mixedPrediction = mixed.Report("breast-cancer", [2]).Versions.Single().Prediction!;
        Assert.Equal(DriftMethods.ZTest, allBenign.Method);
        Assert.Equal("label", allBenign.Name);
        Assert.True(allBenign.Drifted);
        Assert.False(mixedPrediction.Drifted);
        Assert.Equal(TwoProportionZTest.Test(212, 569, 75, 200).PValue, mixedPrediction.PValue);
    }

    [Fact]
    public void Few_distinct_values_get_chi_square_and_a_value_the_baseline_never_saw_drifts()
    {
        var baseline = new Serving.Core.Contracts.FeatureBaseline
        {
            Name = "grade", Count = 9, Std = 0.8, BinEdges = [], BinCounts = [], Values = [1, 1, 1, 2, 2, 2, 3, 3, 3],
        };
        var reference = FeatureReference.From(baseline)!;

        var same = FeatureDriftCalculator.Compute(reference, [1, 2, 3, 1, 2, 3], new DriftThresholds());
        var unseen = FeatureDriftCalculator.Compute(reference, [1, 2, 3, 4, 4, 4], new DriftThresholds());

        Assert.Equal(DriftMethods.ChiSquare, same.Method);
        Assert.False(same.Drifted);
        Assert.True(unseen.Drifted);
        Assert.Equal(0, unseen.PValue);
    }
}
