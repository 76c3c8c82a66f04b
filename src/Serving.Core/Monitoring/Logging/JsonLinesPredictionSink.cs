using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Local rotating JSON Lines files, the embedded default: <c>&lt;dir&gt;/&lt;model&gt;/&lt;yyyy-MM-dd&gt;.jsonl</c>, then
/// <c>&lt;yyyy-MM-dd&gt;.1.jsonl</c>, <c>.2.jsonl</c>... when the next record would take a file past the size cap. Files are appended to and
/// flushed per batch, so a crash loses at most the batch in hand. At most <c>maxOpenFiles</c> files are open at
/// once: opening one more closes the one least recently written to, so no traffic can run the process out of file
/// descriptors.
/// </summary>
public sealed class JsonLinesPredictionSink : IPredictionSink
{
    /// <inheritdoc />
    public bool WritesInline => true;

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
    private readonly WriteStarts _starts = new();
    private readonly Func<string, FileStream> _openForAppend;

    public JsonLinesPredictionSink(string directory, long maxFileBytes, int maxOpenFiles = DefaultMaxOpenFiles)
        : this(directory, maxFileBytes, maxOpenFiles, null)
    {
    }

    /// <param name="openForAppend">Opens a part for appending (tests stand in a file that fails part-way).</param>
    internal JsonLinesPredictionSink(string directory, long maxFileBytes, int maxOpenFiles, Func<string, FileStream>? openForAppend)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOpenFiles);
        _root = Path.GetFullPath(directory);
        _maxFileBytes = maxFileBytes;
        _maxOpenFiles = maxOpenFiles;

        // Unbuffered: the sink hands over whole chunks itself.
        _openForAppend = openForAppend ?? (path => new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0));
    }

    /// <summary>The folder files are written under.</summary>
    public string Root => _root;

    /// <summary>Files open now (never more than the bound given at construction).</summary>
    public int OpenFiles => _files.Count;

    public async ValueTask WriteAsync(IReadOnlyList<LoggedPrediction> batch, CancellationToken cancellationToken)
    {
        _starts.Clear();
        try
        {
            await WriteRunsAsync(batch);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Whole records or none: the files this write touched go back to where they ended, and are opened anew
            // next time (a stream's idea of its end would be past the cut).
            foreach (var (model, file) in _files.Where(f => _starts.Touched(f.Value.Stream.Name)).ToList())
            {
                _files.Remove(model);
                file.Stream.Dispose();
            }

            _starts.CutBack();
            throw;
        }
    }

    private async ValueTask WriteRunsAsync(IReadOnlyList<LoggedPrediction> batch)
    {
        // Runs of consecutive records of one model and UTC day go to one file. A batch is nearly always one
        // run, so this is cheaper than grouping by a hashed key, and each file still gets its records in order.
        for (var first = 0; first < batch.Count;)
        {
            var model = batch[first].Model;
            var day = batch[first].Day;
            var dayName = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var json = batch[first].Json;
            var file = Open(model, dayName, json.Length + 1);
            var inFile = file.Stream.Length;
            _buffer.ResetWrittenCount();
            var next = first;
            while (true)
            {
                // The cap holds record by record, not batch by batch: a part is closed before the record that would
                // take it past the cap (a batch of large records once made a 64 MiB part 512 MB). Only a record larger
                // than the cap on its own makes a part larger, and then it is alone in it.
                var held = inFile + _buffer.WrittenCount;
                if (held > 0 && held + json.Length + 1 > _maxFileBytes)
                {
                    file.Stream.Write(_buffer.WrittenSpan);
                    _buffer.ResetWrittenCount();
                    await CloseAsync(model, file);
                    file = Open(model, dayName, json.Length + 1);
                    inFile = file.Stream.Length;
                }

                _buffer.Write(json.Span);
                _buffer.Write("\n"u8);

                // Hand the text over in chunks that stay in the core's cache, rather than building the whole
                // batch (hundreds of KB) and evicting what the requests being served are using.
                if (_buffer.WrittenCount >= ChunkBytes)
                {
                    file.Stream.Write(_buffer.WrittenSpan);
                    inFile += _buffer.WrittenCount;
                    _buffer.ResetWrittenCount();
                }

                if (++next == batch.Count || batch[next].Model != model || batch[next].Day != day)
                {
                    break;
                }

                json = batch[next].Json;
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

    /// <summary>The file of the model's day that <paramref name="bytes"/> more fit in under the cap (or an empty one).</summary>
    private OpenFile Open(string model, string day, long bytes)
    {
        if (_files.TryGetValue(model, out var open))
        {
            // A file deleted or moved away while open (a clean-up job, an operator freeing space) would take every
            // later record into a file nobody can read: one look by name per run of records (a stat every drain,
            // not every record) opens a new one in its place instead.
            if (open.Day == day && Fits(open.Stream.Length, bytes) && File.Exists(open.Stream.Name))
            {
                open.LastUse = ++_uses;
                _starts.Note(open.Stream);
                return open;
            }

            _files.Remove(model);
            open.Stream.Dispose();
        }

        var directory = Path.Combine(_root, SafeName(model));
        Directory.CreateDirectory(directory);
        // Only the day's last part is appended to, or a new one after it: an earlier part closed with room to spare
        // (the next record did not fit) must not take a later record, or the parts would no longer read in order.
        var part = 0;
        while (File.Exists(PartPath(directory, day, part + 1)))
        {
            part++;
        }

        var path = PartPath(directory, day, part);
        if (File.Exists(path) && !Fits(new FileInfo(path).Length, bytes))
        {
            path = PartPath(directory, day, part + 1);
        }

        if (_files.Count >= _maxOpenFiles)
        {
            CloseLeastRecentlyUsed();
        }

        var stream = _openForAppend(path);
        _starts.Note(stream);
        return _files[model] = new OpenFile(day, stream) { LastUse = ++_uses };
    }

    private static string PartPath(string directory, string day, int part) =>
        Path.Combine(directory, part == 0 ? $"{day}.jsonl" : $"{day}.{part}.jsonl");

    private bool Fits(long length, long bytes) => length == 0 || length + bytes <= _maxFileBytes;

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
    /// The folder name a model's files go under; every reader of the log folder (<c>serving logs tail</c>, the
    /// retrainer's logged examples, the feedback label log, drift events) uses it too. Model names come from folder
    /// names, but whatever the name, the result is one plain folder name inside the log folder: only letters,
    /// digits, <c>-</c>, <c>_</c> and <c>.</c>, no leading dots (so never <c>.</c> or <c>..</c>), never empty, and at
    /// most <see cref="MaxFolderNameBytes"/> bytes of UTF-8. A name that already is such a folder name is used as it
    /// is. Any other name (a character replaced by <c>_</c>, a leading dot dropped, empty, or too long and cut) ends
    /// with <c>~</c> and a hash of the whole name, so two different model names never share a folder:
    /// <c>sp ace</c> becomes <c>sp_ace~&lt;hash&gt;</c>, apart from the model <c>sp_ace</c>.
    /// </summary>
    public static string SafeName(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var safe = string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')).TrimStart('.');
        if (safe == model && safe.Length > 0 && Encoding.UTF8.GetByteCount(safe) <= MaxFolderNameBytes)
        {
            return safe;
        }

        // Changed, empty or too long: keep a beginning that fits and end with a hash of the whole name. '~' is never
        // in a name used as it is, so such a folder cannot be another model's unchanged name either.
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

        return $"{(keep.Length == 0 ? "_" : keep.ToString())}~{hash}";
    }

    private sealed class OpenFile(string day, FileStream stream)
    {
        public string Day { get; } = day;

        public FileStream Stream { get; } = stream;

        public long LastUse { get; set; }
    }
}
