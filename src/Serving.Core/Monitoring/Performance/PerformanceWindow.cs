namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Up to <c>WindowRows</c> predicted rows of one model version, in prediction order, with the labels that have joined
/// them. A window stays open until it is full; labels may join it after it closed, while it is held.
/// </summary>
/// <remarks>
/// Rows live in parallel flat arrays, probabilities in one shared pool, so a window is a handful of objects however
/// many rows it holds: under load windows outlive gen0, and per-row objects would all be promoted and traced.
/// </remarks>
internal sealed class PerformanceWindow(PredictionLayout layout, int capacity, long sequence)
{
    private DateTimeOffset[] _times = [];
    private double[] _predicted = [];
    private double[] _labels = [];
    private bool[] _hasLabel = [];
    private int[] _probabilityStart = [];
    private int[] _probabilityLength = [];
    private double[] _probabilityPool = [];
    private int _poolUsed;

    /// <summary>
    /// A window that takes over the arrays of <paramref name="evicted"/>, a window of the same capacity that was let go
    /// and that nothing reads any more: a version's windows then come and go without garbage once the first have grown
    /// (at the default 500 rows, about 110 bytes a prediction otherwise). The evicted window is left empty.
    /// </summary>
    public PerformanceWindow(PredictionLayout layout, int capacity, long sequence, PerformanceWindow? evicted)
        : this(layout, capacity, sequence)
    {
        if (evicted is null || evicted.Capacity != capacity)
        {
            return;
        }

        (_times, _predicted, _labels, _hasLabel) = (evicted._times, evicted._predicted, evicted._labels, evicted._hasLabel);
        (_probabilityStart, _probabilityLength, _probabilityPool) = (evicted._probabilityStart, evicted._probabilityLength, evicted._probabilityPool);
        (evicted._times, evicted._predicted, evicted._labels, evicted._hasLabel) = ([], [], [], []);
        (evicted._probabilityStart, evicted._probabilityLength, evicted._probabilityPool) = ([], [], []);
        (evicted.Rows, evicted.Labels, evicted._poolUsed) = (0, 0, 0);
    }

    public PredictionLayout Layout { get; } = layout;

    public int Capacity { get; } = capacity;

    /// <summary>Position of this window among its version's windows; consecutive windows have consecutive numbers.</summary>
    public long Sequence { get; } = sequence;

    public int Rows { get; private set; }

    public int Labels { get; private set; }

    public bool IsFull => Rows >= Capacity;

    public DateTimeOffset Start => Rows == 0 ? default : _times[0];

    public DateTimeOffset End => Rows == 0 ? default : _times[Rows - 1];

    /// <summary>Adds rows from <paramref name="first"/> while there is room; returns how many it took.</summary>
    public int Add(DateTimeOffset time, PredictedRows rows, int first)
    {
        var taken = Math.Min(rows.Count - first, Capacity - Rows);
        EnsureRows(Rows + taken);
        for (var i = first; i < first + taken; i++)
        {
            var row = Rows++;
            _times[row] = time;
            _predicted[row] = rows.Predicted[i];
            _labels[row] = 0;
            _hasLabel[row] = false;
            if (rows.Probabilities is not null)
            {
                var probabilities = rows.ProbabilitiesOf(i);
                EnsurePool(_poolUsed + probabilities.Length);
                probabilities.CopyTo(_probabilityPool.AsSpan(_poolUsed));
                _probabilityStart[row] = _poolUsed;
                _probabilityLength[row] = probabilities.Length;
                _poolUsed += probabilities.Length;
            }
            else
            {
                _probabilityStart[row] = 0;
                _probabilityLength[row] = -1;
            }
        }

        return taken;
    }

    /// <summary>Sets (or replaces) the label of one row.</summary>
    public void SetLabel(int row, double label)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        Labels += _hasLabel[row] ? 0 : 1;
        _labels[row] = label;
        _hasLabel[row] = true;
    }

    /// <summary>Metrics over the labelled rows.</summary>
    public IReadOnlyList<PerformanceMetric> Metrics() => Metrics(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    /// <summary>Metrics over the labelled rows predicted in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public IReadOnlyList<PerformanceMetric> Metrics(DateTimeOffset from, DateTimeOffset to)
    {
        var labelled = new List<int>();
        for (var row = 0; row < Rows; row++)
        {
            if (_hasLabel[row] && _times[row] >= from && _times[row] < to)
            {
                labelled.Add(row);
            }
        }

        if (!Layout.IsClassification)
        {
            return RegressionScores.Compute([.. labelled.Select(r => _labels[r])], [.. labelled.Select(r => _predicted[r])]);
        }

        var probabilities = labelled.All(r => _probabilityLength[r] >= 0)
            ? labelled.Select(r => (double[]?)_probabilityPool.AsSpan(_probabilityStart[r], _probabilityLength[r]).ToArray()).ToList()
            : null;
        return ClassificationScores.Compute(
            [.. labelled.Select(r => (int)_labels[r])],
            [.. labelled.Select(r => double.IsFinite(_predicted[r]) ? (int)_predicted[r] : -1)],
            probabilities,
            Layout.IsBinary);
    }

    /// <summary>Counts (labelled, correct) rows predicted in [<paramref name="from"/>, <paramref name="to"/>), for classifiers.</summary>
    public (int Labelled, int Correct) Hits(DateTimeOffset from, DateTimeOffset to)
    {
        int labelled = 0, correct = 0;
        for (var row = 0; row < Rows; row++)
        {
            if (_hasLabel[row] && _times[row] >= from && _times[row] < to)
            {
                labelled++;
                correct += _labels[row] == _predicted[row] ? 1 : 0;
            }
        }

        return (labelled, correct);
    }

    public WindowSummary Summary() => new(Start, End, Rows, Labels, Rows == 0 ? 0 : Labels / (double)Rows, Metrics());

    // Grows by doubling (capped at Capacity) so a large WindowRows costs memory only once rows arrive.
    private void EnsureRows(int needed)
    {
        if (needed <= _times.Length)
        {
            return;
        }

        var size = Math.Min(Capacity, Math.Max(needed, Math.Max(64, _times.Length * 2)));
        Array.Resize(ref _times, size);
        Array.Resize(ref _predicted, size);
        Array.Resize(ref _labels, size);
        Array.Resize(ref _hasLabel, size);
        Array.Resize(ref _probabilityStart, size);
        Array.Resize(ref _probabilityLength, size);
    }

    private void EnsurePool(int needed)
    {
        if (needed > _probabilityPool.Length)
        {
            Array.Resize(ref _probabilityPool, Math.Max(needed, Math.Max(128, _probabilityPool.Length * 2)));
        }
    }
}
