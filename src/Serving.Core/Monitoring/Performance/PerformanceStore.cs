using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// The state behind live performance: predictions held for their labels (bounded by count and age), labels held for
/// predictions not yet seen (bounded by count, bytes and age), and each version's windows. Not thread-safe: the
/// monitor serialises access.
/// </summary>
internal sealed class PerformanceStore(PerformanceOptions options, IFeedbackLabelSink? labelSink = null)
{
    private const int MaxErrors = 5;

    private readonly HeldPredictions _predictions = new(options.MaxPredictions);
    // Held labels by id, and the same entries oldest first. A label sent again for an id replaces the one held
    // (its node leaves the list), so repeating an id costs one entry, however often it comes.
    private readonly Dictionary<string, LinkedListNode<PendingFeedback>> _pending = new(StringComparer.Ordinal);
    private readonly LinkedList<PendingFeedback> _pendingOrder = new();
    private readonly Dictionary<string, SortedDictionary<int, VersionWindows>> _models = new(StringComparer.Ordinal);
    private long _pendingBytes;
    private long _accepted, _unknown, _invalid, _joinedLate, _expired, _evicted;

    public int HeldPredictions => _predictions.Count;

    public int PendingLabels => _pending.Count;

    /// <summary>What the held labels cost now, by <see cref="PendingFeedback.SizeOf"/>.</summary>
    public long PendingBytes => _pendingBytes;

    public FeedbackCounts Counts => new(_accepted, _unknown, _invalid, _joinedLate, _expired, _evicted);

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
            versions[version] = windows = new VersionWindows(version, options.WindowRows, options.MaxWindows, model);
        }

        var (window, row) = windows.Add(layout, time, rows);
        var held = new HeldPrediction(windows, layout, window, row, served, time);
        _predictions.Add(HeldId.From(id), held);

        // Labels waiting for their prediction are rare; without any, skip hashing the id.
        if (_pending.Count > 0 && _pending.Remove(id, out var node))
        {
            var waiting = node.Value;
            _pendingOrder.Remove(node);
            _pendingBytes -= waiting.Bytes;
            if (Join(held, id, waiting.Item.Labels, time, out _))
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
        int accepted = 0, pending = 0, unknown = 0, invalid = 0, duplicates = 0;
        var errors = new List<string>();
        void Note(string message)
        {
            if (errors.Count < MaxErrors)
            {
                errors.Add(message);
            }
        }

        // An id sent more than once in one batch counts once, with its last labels: the earlier items are skipped.
        var last = LastIndexOfEachId(items);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!string.IsNullOrEmpty(item.Id) && last[item.Id] != i)
            {
                duplicates++;
                continue;
            }

            if (string.IsNullOrEmpty(item.Id))
            {
                unknown++;
                Note("an item has no \"id\"");
                continue;
            }

            if (item.Labels.Count == 0)
            {
                invalid++;
                Note($"id '{Echo(item.Id)}': no \"label\"");
                continue;
            }

            if (_predictions.TryGet(HeldId.From(item.Id), out var held))
            {
                if (held.Windows.Find(held.Window) is null)
                {
                    unknown++;
                    Note($"id '{Echo(item.Id)}': its window is no longer held");
                }
                else if (Join(held, item.Id, item.Labels, now, out var error))
                {
                    accepted++;
                }
                else
                {
                    invalid++;
                    Note($"id '{Echo(item.Id)}': {error}");
                }

                continue;
            }

            unknown++;
            if (Hold(item, now))
            {
                pending++;
                Note($"id '{Echo(item.Id)}': no prediction with this id yet; the label is held {options.PendingSeconds:0.#} s for it");
            }
            else if (options.PendingSeconds > 0 && options.MaxPendingLabels > 0)
            {
                Note($"id '{Echo(item.Id)}': no prediction with this id, and its labels are too large to hold for one (Serving:Monitoring:Performance:MaxPendingBytes)");
            }
            else
            {
                Note($"id '{Echo(item.Id)}': no prediction with this id");
            }
        }

        _accepted += accepted;
        _unknown += unknown;
        _invalid += invalid;
        return new FeedbackResult(accepted, pending, unknown, invalid, errors) { Duplicates = duplicates };
    }

    // Ids are the caller's text: an answer repeats them cut short.
    private static string Echo(string id) => CallerText.Cut(id);

    private static Dictionary<string, int> LastIndexOfEachId(IReadOnlyList<FeedbackItem> items)
    {
        var last = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (!string.IsNullOrEmpty(items[i].Id))
            {
                last[items[i].Id!] = i;
            }
        }

        return last;
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

    /// <summary>The windows of each version of <paramref name="model"/> that has served, ascending.</summary>
    public IEnumerable<VersionWindows> VersionsOf(string model) =>
        _models.TryGetValue(model, out var versions) ? versions.Values : [];

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

        // Every held label waits the same time, so the oldest held expires first.
        while (_pendingOrder.First is { } oldestHeld && oldestHeld.Value.Expires <= now)
        {
            RemovePending(oldestHeld);
            _expired++;
        }
    }

    // Holds a label for an id not seen yet, replacing one held under the same id; then forgets the oldest while the
    // hold is over its count or its bytes. False when labels are not held, or this one alone is over the bytes.
    private bool Hold(FeedbackItem item, DateTimeOffset now)
    {
        var bytes = PendingFeedback.SizeOf(item);
        if (options.PendingSeconds <= 0 || options.MaxPendingLabels == 0 || bytes > options.MaxPendingBytes)
        {
            return false;
        }

        if (_pending.TryGetValue(item.Id!, out var replaced))
        {
            RemovePending(replaced);
        }

        var node = _pendingOrder.AddLast(new PendingFeedback(item, now + TimeSpan.FromSeconds(options.PendingSeconds), bytes));
        _pending[item.Id!] = node;
        _pendingBytes += bytes;
        while ((_pending.Count > options.MaxPendingLabels || _pendingBytes > options.MaxPendingBytes) && _pendingOrder.First is { } oldest)
        {
            RemovePending(oldest);
            _expired++;
            _evicted++;
        }

        return true;
    }

    private void RemovePending(LinkedListNode<PendingFeedback> node)
    {
        _pending.Remove(node.Value.Item.Id!);
        _pendingOrder.Remove(node);
        _pendingBytes -= node.Value.Bytes;
    }

    private bool Join(HeldPrediction held, string id, IReadOnlyList<FeedbackLabel> labels, DateTimeOffset now, out string? error)
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

        if (labelSink is not null)
        {
            Log(held, id, labels, sample.Count == served ? values : null, now);
        }

        error = null;
        return true;
    }

    // The labels log wants every row's label; a sampled join resolved only some, so the rest are resolved here, and a
    // set that has a row no label fits is left out of the log (it was scored on its sampled rows all the same).
    private void Log(HeldPrediction held, string id, IReadOnlyList<FeedbackLabel> given, double[]? resolved, DateTimeOffset now)
    {
        if (resolved is null)
        {
            resolved = new double[given.Count];
            for (var i = 0; i < given.Count; i++)
            {
                if (!held.Layout.TryResolve(given[i], out resolved[i], out _))
                {
                    return;
                }
            }
        }

        labelSink!.OnLabelled(held.Windows.Model, held.Windows.Version, id, resolved, now);
    }
}
