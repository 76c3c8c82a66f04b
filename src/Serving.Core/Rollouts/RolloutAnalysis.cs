using System.Globalization;

namespace Serving.Core.Rollouts;

/// <summary>
/// Judges one step: compares the canary's traffic with stable's over the same window, gate by gate. Pure: same
/// windows and settings, same verdict.
/// </summary>
public static class RolloutAnalysis
{
    // Rates and ratios are compared with this much give, so a canary exactly at a limit passes despite rounding.
    private const double Tolerance = 1e-9;

    public static RolloutVerdict Judge(TrafficWindow stable, TrafficWindow canary, double? stableAccuracy, double? canaryAccuracy, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(stable);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(options);
        var min = options.MinRequests;
        var comparable = stable.PredictionCount >= min && canary.PredictionCount >= min;
        var figures = new RolloutFigures
        {
            StableRequests = stable.Requests,
            CanaryRequests = canary.Requests,
            StableErrorRate = stable.ErrorRate,
            CanaryErrorRate = canary.ErrorRate,
            StableP99Ms = stable.P99Ms,
            CanaryP99Ms = canary.P99Ms,
            PredictionPsi = comparable ? PopulationStability.Index(stable.Predictions, canary.Predictions) : null,
            StableAccuracy = stableAccuracy,
            CanaryAccuracy = canaryAccuracy,
        };

        // Too little traffic proves nothing either way: wait for more rather than pass (Flagger's known trap).
        var waiting = new List<string>();
        if (canary.Requests < min)
        {
            waiting.Add(Text($"canary served {canary.Requests} requests, fewer than the {min} needed to judge"));
        }

        if (stable.Requests < min)
        {
            waiting.Add(Text($"stable served {stable.Requests} requests, fewer than the {min} needed to compare against"));
        }

        if (waiting.Count > 0)
        {
            return new RolloutVerdict(RolloutOutcome.Wait, figures, waiting);
        }

        var failed = new List<string>();
        var notJudged = new List<string>();
        var success = 1 - figures.CanaryErrorRate;
        if (success < options.MinSuccessRate - Tolerance)
        {
            failed.Add(Text($"error rate: canary success rate {success * 100:0.00}% is below {options.MinSuccessRate * 100:0.00}%"));
        }

        if (figures.CanaryErrorRate > figures.StableErrorRate + options.MaxErrorRateIncrease + Tolerance)
        {
            failed.Add(Text($"error rate: canary {figures.CanaryErrorRate * 100:0.00}% exceeds stable {figures.StableErrorRate * 100:0.00}% by more than {options.MaxErrorRateIncrease * 100:0.##} points"));
        }

        if (figures.CanaryP99Ms is { } canaryP99 && figures.StableP99Ms is { } stableP99)
        {
            var allowed = Math.Max(stableP99 * options.MaxP99Ratio, stableP99 + options.P99SlackMs);
            if (canaryP99 > allowed + Tolerance)
            {
                failed.Add(Text($"p99 latency: canary {canaryP99:0.###} ms exceeds {allowed:0.###} ms (stable {stableP99:0.###} ms × {options.MaxP99Ratio:0.##} or + {options.P99SlackMs:0.##} ms)"));
            }

            if (canaryP99 > options.MaxP99Ms + Tolerance)
            {
                failed.Add(Text($"p99 latency: canary {canaryP99:0.###} ms exceeds the {options.MaxP99Ms:0.##} ms limit"));
            }
        }

        if (figures.PredictionPsi is { } psi)
        {
            if (psi > options.MaxPredictionPsi + Tolerance)
            {
                failed.Add(Text($"prediction shift: PSI {psi:0.###} exceeds {options.MaxPredictionPsi:0.###}"));
            }
        }
        else
        {
            notJudged.Add(Text($"prediction shift not judged: {Math.Min(stable.PredictionCount, canary.PredictionCount)} predictions on the smaller side, {min} needed"));
        }

        if (stableAccuracy is { } stableAcc && canaryAccuracy is { } canaryAcc)
        {
            if (canaryAcc < stableAcc - options.MaxAccuracyDrop - Tolerance)
            {
                failed.Add(Text($"accuracy: canary {canaryAcc * 100:0.00}% is more than {options.MaxAccuracyDrop * 100:0.##} points below stable {stableAcc * 100:0.00}%"));
            }
        }
        else
        {
            notJudged.Add("accuracy not judged: no labelled outcomes for both versions");
        }

        return failed.Count > 0
            ? new RolloutVerdict(RolloutOutcome.Fail, figures, [.. failed, .. notJudged])
            : new RolloutVerdict(RolloutOutcome.Pass, figures, notJudged);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
