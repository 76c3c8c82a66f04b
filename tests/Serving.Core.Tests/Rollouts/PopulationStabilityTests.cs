using Serving.Core.Rollouts;

namespace Serving.Core.Tests.Rollouts;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void Identical_distributions_have_an_index_of_zero()
    {
        Assert.Equal(0, PopulationStability.Index([10, 20, 30], [1, 2, 3])!.Value, 12);
    }

    [Fact]
    public void The_index_sums_share_differences_times_their_log_ratio()
    {
        // Halves against a quarter and three quarters, by hand:
        // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.173287 + 0.101366 = 0.274653.
        Assert.Equal(0.274653, PopulationStability.Index([50, 50], [25, 75])!.Value, 6);
    }

    [Fact]
    public void The_index_is_symmetric()
    {
        Assert.Equal(PopulationStability.Index([50, 30, 20], [20, 30, 50])!.Value, PopulationStability.Index([20, 30, 50], [50, 30, 20])!.Value, 12);
    }

    [Fact]
    public void A_bin_empty_on_one_side_gives_a_large_but_finite_index()
    {
        var psi = PopulationStability.Index([100, 0], [50, 50])!.Value;

        Assert.True(double.IsFinite(psi));
        Assert.True(psi > 2);
    }

    [Fact]
    public void Empty_or_mismatched_distributions_have_no_index()
    {
        Assert.Null(PopulationStability.Index([0, 0], [1, 2]));
        Assert.Null(PopulationStability.Index([1, 2], [1, 2, 3]));
    }
}
