using System.Buffers;
using System.Globalization;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Local rotating JSON Lines files, the embedded default: <c>&lt;dir&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;.jsonl</c>, then
/// <c>&lt;yyyy-MM-dd&gt;.1.jsonl</c>, <c>.2.jsonl</c>... once a file passes the size cap. Files are appended to and
/// flushed per batch, so a crash loses at most the batch in hand.
/// </summary>
public sealed class JsonLinesPredictionSink : IPredictionSink
{
    private readonly string _root;
    private readonly long _maxFileBytes;
    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);
    private const int ChunkBytes = 32 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(2 * ChunkBytes);

    public JsonLinesPredictionSink(string directory, long maxFileBytes)
    {
        _root = Path.GetFullPath(directory);
        _maxFileBytes = maxFileBytes;
    }

    /// <summary>The folder files are written under.</summary>
    public string Root => _root;

    public async ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken)
    {
        // Runs of consecutive records of one model and UTC day go to one file. A batch is nearly always one
        // run, so this is cheaper than grouping by a hashed key, and each file still gets its records in order.
        for (var first = 0; first < batch.Count;)
        {
            var model = batch[first].Model;
            var day = batch[first].Day;
            var file = Open(model, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            _buffer.ResetWrittenCount();
            var next = first;
            for (; next < batch.Count && batch[next].Model == model && batch[next].Day == day; next++)
            {
                _buffer.Write(batch[next].Json);
                _buffer.Write("\n"u8);

                // Hand the text over in chunks that stay in the core's cache, rather than building the whole
                // batch (hundreds of KB) and evicting what the requests being served are using.
                if (_buffer.WrittenCount >= ChunkBytes)
                {
                    file.Stream.Write(_buffer.WrittenSpan);
                    _buffer.ResetWrittenCount();
                }
            }

            // Plain writes: this already runs off the request path, and an asynchronous write to a regular file
            // on Linux is only the same write handed to another pool thread.
            file.Stream.Write(_buffer.WrittenSpan);
            if (file.Stream.Length >= _maxFileBytes)
            {
                await file.Stream.DisposeAsync();
                _files.Remove(model);
            }

            first = next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _files.Values)
        {
            await file.Stream.DisposeAsync();
        }

        _files.Clear();
    }

    private OpenFile Open(string model, string day)
    {
        if (_files.TryGetValue(model, out var open) && open.Day == day)
        {
            return open;
        }

        open?.Stream.Dispose();
        var directory = Path.Combine(_root, SafeName(model));
        Directory.CreateDirectory(directory);
        for (var part = 0; ; part++)
        {
            var path = Path.Combine(directory, part == 0 ? $"{day}.jsonl" : $"{day}.{part}.jsonl");
            if (!File.Exists(path) || new FileInfo(path).Length < _maxFileBytes)
            {
                // Unbuffered: the sink hands over whole chunks itself.
                var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
                return _files[model] = new OpenFile(day, stream);
            }
        }
    }

    /// <summary>The folder name a model's files go under (readers such as <c>serving logs tail</c> use it too).</summary>
    // Model names come from folder names, but never let one climb out of the log folder.
    public static string SafeName(string model) =>
        string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');

    private sealed record OpenFile(string Day, FileStream Stream);
}
