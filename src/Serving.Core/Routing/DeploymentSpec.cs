namespace Serving.Core.Routing;

/// <summary>
/// How one model's traffic is served, as an admin or a policy sets it: the stable version, an optional canary
/// with the percentage of traffic it takes, and an optional shadow that sees a copy of live requests.
/// </summary>
public sealed record DeploymentSpec
{
    public required int Stable { get; init; }

    public int? Canary { get; init; }

    /// <summary>Percent of unpinned traffic the canary takes, 0 to 100; 0 when there is no canary.</summary>
    public int CanaryWeight { get; init; }

    public int? Shadow { get; init; }

    /// <summary>Every version this deployment needs loaded.</summary>
    public IEnumerable<int> Versions()
    {
        yield return Stable;
        if (Canary is { } canary)
        {
            yield return canary;
        }

        if (Shadow is { } shadow)
        {
            yield return shadow;
        }
    }

    /// <summary>The first rule this spec breaks, or null; loading is checked separately.</summary>
    public string? Validate()
    {
        if (Stable <= 0 || Canary <= 0 || Shadow <= 0)
        {
            return "versions are positive integers";
        }

        if (CanaryWeight is < 0 or > 100)
        {
            return $"canaryWeight must be between 0 and 100, not {CanaryWeight}";
        }

        if (Canary is null && CanaryWeight != 0)
        {
            return "canaryWeight needs a canary version";
        }

        if (Canary == Stable)
        {
            return $"version {Stable} cannot be both stable and canary";
        }

        if (Shadow is { } shadow && (shadow == Stable || shadow == Canary))
        {
            return $"version {shadow} already takes live traffic and cannot also be the shadow";
        }

        return null;
    }
}
