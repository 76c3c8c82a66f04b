using System.Text;
using System.Text.Json;
using Serving.Core.Storage;

namespace Serving.Core.Events.Outbox;

/// <summary>
/// The outbox's append-only file. Every append is flushed to the disk (fsync) before it returns, so what was
/// appended survives a crash or <c>kill -9</c>. Replay skips a line it cannot read (the torn tail of a crash mid-write).
/// Compaction replaces the file atomically with a shorter one that says the same.
/// </summary>
internal sealed class OutboxJournal : IDisposable
{
    // Relaxed escaping keeps bodies readable in the file (it is never HTML); the JSON is the same.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private FileStream? _stream;

    private readonly Func<string, FileStream> _openForAppend;

    // The folder is made on the first write, not here: an unwritable data directory must not stop the gateway.
    public OutboxJournal(string path)
        : this(path, static p => new FileStream(p, FileMode.Append, FileAccess.Write, FileShare.Read))
    {
    }

    /// <param name="path">The journal's file.</param>
    /// <param name="openForAppend">Opens it for appending (tests stand in a file that fails part-way).</param>
    internal OutboxJournal(string path, Func<string, FileStream> openForAppend)
    {
        Path = path;
        _openForAppend = openForAppend;
    }

    public string Path { get; }

    /// <summary>Lines appended since the file was last written whole.</summary>
    public int AppendedSinceCompaction { get; private set; }

    /// <summary>Every readable record in order; <paramref name="unreadable"/> counts lines that were not.</summary>
    public List<OutboxRecord> Read(out int unreadable)
    {
        unreadable = 0;
        var records = new List<OutboxRecord>();
        if (!File.Exists(Path))
            return records;
        foreach (var line in File.ReadLines(Path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                if (JsonSerializer.Deserialize<OutboxRecord>(line, Json) is { } record)
                    records.Add(record);
            }
            catch (JsonException)
            {
                unreadable++;
            }
        }

        return records;
    }

    /// <summary>
    /// Whether the file this journal appends to was deleted or moved away since it was opened: appends would go to a
    /// file no restart reads. One look by name, next to an append's fsync.
    /// </summary>
    public bool Lost => _stream is not null && !File.Exists(Path);

    /// <summary>Appends the records and flushes them to the disk.</summary>
    public void Append(IEnumerable<OutboxRecord> records)
    {
        var bytes = Encode(records, out var count);
        if (_stream is null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            _stream = _openForAppend(Path);
        }

        var stream = _stream;
        var start = stream.Length;
        try
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A full disk may have taken part of the line: cut it off, or the next append would run on from it and
            // a restart would drop both as one unreadable line.
            stream.Dispose();
            _stream = null;
            TornAppends.CutBack(Path, start);
            throw;
        }

        AppendedSinceCompaction += count;
    }

    /// <summary>Replaces the whole file with <paramref name="records"/> (temporary file, fsync, rename).</summary>
    public void Rewrite(IEnumerable<OutboxRecord> records)
    {
        var bytes = Encode(records, out _);
        _stream?.Dispose();
        _stream = null;
        AtomicFiles.Write(Path, bytes, ownerOnly: false);
        AppendedSinceCompaction = 0;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    private static byte[] Encode(IEnumerable<OutboxRecord> records, out int count)
    {
        count = 0;
        var builder = new StringBuilder();
        foreach (var record in records)
        {
            builder.Append(JsonSerializer.Serialize(record, Json)).Append('\n');
            count++;
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
