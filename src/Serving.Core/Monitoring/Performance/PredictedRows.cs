namespace Serving.Core.Monitoring.Performance;

/// <summary>What one prediction said, row by row: the predicted class index or value, and class probabilities when given.</summary>
/// <param name="Predicted">Class index (-1 when it names no known class) or regression value, per row.</param>
/// <param name="Probabilities">Class probabilities per row, or null when the model gives none.</param>
internal sealed record PredictedRows(double[] Predicted, double[][]? Probabilities)
{
    public int Count => Predicted.Length;
}
