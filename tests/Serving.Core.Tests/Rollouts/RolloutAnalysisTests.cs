using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class RolloutAnalysisTests
{
    private static readonly RolloutOptions Options = new();

    private static TrafficWindow Window(long requests, long errors = 0, double latencyMs = 10, long[]? predictions = null)
    {
        var latency = new long[LatencyBuckets.Count];
        latency[LatencyBuckets.IndexOf(TimeSpan.FromMilliseconds(latencyMs))] = requests;
        return new TrafficWindow(requests, errors, latency, predictions ?? [requests / 2, requests - (requests / 2)]);
    }

    [Fact]
    public void A_canary_as_good_as_stable_passes()
    {
        var verdict = RolloutAnalysis.Judge(Window(1000, errors: 2), Window(100), null, null, Options);

        Assert.Equal(RolloutOutcome.Pass, verdict.Outcome);
    }

    [Fact]
    public void Fewer_canary_requests_than_the_minimum_wait_even_when_all_succeeded()
    {
        var verdict = RolloutAnalysis.Judge(Window(1000), Window(49), null, null, Options);

        Assert.Equal(RolloutOutcome.Wait, verdict.Outcome);
        Assert.Equal(49, verdict.Figures.CanaryRequests);
    }

    [Fact]
    public void Too_little_stable_traffic_to_compare_against_also_waits()
    {
        Assert.Equal(RolloutOutcome.Wait, RolloutAnalysis.Judge(Window(10), Window(100), null, null, Options).Outcome);
    }

    [Fact]
    public void A_canary_below_ninety_nine_percent_success_fails()
    {
        // 2 of 100 failed: 98% success, even though stable fails as often.
        var verdict = RolloutAnalysis.Judge(Window(1000, errors: 20), Window(100, errors: 2), null, null, Options);

        Assert.Equal(RolloutOutcome.Fail, verdict.Outcome);
        Assert.Contains(verdict.Reasons, r => r.Contains("below 99.00%", StringComparison.Ordinal));
    }

    [Fact]
    public void A_canary_more_than_one_point_worse_than_stable_fails()
    {
        var options = new RolloutOptions { MinSuccessRate = 0.9 };

        var verdict = RolloutAnalysis.Judge(Window(1000, errors: 10), Window(1000, errors: 30), null, null, options);

        Assert.Equal(RolloutOutcome.Fail, verdict.Outcome);
        Assert.Contains(verdict.Reasons, r => r.Contains("by more than 1 points", StringComparison.Ordinal));
    }

    [Fact]
    public void A_canary_p99_within_the_slack_of_a_fast_stable_passes()
    {
        // Stable's p99 is about 1 ms; 1.5 × would allow 1.5 ms, the 5 ms slack allows about 6.
        var verdict = RolloutAnalysis.Judge(Window(100, latencyMs: 1), Window(100, latencyMs: 4), null, null, Options);

        Assert.Equal(RolloutOutcome.Pass, verdict.Outcome);
    }

    [Fact]
    public void A_canary_p99_over_the_absolute_limit_fails_even_if_stable_is_as_slow()
    {
        var verdict = RolloutAnalysis.Judge(Window(100, latencyMs: 600), Window(100, latencyMs: 600), null, null, Options);

        Assert.Equal(RolloutOutcome.Fail, verdict.Outcome);
        Assert.Contains(verdict.Reasons, r => r.Contains("the 500 ms limit", StringComparison.Ordinal));
    }

    [Fact]
    public void A_shifted_prediction_distribution_fails()
    {
        var verdict = RolloutAnalysis.Judge(Window(100, predictions: [50, 50]), Window(100, predictions: [10, 90]), null, null, Options);

        Assert.Equal(RolloutOutcome.Fail, verdict.Outcome);
        Assert.True(verdict.Figures.PredictionPsi > 0.2);
    }

    [Fact]
    public void The_shift_gate_is_skipped_with_too_few_predictions()
    {
        var verdict = RolloutAnalysis.Judge(Window(100, predictions: [5, 5]), Window(100, predictions: [1, 9]), null, null, Options);

        Assert.Equal(RolloutOutcome.Pass, verdict.Outcome);
        Assert.Null(verdict.Figures.PredictionPsi);
        Assert.Contains(verdict.Reasons, r => r.StartsWith("prediction shift not judged", StringComparison.Ordinal));
    }

    [Fact]
    public void The_accuracy_gate_is_skipped_while_accuracy_is_unknown()
    {
        var verdict = RolloutAnalysis.Judge(Window(100), Window(100), 0.95, null, Options);

        Assert.Equal(RolloutOutcome.Pass, verdict.Outcome);
        Assert.Contains(verdict.Reasons, r => r.StartsWith("accuracy not judged", StringComparison.Ordinal));
    }

    [Fact]
    public void Accuracy_within_the_allowed_drop_passes()
    {
        Assert.Equal(RolloutOutcome.Pass, RolloutAnalysis.Judge(Window(100), Window(100), 0.95, 0.93, Options).Outcome);
    }
}
