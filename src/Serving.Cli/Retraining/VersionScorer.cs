using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Runtimes;

namespace Serving.Cli.Retraining;

/// <summary>
/// Scores a packaged version on held-out rows the way the gateway would answer them: its manifest's signature maps the
/// CSV's columns to input tensors, the gateway's runtime runs the artifact, and the prediction output is read per row
/// as packaging reads it for baselines (a lone probability of a binary classifier is positive from 0.5).
/// </summary>
internal static class VersionScorer
{
    private const int BatchRows = 256;

    public static async Task<double[]> PredictAsync(string versionDirectory, ModelManifest manifest, CsvDataSet rows, IReadOnlyList<IModelRuntimeFactory> factories, CancellationToken cancellationToken)
    {
        var factory = factories.FirstOrDefault(f => f.Format == manifest.Format)
            ?? throw new RetrainException($"no runtime loads the format '{manifest.Format}'");
        using var runtime = factory.Load(Path.Combine(versionDirectory, ModelFormats.ArtifactFile(manifest.Format)));
        var prediction = manifest.Signature.Outputs.FirstOrDefault(o => o.Name == manifest.Signature.PredictionOutput) ?? manifest.Signature.Outputs[0];
        var threshold = ModelTasks.IsClassification(manifest.Task) && prediction.Name.Contains("prob", StringComparison.OrdinalIgnoreCase);
        var predicted = new List<double>(rows.Rows);
        for (var start = 0; start < rows.Rows; start += BatchRows)
        {
            var count = Math.Min(BatchRows, rows.Rows - start);
            var tensors = FeatureTensors.ForRows(manifest.Signature.Inputs, rows, start, count);
            var results = await runtime.RunAsync(tensors, [prediction.SourceName], cancellationToken).ConfigureAwait(false);
            predicted.AddRange(TensorValues.PerRow(results[0], count, threshold));
        }

        return [.. predicted];
    }
}
