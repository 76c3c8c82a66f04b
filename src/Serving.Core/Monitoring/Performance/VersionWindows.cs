namespace Serving.Core.Monitoring.Performance;

/// <summary>The open window of one model version and its last few closed ones (oldest first).</summary>
internal sealed class VersionWindows(int version, int windowRows, int maxWindows)
{
    private readonly Queue<PerformanceWindow> _closed = new();

    public int Version { get; } = version;

    public PerformanceWindow? Current { get; private set; }

    public IEnumerable<PerformanceWindow> Closed => _closed;

    public IEnumerable<PerformanceWindow> All => Current is null ? _closed : _closed.Append(Current);

    /// <summary>Places the rows of one prediction, rolling to a new window whenever one fills; returns where they went.</summary>
    public RowSegment[] Add(PredictionLayout layout, DateTimeOffset time, PredictedRows rows)
    {
        var segments = new List<RowSegment>(1);
        var placed = 0;
        do
        {
            if (Current is null || Current.IsFull || !ReferenceEquals(Current.Layout, layout))
            {
                Roll(layout);
            }

            var first = Current!.Rows;
            var taken = Current.Add(time, rows, placed);
            segments.Add(new RowSegment(Current, first, taken));
            placed += taken;
        }
        while (placed < rows.Count);

        if (Current.IsFull)
        {
            Roll(layout);
        }

        return [.. segments];
    }

    private void Roll(PredictionLayout layout)
    {
        if (Current is { Rows: > 0 })
        {
            _closed.Enqueue(Current);
            while (_closed.Count > maxWindows)
            {
                _closed.Dequeue().Forgotten = true;
            }
        }

        Current = new PerformanceWindow(layout, windowRows);
    }
}
