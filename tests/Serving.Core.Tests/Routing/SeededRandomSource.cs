using Serving.Core.Routing;

namespace Serving.Core.Tests.Routing;

/// <summary>Repeatable randomness for the weighted split: a seeded generator, optionally led by fixed values.</summary>
internal sealed class SeededRandomSource : IRandomSource
{
    private readonly Random _random;
    private readonly Queue<double> _first;

    public SeededRandomSource(int seed, params double[] first)
    {
        _random = new Random(seed);
        _first = new Queue<double>(first);
    }

    public int Draws { get; private set; }

    public double NextDouble()
    {
        Draws++;
        return _first.TryDequeue(out var value) ? value : _random.NextDouble();
    }
}
