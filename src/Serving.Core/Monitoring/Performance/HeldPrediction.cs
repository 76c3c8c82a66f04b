namespace Serving.Core.Monitoring.Performance;

/// <summary>A prediction waiting for its label: where its rows sit and how to read a label for it.</summary>
internal sealed record HeldPrediction(string Id, string Model, int Version, DateTimeOffset Time, PredictionLayout Layout, RowSegment[] Segments)
{
    public int Rows => Segments.Sum(s => s.Count);
}
