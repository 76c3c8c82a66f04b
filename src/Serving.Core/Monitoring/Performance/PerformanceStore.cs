using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// The state behind live performance: predictions held for their labels (bounded by count and age), labels held for
/// predictions not yet seen (bounded by count and age), and each version's windows. Not thread-safe: the monitor
/// serialises access.
/// </summary>
internal sealed class PerformanceStore(PerformanceOptions options)
{
    private const int MaxErrors = 5;

    private readonly HeldPredictions _predictions = new(options.MaxPredictions);
    private readonly Dictionary<string, PendingFeedback> _pending = new(StringComparer.Ordinal);
    private readonly Queue<PendingFeedback> _pendingOrder = new();
    private readonly Dictionary<string, SortedDictionary<int, VersionWindows>> _models = new(StringComparer.Ordinal);
    private long _accepted, _unknown, _invalid, _joinedLate, _expired;

    public int HeldPredictions => _predictions.Count;

    public int PendingLabels => _pending.Count;

    public FeedbackCounts Counts => new(_accepted, _unknown, _invalid, _joinedLate, _expired);

    /// <summary>Places a prediction's rows in its version's window and joins a label that was waiting for it.</summary>
    /// <summary>Files the rows read of one prediction; <paramref name="served"/> is how many rows the answer had (its labels' count).</summary>
    public void AddPrediction(string model, int version, string id, DateTimeOffset time, PredictionLayout layout, PredictedRows rows, int served)
    {
        Evict(time);
        if (rows.Count == 0)
        {
            return;
        }

        var versions = _models.TryGetValue(model, out var found) ? found : _models[model] = [];
        if (!versions.TryGetValue(version, out var windows))
        {
            versions[version] = windows = new VersionWindows(version, options.WindowRows, options.MaxWindows);
        }

        var (window, row) = windows.Add(layout, time, rows);
        var held = new HeldPrediction(windows, layout, window, row, served, time);
        _predictions.Add(HeldId.From(id), held);

        // Labels waiting for their prediction are rare; without any, skip hashing the id.
        if (_pending.Count > 0 && _pending.Remove(id, out var waiting))
        {
            if (Join(held, waiting.Item.Labels, out _))
            {
                _joinedLate++;
            }
            else
            {
                _invalid++;
            }
        }
    }

    /// <summary>Joins each label to its prediction, or holds it when its prediction has not been seen.</summary>
    public FeedbackResult AddFeedback(IReadOnlyList<FeedbackItem> items, DateTimeOffset now)
    {
        Evict(now);
        int accepted = 0, pending = 0, unknown = 0, invalid = 0;
        var errors = new List<string>();
        void Note(string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add(message);
            }
        }

        foreach (var item in items)
        {
            if (string.IsNullOrEmpty(item.Id))
            {
                unknown++;
                Note("an item has no \"id\"");
                continue;
            }

            if (item.Labels.Count == 0)
            {
                invalid++;
                Note($"id '{item.Id}': no \"label\"");
                continue;
            }

            if (_predictions.TryGet(HeldId.From(item.Id), out var held))
            {
                if (held.Windows.Find(held.Window) is null)
                {
                    unknown++;
                    Note($"id '{item.Id}': its window is no longer held");
                }
                else if (Join(held, item.Labels, out var error))
                {
                    accepted++;
                }
                else
                {
                    invalid++;
                    Note($"id '{item.Id}': {error}");
                }

                continue;
            }

            unknown++;
            if (Hold(item, now))
            {
                pending++;
                Note($"id '{item.Id}': no prediction with this id yet; the label is held {options.PendingSeconds:0.#} s for it");
            }
            else
            {
                Note($"id '{item.Id}': no prediction with this id");
            }
        }

        _accepted += accepted;
        _unknown += unknown;
        _invalid += invalid;
        return new FeedbackResult(accepted, pending, unknown, invalid, errors);
    }

    /// <summary>The report of one model; empty versions when it has served nothing yet.</summary>
    public PerformanceReport Report(string model)
    {
        if (!_models.TryGetValue(model, out var versions))
        {
            return new PerformanceReport(model, []);
        }

        var entries = new List<VersionPerformance>(versions.Count);
        foreach (var (version, windows) in versions)
        {
            var closed = windows.Closed.Reverse().ToList();
            var shown = closed.FirstOrDefault(w => w.Labels > 0) ?? closed.FirstOrDefault();
            var current = windows.Current is { Rows: > 0 } open ? open.Summary() : null;
            var task = windows.All.FirstOrDefault()?.Layout.Task ?? string.Empty;
            entries.Add(new VersionPerformance(version, task, shown?.Summary(), current));
        }

        return new PerformanceReport(model, entries);
    }

    /// <summary>Models that have served predictions.</summary>
    public IReadOnlyList<string> Models => [.. _models.Keys];

    /// <summary>Share of correct labelled classifier predictions made in [from, to); null when none is labelled.</summary>
    public double? Accuracy(string model, int version, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_models.TryGetValue(model, out var versions) || !versions.TryGetValue(version, out var windows))
        {
            return null;
        }

        int labelled = 0, correct = 0;
        foreach (var window in windows.All.Where(w => w.Layout.IsClassification && w.Rows > 0 && w.End >= from && w.Start < to))
        {
            var (l, c) = window.Hits(from, to);
            labelled += l;
            correct += c;
        }

        return labelled == 0 ? null : correct / (double)labelled;
    }

    /// <summary>Drops what has aged out: predictions past MaxAgeSeconds, held labels past PendingSeconds.</summary>
    public void Evict(DateTimeOffset now)
    {
        var oldest = now - TimeSpan.FromSeconds(options.MaxAgeSeconds);
        while (_predictions.TryPeekOldest(out var time) && time < oldest)
        {
            _predictions.RemoveOldest();
        }

        while (_pendingOrder.TryPeek(out var waiting) && waiting.Expires <= now)
        {
            _pendingOrder.Dequeue();
            if (_pending.TryGetValue(waiting.Item.Id!, out var current) && ReferenceEquals(current, waiting))
            {
                _pending.Remove(waiting.Item.Id!);
                _expired++;
            }
        }
    }

    private bool Hold(FeedbackItem item, DateTimeOffset now)
    {
        if (options.PendingSeconds <= 0 || options.MaxPendingLabels == 0)
        {
            return false;
        }

        var waiting = new PendingFeedback(item, now + TimeSpan.FromSeconds(options.PendingSeconds));
        _pending[item.Id!] = waiting;
        _pendingOrder.Enqueue(waiting);
        while (_pending.Count > options.MaxPendingLabels && _pendingOrder.TryDequeue(out var oldest))
        {
            if (_pending.TryGetValue(oldest.Item.Id!, out var current) && ReferenceEquals(current, oldest))
            {
                _pending.Remove(oldest.Item.Id!);
                _expired++;
            }
        }

        return true;
    }

    private bool Join(HeldPrediction held, IReadOnlyList<FeedbackLabel> labels, out string? error)
    {
        var served = held.Rows;
        if (labels.Count != served)
        {
            error = served == 1
                ? $"expected one label, got {labels.Count}"
                : $"the prediction has {served} rows: send a list of {served} labels, got {labels.Count}";
            return false;
        }

        // Past MaxRowsPerRequest only a sample of the rows was read (the same rows PredictionLayout.Read took): only
        // their labels are scored, and only they are checked.
        var sample = RowSample.Middle(served, options.MaxRowsPerRequest);
        var rows = sample.Count;
        var values = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            if (!held.Layout.TryResolve(labels[sample.Row(i)], out values[i], out error))
            {
                return false;
            }
        }

        // The rows run on from the first one, filling each window to WindowRows before the next; a window already
        // forgotten (a prediction longer than all held windows) just takes no labels.
        var next = 0;
        var first = held.Row;
        for (var sequence = held.Window; next < rows; sequence++, first = 0)
        {
            var take = Math.Min(rows - next, held.Windows.WindowRows - first);
            if (held.Windows.Find(sequence) is { } window)
            {
                for (var i = 0; i < take; i++)
                {
                    window.SetLabel(first + i, values[next + i]);
                }
            }

            next += take;
        }

        error = null;
        return true;
    }
}
