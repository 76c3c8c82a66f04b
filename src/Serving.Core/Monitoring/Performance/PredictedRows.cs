namespace Serving.Core.Monitoring.Performance;

/// <summary>What one prediction said, row by row: the predicted class index or value, and class probabilities when given.</summary>
/// <remarks>
/// A struct over flat arrays: every served prediction is read into one on its way into a window, which copies it, so
/// it stays two short arrays rather than an object plus an array per row. The arrays may be a reader's reused buffers,
/// longer than the rows (<see cref="PredictedRowsBuffer"/>): <see cref="Count"/> says how many rows are read.
/// </remarks>
/// <param name="Predicted">Class index (-1 when it names no known class) or regression value, per row.</param>
/// <param name="Probabilities">Class probabilities, <paramref name="Width"/> per row one row after another, or null when the model gives none.</param>
/// <param name="Width">Probabilities per row.</param>
/// <param name="Count">Rows read.</param>
internal readonly record struct PredictedRows(double[] Predicted, double[]? Probabilities, int Width, int Count)
{
    /// <summary>The class probabilities of one row; only when <see cref="Probabilities"/> is not null.</summary>
    public ReadOnlySpan<double> ProbabilitiesOf(int row) => Probabilities.AsSpan(row * Width, Width);
}

/// <summary>
/// Arrays one reader reuses for the rows it reads (<see cref="PredictionLayout.Read"/>), grown when a prediction needs
/// more: what it reads is copied into a window before it reads again. Not for two threads at once.
/// </summary>
internal sealed class PredictedRowsBuffer
{
    private double[] _predicted = [];
    private double[] _probabilities = [];

    public double[] Predicted(int count) => count <= _predicted.Length ? _predicted : _predicted = new double[count];

    public double[] Probabilities(int count) => count <= _probabilities.Length ? _probabilities : _probabilities = new double[count];
}
