using System.Globalization;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Runtimes;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// What the gateway's data plane answers for the same rows: the version loaded by the gateway's loader, the rows given
/// as one FP32 tensor in the signature's feature order, validated and run as a request is. Independent of the scorer's
/// own reading, so a column mixed up on the way would show.
/// </summary>
internal static class RuntimeReference
{
    public static async Task<Dictionary<string, float[]>> OutputsAsync(string registry, string model, int version, string csv)
    {
        var loaded = new ModelVersionLoader(new ModelRuntimeFactories(RuntimeFactories.Default()))
            .Load(model, version, Path.Combine(registry, model, version.ToString(CultureInfo.InvariantCulture)));
        var generation = loaded.Generation ?? throw new InvalidOperationException(loaded.Reason);
        try
        {
            var input = generation.Manifest.Signature.Inputs.Single();
            var (header, rows) = ScoringFiles.Read(csv);
            var values = new float[rows.Length * input.Features!.Count];
            for (var r = 0; r < rows.Length; r++)
            {
                for (var f = 0; f < input.Features.Count; f++)
                {
                    values[(r * input.Features.Count) + f] = float.Parse(rows[r][Array.IndexOf(header, input.Features[f])], CultureInfo.InvariantCulture);
                }
            }

            var tensor = Tensor.FromValues<float>(input.Name, TensorDataType.FP32, [rows.Length, input.Features.Count], values);
            var bound = RequestValidator.BindInputs(model, generation.Binding, [tensor]);
            var outputs = await generation.Runtime.RunAsync(bound, generation.Binding.AllOutputSourceNames, TestContext.Current.CancellationToken);
            var named = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (var o = 0; o < outputs.Length; o++)
            {
                var spec = generation.Binding.Outputs[o];
                named[spec.Spec.Name] = spec.DataType switch
                {
                    TensorDataType.FP32 => outputs[o].AsSpan<float>().ToArray(),
                    TensorDataType.Int64 => [.. outputs[o].AsSpan<long>().ToArray().Select(v => (float)v)],
                    var other => throw new InvalidOperationException($"unexpected output type {other}"),
                };
            }

            return named;
        }
        finally
        {
            generation.Retire();
        }
    }
}
