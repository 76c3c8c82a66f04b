namespace Serving.Core.Monitoring.Performance;

/// <summary>The open window of one model version and its last few closed ones (oldest first).</summary>
internal sealed class VersionWindows(int version, int windowRows, int maxWindows, string model = "")
{
    private readonly List<PerformanceWindow> _closed = [];
    private long _nextSequence;

    public int Version { get; } = version;

    /// <summary>The model the version belongs to (for the labels log).</summary>
    public string Model { get; } = model;

    public int WindowRows { get; } = windowRows;

    public PerformanceWindow? Current { get; private set; }

    public IEnumerable<PerformanceWindow> Closed => _closed;

    public IEnumerable<PerformanceWindow> All => Current is null ? _closed : _closed.Append(Current);

    /// <summary>Places the rows of one prediction, rolling to a new window whenever one fills; returns where the first row went.</summary>
    public (long Window, int Row) Add(PredictionLayout layout, DateTimeOffset time, PredictedRows rows)
    {
        (long Window, int Row) start = default;
        var placed = 0;
        do
        {
            if (Current is null || Current.IsFull || !ReferenceEquals(Current.Layout, layout))
            {
                Roll(layout);
            }

            if (placed == 0)
            {
                start = (Current!.Sequence, Current.Rows);
            }

            placed += Current!.Add(time, rows, placed);
        }
        while (placed < rows.Count);

        if (Current.IsFull)
        {
            Roll(layout);
        }

        return start;
    }

    /// <summary>The held window with this sequence number; null once it was forgotten.</summary>
    public PerformanceWindow? Find(long sequence)
    {
        if (Current is not null && Current.Sequence == sequence)
        {
            return Current;
        }

        if (_closed.Count == 0)
        {
            return null;
        }

        var index = sequence - _closed[0].Sequence;
        return index >= 0 && index < _closed.Count ? _closed[(int)index] : null;
    }

    private void Roll(PredictionLayout layout)
    {
        if (Current is { Rows: > 0 })
        {
            _closed.Add(Current);
            PerformanceWindow? evicted = null;
            if (_closed.Count > maxWindows)
            {
                // No held prediction finds a window once it is out of the list (Find goes by the list), so the oldest
                // one's arrays can carry the next window's rows.
                evicted = _closed[0];
                _closed.RemoveRange(0, _closed.Count - maxWindows);
            }

            Current = new PerformanceWindow(layout, WindowRows, _nextSequence++, evicted);
        }
        else
        {
            // An empty window holds no rows anyone points at, so its replacement takes its number: closed windows
            // keep consecutive numbers and Find can index them.
            Current = new PerformanceWindow(layout, WindowRows, Current?.Sequence ?? _nextSequence++);
        }
    }
}
