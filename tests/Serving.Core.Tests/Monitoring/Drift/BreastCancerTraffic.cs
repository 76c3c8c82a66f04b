using System.Globalization;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;

namespace Serving.Core.Tests.Monitoring.Drift;

/// <summary>The committed breast-cancer package's manifest and training rows, turned into finished requests.</summary>
internal static class BreastCancerTraffic
{
    private static readonly Lazy<ModelManifest> LazyManifest = new(() => ManifestSerializer.Read(CommittedSamples.PathOf("breast-cancer", 2)));

    private static readonly Lazy<float[][]> LazyRows = new(() => File.ReadAllLines(RepositoryPaths.Of("data", "breast-cancer.csv"))
        .Skip(1)
        .Select(l => l.Split(',')[..^1].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
        .ToArray());

    public static ModelManifest Manifest => LazyManifest.Value;

    public static float[][] Rows => LazyRows.Value;

    public static IReadOnlyList<string> FeatureNames => Manifest.Signature.Inputs[0].Features!;

    /// <summary>A served request of the given rows, each row's prediction <paramref name="label"/>.</summary>
    public static InferenceRecord Record(IReadOnlyList<float[]> rows, DateTimeOffset at, long label = 1, int version = 2)
    {
        var data = rows.SelectMany(r => r).ToArray();
        var labels = Enumerable.Repeat(label, rows.Count).ToArray();
        var request = new InferenceRequest
        {
            ModelName = "breast-cancer",
            Inputs = [Tensor.FromValues<float>("input", TensorDataType.FP32, [rows.Count, 30], data)],
        };
        var response = new InferenceResponse
        {
            ModelName = "breast-cancer",
            ModelVersion = version.ToString(CultureInfo.InvariantCulture),
            Outputs = [Tensor.FromValues<long>("label", TensorDataType.Int64, [rows.Count, 1], labels)],
        };
        return new InferenceRecord("breast-cancer", version, RouteKind.Stable, "rest", at, TimeSpan.FromMilliseconds(1), null, request, response);
    }

    /// <summary>The row with the named features multiplied by <paramref name="factor"/>.</summary>
    public static float[] Scaled(float[] row, IEnumerable<int> features, float factor)
    {
        var copy = (float[])row.Clone();
        foreach (var f in features)
        {
            copy[f] *= factor;
        }

        return copy;
    }
}
