using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Registry;

/// <summary>
/// Runs a package's example rows through a freshly loaded runtime before it may serve, so the first caller
/// pays no first-run cost and a model that cannot run its own examples never serves. These runs go straight
/// to the runtime, so they are never logged or monitored as traffic.
/// </summary>
public static class WarmUp
{
    /// <summary>Returns null when the examples ran (or there are none to run), else what went wrong.</summary>
    public static string? Run(ModelManifest manifest, IModelRuntime runtime)
    {
        var examples = manifest.Examples;
        if (examples is null || examples.Count == 0)
        {
            return null;
        }

        var inputs = new List<Tensor>(manifest.Signature.Inputs.Count);
        foreach (var spec in manifest.Signature.Inputs)
        {
            var tensor = Build(spec, examples);
            if (tensor is null)
            {
                // An input the examples cannot describe (text, images): nothing to warm up with.
                return null;
            }

            inputs.Add(tensor);
        }

        try
        {
            var outputs = manifest.Signature.Outputs.Select(o => o.SourceName).ToArray();
            var results = runtime.RunAsync(inputs, outputs, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return results.Length == outputs.Length ? null : $"asked for {outputs.Length} outputs, got {results.Length}";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a runtime throws on its own examples means it must not serve; it never stops the scan.
            return ex.Message;
        }
    }

    private static Tensor? Build(TensorSpec spec, IReadOnlyList<IReadOnlyDictionary<string, double>> examples)
    {
        var features = spec.Features ?? [spec.Name];
        if (spec.Shape.Count is < 1 or > 2 || spec.Shape[0] != -1 || (spec.Shape.Count == 2 && spec.Shape[1] != features.Count))
        {
            return null;
        }

        var values = new double[examples.Count * features.Count];
        for (var row = 0; row < examples.Count; row++)
        {
            for (var column = 0; column < features.Count; column++)
            {
                if (!examples[row].TryGetValue(features[column], out values[(row * features.Count) + column]))
                {
                    return null;
                }
            }
        }

        long[] shape = spec.Shape.Count == 1 ? [examples.Count] : [examples.Count, features.Count];
        return TensorDataTypes.TryParse(spec.Datatype, out var type) ? Convert(spec.SourceName, type, shape, values) : null;
    }

    private static Tensor? Convert(string name, TensorDataType type, long[] shape, double[] values) => type switch
    {
        TensorDataType.FP32 => Tensor.FromValues(name, type, shape, (ReadOnlySpan<float>)[.. values.Select(v => (float)v)]),
        TensorDataType.FP64 => Tensor.FromValues(name, type, shape, (ReadOnlySpan<double>)values),
        TensorDataType.Int64 => Tensor.FromValues(name, type, shape, (ReadOnlySpan<long>)[.. values.Select(v => (long)v)]),
        TensorDataType.Int32 => Tensor.FromValues(name, type, shape, (ReadOnlySpan<int>)[.. values.Select(v => (int)v)]),
        TensorDataType.Bool => Tensor.FromBytes(name, type, shape, [.. values.Select(v => v != 0 ? (byte)1 : (byte)0)]),
        _ => null,
    };
}
