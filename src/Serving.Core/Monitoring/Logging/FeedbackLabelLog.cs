using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serving.Core.Contracts;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Storage;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// The durable labels log: every label the performance monitor accepts is appended as one JSON line,
/// <c>{"id", "model", "version", "labels": [..], "time"}</c>, to <c>&lt;dir&gt;/&lt;model&gt;/labels-&lt;yyyy-MM-dd&gt;.jsonl</c>,
/// next to the model's prediction log, so the retrainer can join labels to logged predictions by id. Like the
/// prediction log it never slows or fails the feedback request: the monitor's lock only makes a non-blocking write to
/// a bounded queue (a full queue drops the label and counts it), and a background writer appends in batches. A batch
/// that cannot be written just now (a full disk) is kept and retried with back-off, as the prediction log's is, while
/// new labels wait in the queue; one that can never be written (a name the file system refuses) is dropped and counted.
/// Labels are the ground truth retraining learns from: a short outage should cost none of them.
/// </summary>
public sealed class FeedbackLabelLog : BackgroundService, IFeedbackLabelSink
{
    /// <summary>File names start with this, so readers of the prediction log can tell the two apart.</summary>
    public const string FilePrefix = "labels-";

    private const int BatchSize = 512;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ILogger<FeedbackLabelLog> _logger;
    private readonly Channel<Entry> _queue;
    private long _queued;
    private long _written;
    private long _dropped;
    private int _failureLogged;

    private readonly Func<string, FileStream> _openForAppend;

    /// <param name="directory">The prediction log's folder; null turns the log off (labels are then only counted as offered).</param>
    public FeedbackLabelLog(string? directory, int capacity, TimeProvider time, ILogger<FeedbackLabelLog> logger)
        : this(directory, capacity, time, logger, static path => new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0))
    {
    }

    /// <param name="openForAppend">Opens a day's file for appending (tests stand in a file that fails part-way).</param>
    internal FeedbackLabelLog(string? directory, int capacity, TimeProvider time, ILogger<FeedbackLabelLog> logger, Func<string, FileStream> openForAppend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _openForAppend = openForAppend;
        Enabled = directory is not null;
        _root = directory is null ? string.Empty : Path.GetFullPath(directory);
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Entry>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>False when the prediction log is off or goes to Redis: the labels log then writes nothing.</summary>
    public bool Enabled { get; }

    /// <summary>The folder holding one folder per model (the prediction log's).</summary>
    public string Root => _root;

    /// <summary>Label sets written to files.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Label sets dropped: the queue was full, or their file could not be written.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Label sets offered, dropped or not.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The file a model's labels of one UTC day go to.</summary>
    public static string FileOf(string root, string model, DateOnly day) =>
        Path.Combine(root, JsonLinesPredictionSink.SafeName(model), $"{FilePrefix}{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.jsonl");

    /// <inheritdoc />
    public void OnLabelled(string model, int version, string id, IReadOnlyList<double> labels, DateTimeOffset time)
    {
        if (!Enabled)
        {
            return;
        }

        Interlocked.Increment(ref _queued);
        _queue.Writer.TryWrite(new Entry(model, version, id, labels, time));
    }

    /// <summary>Waits until everything offered so far is written or dropped (for tests; shutdown drains the queue in <see cref="ExecuteAsync"/>).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Written + Dropped < Queued && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Entry>(BatchSize);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < BatchSize && reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }

                await WriteAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued is written once below.
        }

        while (reader.TryRead(out var left))
        {
            batch.Add(left);
        }

        await WriteAsync(batch, CancellationToken.None);
    }

    private async Task WriteAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        foreach (var group in batch.GroupBy(e => (e.Model, Day: DateOnly.FromDateTime(e.Time.UtcDateTime))))
        {
            var entries = group.ToList();
            var text = Lines(entries);
            var delay = FirstRetry;
            var waited = false;
            while (true)
            {
                string? path = null;
                var start = -1L;
                try
                {
                    path = FileOf(_root, group.Key.Model, group.Key.Day);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using (var stream = _openForAppend(path))
                    {
                        start = stream.Length;
                        await stream.WriteAsync(text, CancellationToken.None);
                    }

                    Interlocked.Add(ref _written, entries.Count);
                    if (waited)
                    {
                        PredictionLogLog.LabelsWritable(_logger);
                    }

                    break;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
                {
                    // A full disk may have taken part of the lines: cut them off, or the retry would write the labels
                    // before the tear twice and run on from half a line.
                    if (start >= 0)
                    {
                        TornAppends.CutBack(path!, start);
                    }

                    // Kept while the failure may pass; dropped (and counted) when it never will, or when stopping.
                    if (PredictionWriteFailure.PermanentReason(ex) is null && !cancellationToken.IsCancellationRequested)
                    {
                        if (!waited)
                        {
                            PredictionLogLog.LabelsWaiting(_logger, entries.Count, CallerTextOf(group.Key.Model), ex);
                            waited = true;
                        }

                        try
                        {
                            await Task.Delay(delay, _time, cancellationToken);
                        }
                        catch (OperationCanceledException)
                        {
                            // Stopping: one more try now, and what still fails is dropped and counted.
                            continue;
                        }

                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
                        continue;
                    }

                    Interlocked.Add(ref _dropped, entries.Count);
                    if (Interlocked.Exchange(ref _failureLogged, 1) == 0)
                    {
                        PredictionLogLog.LabelsUnwritable(_logger, entries.Count, CallerTextOf(group.Key.Model), ex);
                    }

                    break;
                }
            }
        }
    }

    private static string CallerTextOf(string model) => Contracts.CallerText.Cut(model);

    private static byte[] Lines(List<Entry> entries)
    {
        using var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("id", entry.Id);
                writer.WriteString("model", entry.Model);
                writer.WriteNumber("version", entry.Version);
                writer.WriteStartArray("labels");
                foreach (var label in entry.Labels)
                {
                    writer.WriteNumberValue(label);
                }

                writer.WriteEndArray();
                writer.WriteString("time", entry.Time.UtcDateTime);
                writer.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    private readonly record struct Entry(string Model, int Version, string Id, IReadOnlyList<double> Labels, DateTimeOffset Time);
}
