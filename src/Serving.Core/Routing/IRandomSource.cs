namespace Serving.Core.Routing;

/// <summary>Randomness for the weighted split, injected so tests can check the split exactly.</summary>
public interface IRandomSource
{
    /// <summary>A number in [0, 1).</summary>
    double NextDouble();
}

/// <summary>The shared thread-safe generator.</summary>
public sealed class SharedRandomSource : IRandomSource
{
    public double NextDouble() => Random.Shared.NextDouble();
}
