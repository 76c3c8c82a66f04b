namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// The rows of one window in progress, one bounded column per monitored value: never more than
/// <c>capacity</c> values each. Past that (time windows only) each column keeps a uniform reservoir sample,
/// so memory stays bounded however much traffic a window sees.
/// </summary>
internal sealed class DriftWindow
{
    private readonly double[][] _columns;
    private readonly int[] _counts;
    private readonly long[] _seen;
    private readonly Random _random;

    public DriftWindow(int columns, int capacity, DateTimeOffset start, int seed)
    {
        _columns = new double[columns][];
        for (var i = 0; i < columns; i++)
        {
            _columns[i] = new double[capacity];
        }

        _counts = new int[columns];
        _seen = new long[columns];
        Capacity = capacity;
        Start = start;
        End = start;
        _random = new Random(seed);
    }

    public int Capacity { get; }

    /// <summary>Start of the window: its first row, or the time slot's start for time windows.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The latest row's time.</summary>
    public DateTimeOffset End { get; private set; }

    /// <summary>Rows seen, sampled or not.</summary>
    public long Rows { get; private set; }

    public bool IsFull => Rows >= Capacity;

    /// <summary>Starts a row at <paramref name="time"/>; its values follow through <see cref="Add"/>.</summary>
    public void BeginRow(DateTimeOffset time)
    {
        Rows++;
        if (time > End)
        {
            End = time;
        }
    }

    /// <summary>Adds one column's value of the current row; non-finite values are left out.</summary>
    public void Add(int column, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        var seen = ++_seen[column];
        if (_counts[column] < Capacity)
        {
            _columns[column][_counts[column]++] = value;
            return;
        }

        // Algorithm R: the n-th value replaces a random slot with probability capacity / n.
        var slot = _random.NextInt64(seen);
        if (slot < Capacity)
        {
            _columns[column][slot] = value;
        }
    }

    /// <summary>A copy of one column's kept values.</summary>
    public double[] Values(int column) => _columns[column].AsSpan(0, _counts[column]).ToArray();

    public DriftWindowBounds Bounds => new(Start, End, Rows);
}
