using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Training;

/// <summary>What a packaged version answers on every row of a data set, through the serving runtime, by output name.</summary>
internal sealed class PackageAnswers
{
    private PackageAnswers(ModelManifest manifest, int rows, IReadOnlyDictionary<string, double[][]> outputs)
    {
        Manifest = manifest;
        Rows = rows;
        Outputs = outputs;
    }

    public ModelManifest Manifest { get; }

    public int Rows { get; }

    /// <summary>One array per row for each served output, by public name.</summary>
    public IReadOnlyDictionary<string, double[][]> Outputs { get; }

    /// <summary>Loads the version in <paramref name="directory"/> and runs it on all rows of <paramref name="data"/> in one batch.</summary>
    public static async Task<PackageAnswers> OfAsync(string directory, CsvDataSet data)
    {
        var manifest = ManifestSerializer.Read(directory);
        var artifact = Path.Combine(directory, ModelFormats.ArtifactFile(manifest.Format));
        using var runtime = RuntimeFactories.Default().Single(f => f.Format == manifest.Format).Load(artifact);
        var inputs = FeatureTensors.ForRows(manifest.Signature.Inputs, data, 0, data.Rows);
        var tensors = await runtime.RunAsync(inputs, [.. manifest.Signature.Outputs.Select(o => o.SourceName)], TestContext.Current.CancellationToken);
        var outputs = new Dictionary<string, double[][]>(StringComparer.Ordinal);
        for (var i = 0; i < tensors.Length; i++)
        {
            var values = TensorValues.ToDoubles(tensors[i]);
            var width = values.Length / data.Rows;
            outputs[manifest.Signature.Outputs[i].Name] = [.. Enumerable.Range(0, data.Rows).Select(r => values.AsSpan(r * width, width).ToArray())];
        }

        return new PackageAnswers(manifest, data.Rows, outputs);
    }
}
