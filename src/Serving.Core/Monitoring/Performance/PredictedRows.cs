namespace Serving.Core.Monitoring.Performance;

/// <summary>What one prediction said, row by row: the predicted class index or value, and class probabilities when given.</summary>
/// <remarks>
/// A struct over flat arrays: every served prediction is read into one on its way into a window, which copies it, so
/// it stays two short arrays rather than an object plus an array per row.
/// </remarks>
/// <param name="Predicted">Class index (-1 when it names no known class) or regression value, per row.</param>
/// <param name="Probabilities">Class probabilities, <paramref name="Width"/> per row one row after another, or null when the model gives none.</param>
/// <param name="Width">Probabilities per row.</param>
internal readonly record struct PredictedRows(double[] Predicted, double[]? Probabilities, int Width)
{
    public int Count => Predicted.Length;

    /// <summary>The class probabilities of one row; only when <see cref="Probabilities"/> is not null.</summary>
    public ReadOnlySpan<double> ProbabilitiesOf(int row) => Probabilities.AsSpan(row * Width, Width);
}
