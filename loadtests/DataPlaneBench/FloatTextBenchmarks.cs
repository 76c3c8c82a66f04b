using System.Globalization;
using BenchmarkDotNet.Attributes;
using Serving.Core.Inference;

namespace Serving.LoadTests.DataPlaneBench;

/// <summary>
/// The gateway's float text (<see cref="ShortFloatText.Format"/>: JSON answers, prediction logs, serving score's CSV)
/// against .NET's own shortest round-trip formatter, the baseline, on the kinds of values they write: a feature read
/// from a file (few decimals), a regression output (diabetes-like, four decimals) and a classifier's probability
/// (mostly eight or nine significant digits, a third of them needing more than nine decimals).
/// <c>dotnet run -c Release --project loadtests/DataPlaneBench -- --filter '*FloatText*'</c>
/// </summary>
public class FloatTextBenchmarks
{
    private const int Count = 4096;
    private readonly byte[] _text = new byte[ShortFloatText.MaxLength];
    private float[] _values = [];

    [Params("features", "regression", "probabilities")]
    public string Values { get; set; } = "features";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _values = new float[Count];
        for (var i = 0; i < Count; i++)
        {
            _values[i] = Values switch
            {
                "features" => (float)(random.Next(1, 100_000) / Math.Pow(10, random.Next(0, 5))),
                "regression" => (float)(random.NextDouble() * 300),
                _ => (float)Math.Pow(random.NextDouble(), 4),
            };
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int DotNet()
    {
        var total = 0;
        foreach (var value in _values)
        {
            value.TryFormat(_text, out var written, default, CultureInfo.InvariantCulture);
            total += written;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public int Gateway()
    {
        var total = 0;
        foreach (var value in _values)
        {
            total += ShortFloatText.Format(value, _text);
        }

        return total;
    }
}
