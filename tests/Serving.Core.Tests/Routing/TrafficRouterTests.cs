using Serving.Core.Contracts;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Routing;

public sealed class TrafficRouterTests : IDisposable
{
    private const int Routes = 10_000;
    private readonly TestRegistry _test = new();
    private readonly ModelEntry _entry;

    public TrafficRouterTests()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        _entry = _test.Registry.Current.Models["m"];
    }

    public void Dispose() => _test.Dispose();

    private static ModelDeployment Deployment(int weight) =>
        new() { Model = "m", Spec = new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = weight } };

    private int CanaryCount(TrafficRouter router, int weight, Func<int, string?> key)
    {
        var deployment = Deployment(weight);
        var canary = 0;
        for (var i = 0; i < Routes; i++)
        {
            var decision = router.Route(_entry, deployment, key(i))!.Value;
            if (decision.Generation.Version == 2)
            {
                Assert.Equal(RouteKind.Canary, decision.Kind);
                canary++;
            }
            else
            {
                Assert.Equal(RouteKind.Stable, decision.Kind);
            }
        }

        return canary;
    }

    /// <summary>Mean ± 4 standard deviations of a binomial count: a correct split leaves it about once in 16,000 runs.</summary>
    private static void AssertWithinBinomialBand(int count, int weight)
    {
        var p = weight / 100.0;
        var mean = Routes * p;
        var band = 4 * Math.Sqrt(Routes * p * (1 - p));
        Assert.InRange(count, mean - band, mean + band);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void At_weight_10_the_canary_takes_a_tenth_of_random_traffic_within_four_sigma(int seed)
    {
        var random = new SeededRandomSource(seed);

        var canary = CanaryCount(new TrafficRouter(random), 10, _ => null);

        AssertWithinBinomialBand(canary, 10);
        Assert.Equal(Routes, random.Draws);
    }

    [Fact]
    public void Weight_0_never_routes_to_the_canary_and_weight_100_always_does_even_at_the_edges_of_the_draw()
    {
        // 0 and the largest double below 1 are the draws where an off-by-one comparison would show.
        var edges = new[] { 0.0, Math.BitDecrement(1.0), 0.5 };

        var atZero = CanaryCount(new TrafficRouter(new SeededRandomSource(7, edges)), 0, _ => null);
        var atHundred = CanaryCount(new TrafficRouter(new SeededRandomSource(7, edges)), 100, _ => null);

        Assert.Equal(0, atZero);
        Assert.Equal(Routes, atHundred);
    }

    [Fact]
    public void The_split_follows_the_draw_exactly_at_the_weight_boundary()
    {
        var router = new TrafficRouter(new SeededRandomSource(1, 0.0999, 0.1001));
        var deployment = Deployment(10);

        Assert.Equal(2, router.Route(_entry, deployment, null)!.Value.Generation.Version);
        Assert.Equal(1, router.Route(_entry, deployment, null)!.Value.Generation.Version);
    }

    [Fact]
    public void The_same_routing_key_stays_on_one_version_whatever_the_random_draws()
    {
        var router = new TrafficRouter(new SeededRandomSource(11));
        var deployment = Deployment(50);

        foreach (var key in new[] { "alice", "bob", "carol", "user-17", "séance" })
        {
            var first = router.Route(_entry, deployment, key)!.Value.Generation.Version;
            for (var i = 0; i < 200; i++)
            {
                // Unkeyed traffic in between moves the random source on; the keyed caller must not move.
                router.Route(_entry, deployment, null);
                Assert.Equal(first, router.Route(_entry, deployment, key)!.Value.Generation.Version);
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    public void Different_routing_keys_spread_over_the_versions_at_about_the_weight(int weight)
    {
        var random = new SeededRandomSource(3);

        var canary = CanaryCount(new TrafficRouter(random), weight, i => $"user-{i}");

        AssertWithinBinomialBand(canary, weight);
        Assert.Equal(0, random.Draws);
    }

    [Fact]
    public void Raising_the_weight_only_moves_keyed_callers_from_stable_to_the_canary()
    {
        var router = new TrafficRouter(new SeededRandomSource(5));
        var keys = Enumerable.Range(0, 2000).Select(i => $"session-{i}").ToArray();
        var onCanary = new HashSet<string>(StringComparer.Ordinal);
        var previousCount = 0;

        foreach (var weight in new[] { 0, 5, 10, 25, 50, 100 })
        {
            var deployment = Deployment(weight);
            var now = keys.Where(k => router.Route(_entry, deployment, k)!.Value.Generation.Version == 2).ToHashSet(StringComparer.Ordinal);

            Assert.Superset(onCanary, now);
            Assert.True(now.Count >= previousCount);
            onCanary = now;
            previousCount = now.Count;
        }

        Assert.Equal(keys.Length, onCanary.Count);
    }
}
