using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Local rotating JSON Lines files, the embedded default: <c>&lt;dir&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;.jsonl</c>, then
/// <c>&lt;yyyy-MM-dd&gt;.1.jsonl</c>, <c>.2.jsonl</c>... once a file passes the size cap. Files are appended to and
/// flushed per batch, so a crash loses at most the batch in hand. At most <c>maxOpenFiles</c> files are open at
/// once: opening one more closes the one least recently written to, so no traffic can run the process out of file
/// descriptors.
/// </summary>
public sealed class JsonLinesPredictionSink : IPredictionSink
{
    /// <summary>Open files kept when the caller does not say (<see cref="PredictionLogOptions.MaxOpenFiles"/>).</summary>
    public const int DefaultMaxOpenFiles = 64;

    /// <summary>
    /// The longest folder name, in UTF-8 bytes, <see cref="SafeName"/> gives: file systems allow 255, and a name cut
    /// to fit keeps a hash of the whole so that two long names sharing a beginning stay apart.
    /// </summary>
    public const int MaxFolderNameBytes = 128;

    private readonly string _root;
    private readonly long _maxFileBytes;
    private readonly int _maxOpenFiles;
    private readonly Dictionary<string, OpenFile> _files = new(StringComparer.Ordinal);
    private long _uses;
    private const int ChunkBytes = 32 * 1024;

    private readonly ArrayBufferWriter<byte> _buffer = new(2 * ChunkBytes);

    public JsonLinesPredictionSink(string directory, long maxFileBytes, int maxOpenFiles = DefaultMaxOpenFiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOpenFiles);
        _root = Path.GetFullPath(directory);
        _maxFileBytes = maxFileBytes;
        _maxOpenFiles = maxOpenFiles;
    }

    /// <summary>The folder files are written under.</summary>
    public string Root => _root;

    /// <summary>Files open now (never more than the bound given at construction).</summary>
    public int OpenFiles => _files.Count;

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
                _buffer.Write(batch[next].Json.Span);
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
                await CloseAsync(model, file);
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
        if (_files.TryGetValue(model, out var open))
        {
            if (open.Day == day)
            {
                open.LastUse = ++_uses;
                return open;
            }

            _files.Remove(model);
            open.Stream.Dispose();
        }

        var directory = Path.Combine(_root, SafeName(model));
        Directory.CreateDirectory(directory);
        for (var part = 0; ; part++)
        {
            var path = Path.Combine(directory, part == 0 ? $"{day}.jsonl" : $"{day}.{part}.jsonl");
            if (!File.Exists(path) || new FileInfo(path).Length < _maxFileBytes)
            {
                if (_files.Count >= _maxOpenFiles)
                {
                    CloseLeastRecentlyUsed();
                }

                // Unbuffered: the sink hands over whole chunks itself.
                var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
                return _files[model] = new OpenFile(day, stream) { LastUse = ++_uses };
            }
        }
    }

    /// <summary>
    /// Closes the file written to longest ago. A scan rather than a linked list: it runs only when a file is opened
    /// past the bound, over at most the bound's entries, and a model written to again simply opens its file anew.
    /// </summary>
    private void CloseLeastRecentlyUsed()
    {
        string? oldest = null;
        var oldestUse = long.MaxValue;
        foreach (var (model, file) in _files)
        {
            if (file.LastUse < oldestUse)
            {
                (oldest, oldestUse) = (model, file.LastUse);
            }
        }

        if (oldest is not null && _files.Remove(oldest, out var closed))
        {
            closed.Stream.Dispose();
        }
    }

    private async ValueTask CloseAsync(string model, OpenFile file)
    {
        _files.Remove(model);
        await file.Stream.DisposeAsync();
    }

    /// <summary>
    /// The folder name a model's files go under (readers such as <c>serving logs tail</c> use it too). Model names
    /// come from folder names, but whatever the name, the result is one plain folder name inside the log folder:
    /// only letters, digits, <c>-</c>, <c>_</c> and <c>.</c> (anything else, separators and NUL included, becomes
    /// <c>_</c>), no leading dots (so never <c>.</c> or <c>..</c>), never empty, and at most
    /// <see cref="MaxFolderNameBytes"/> bytes of UTF-8.
    /// </summary>
    public static string SafeName(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var safe = string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');
        if (safe.Length == 0)
        {
            return "_";
        }

        if (Encoding.UTF8.GetByteCount(safe) <= MaxFolderNameBytes)
        {
            return safe;
        }

        // Too long for a folder: keep a beginning that fits and end with a hash of the whole name.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model)).AsSpan(0, 8));
        var keep = new StringBuilder();
        var budget = MaxFolderNameBytes - hash.Length - 1;
        foreach (var rune in safe.EnumerateRunes())
        {
            budget -= rune.Utf8SequenceLength;
            if (budget < 0)
            {
                break;
            }

            keep.Append(rune.ToString());
        }

        return $"{keep}~{hash}";
    }

    private sealed class OpenFile(string day, FileStream stream)
    {
        public string Day { get; } = day;

        public FileStream Stream { get; } = stream;

        public long LastUse { get; set; }
    }
}
