namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Up to <c>WindowRows</c> predicted rows of one model version, in prediction order, with the labels that have joined
/// them. A window stays open until it is full; labels may join it after it closed, while it is held.
/// </summary>
internal sealed class PerformanceWindow(PredictionLayout layout, int capacity)
{
    private readonly List<WindowRow> _rows = new(Math.Min(capacity, 4096));

    public PredictionLayout Layout { get; } = layout;

    public int Capacity { get; } = capacity;

    public int Rows => _rows.Count;

    public int Labels { get; private set; }

    public bool IsFull => _rows.Count >= Capacity;

    /// <summary>True once the window fell out of the held ones: labels for its rows come too late.</summary>
    public bool Forgotten { get; set; }

    public DateTimeOffset Start => _rows.Count == 0 ? default : _rows[0].Time;

    public DateTimeOffset End => _rows.Count == 0 ? default : _rows[^1].Time;

    /// <summary>Adds rows from <paramref name="first"/> while there is room; returns how many it took.</summary>
    public int Add(DateTimeOffset time, PredictedRows rows, int first)
    {
        var taken = Math.Min(rows.Count - first, Capacity - _rows.Count);
        for (var i = first; i < first + taken; i++)
        {
            _rows.Add(new WindowRow(time, rows.Predicted[i], rows.Probabilities?[i], 0, false));
        }

        return taken;
    }

    /// <summary>Sets (or replaces) the label of one row.</summary>
    public void SetLabel(int row, double label)
    {
        var current = _rows[row];
        Labels += current.HasLabel ? 0 : 1;
        _rows[row] = current with { Label = label, HasLabel = true };
    }

    /// <summary>Metrics over the labelled rows.</summary>
    public IReadOnlyList<PerformanceMetric> Metrics() => Metrics(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    /// <summary>Metrics over the labelled rows predicted in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IReadOnlyList<PerformanceMetric> Metrics(DateTimeOffset from, DateTimeOffset to)
    {
        var labelled = _rows.Where(r => r.HasLabel && r.Time >= from && r.Time < to).ToList();
        if (!Layout.IsClassification)
        {
            return RegressionScores.Compute([.. labelled.Select(r => r.Label)], [.. labelled.Select(r => r.Predicted)]);
        }

        var probabilities = labelled.All(r => r.Probabilities is not null) ? labelled.Select(r => r.Probabilities).ToList() : null;
        return ClassificationScores.Compute(
            [.. labelled.Select(r => (int)r.Label)],
            [.. labelled.Select(r => double.IsFinite(r.Predicted) ? (int)r.Predicted : -1)],
            probabilities,
            Layout.IsBinary);
    }

    /// <summary>Counts (labelled, correct) rows predicted in [<paramref name="from"/>, <paramref name="to"/>), for classifiers.</summary>
    public (int Labelled, int Correct) Hits(DateTimeOffset from, DateTimeOffset to)
    {
        int labelled = 0, correct = 0;
        foreach (var row in _rows)
        {
            if (row.HasLabel && row.Time >= from && row.Time < to)
            {
                labelled++;
                correct += row.Label == row.Predicted ? 1 : 0;
            }
        }

        return (labelled, correct);
    }

    public WindowSummary Summary() => new(Start, End, Rows, Labels, Rows == 0 ? 0 : Labels / (double)Rows, Metrics());
}
