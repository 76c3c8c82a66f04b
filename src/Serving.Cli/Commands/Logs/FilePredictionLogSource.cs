using System.Globalization;
using System.Text;
using Serving.Core.Monitoring.Logging;

namespace Serving.Cli.Commands.Logs;

/// <summary>
/// Reads the JSON Lines files of <see cref="JsonLinesPredictionSink"/>: <c>&lt;dir&gt;/&lt;model&gt;/&lt;day&gt;[.part].jsonl</c>,
/// ordered by day then part. Only complete lines are read; a line still being written is picked up next time.
/// </summary>
internal sealed class FilePredictionLogSource(string root, string model) : IPredictionLogSource
{
    // Bytes read at a time from a file's end by the tail.
    private const int TailBlockBytes = 64 * 1024;

    private readonly string _directory = Path.Combine(Path.GetFullPath(root), JsonLinesPredictionSink.SafeName(model));
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);

    public string Description => _directory;

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(_directory));

    public async Task<IReadOnlyList<string>> TailAsync(int count, CancellationToken cancellationToken)
    {
        // Newest file first, each read backwards from its end, and only as far as the lines still wanted: a model's
        // log holds every day's parts (64 MiB each), and the tail must not read them all.
        var files = Files();
        var lines = new List<string>();
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var (fileLines, end) = await ReadLastLinesAsync(files[i], count - lines.Count, cancellationToken).ConfigureAwait(false);
            _offsets[files[i]] = end;
            lines.InsertRange(0, fileLines);
        }

        return lines;
    }

    public async Task<IReadOnlyList<string>> ReadNewAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var file in Files())
        {
            var (fileLines, end) = await ReadCompleteLinesAsync(file, _offsets.GetValueOrDefault(file), cancellationToken).ConfigureAwait(false);
            _offsets[file] = end;
            lines.AddRange(fileLines);
        }

        return lines;
    }

    private List<string> Files()
    {
        if (!Directory.Exists(_directory))
        {
            return [];
        }

        return [.. Directory.GetFiles(_directory, "*.jsonl").Where(IsPredictionFile).Select(path => (path, key: OrderOf(path))).OrderBy(f => f.key.Day, StringComparer.Ordinal).ThenBy(f => f.key.Part).Select(f => f.path)];
    }

    // The labels log (labels-<day>.jsonl) shares the folder; its lines are not predictions.
    private static bool IsPredictionFile(string path) => !Path.GetFileName(path).StartsWith(FeedbackLabelLog.FilePrefix, StringComparison.Ordinal);

    // "2024-05-01.jsonl" is part 0 of its day, "2024-05-01.3.jsonl" part 3.
    private static (string Day, int Part) OrderOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 || !int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var part)
            ? (name, 0)
            : (name[..dot], part);
    }

    /// <summary>
    /// The last <paramref name="wanted"/> complete lines of a file (none when 0 or less), and where its complete lines
    /// end, read backwards in blocks so that only the bytes of those lines (and one block) are read.
    /// </summary>
    private static async Task<(List<string> Lines, long End)> ReadLastLinesAsync(string path, int wanted, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = stream.Length;
        var read = new List<byte[]>();
        var start = length;
        var end = -1L;
        var first = -1L;
        var newlines = 0;
        while (start > 0 && first < 0)
        {
            var block = new byte[(int)Math.Min(TailBlockBytes, start)];
            start -= block.Length;
            stream.Position = start;
            await stream.ReadExactlyAsync(block, cancellationToken).ConfigureAwait(false);
            read.Insert(0, block);
            for (var at = block.Length - 1; at >= 0; at--)
            {
                if (block[at] != (byte)'\n')
                {
                    continue;
                }

                if (end < 0)
                {
                    // The last newline: what follows it is a line still being written.
                    end = start + at + 1;
                    if (wanted <= 0)
                    {
                        return ([], end);
                    }
                }
                else if (++newlines == wanted)
                {
                    // The newline before the first line wanted.
                    first = start + at + 1;
                    break;
                }
            }
        }

        if (end < 0)
        {
            return ([], 0);
        }

        first = Math.Max(first, 0);
        var bytes = new byte[end - first];
        var filled = 0;
        var position = start;
        foreach (var block in read)
        {
            // Each block's share of [first, end): the blocks are in file order from start.
            var from = (int)Math.Max(first - position, 0);
            var to = (int)Math.Min(end - position, block.Length);
            if (to > from)
            {
                block.AsSpan(from, to - from).CopyTo(bytes.AsSpan(filled));
                filled += to - from;
            }

            position += block.Length;
        }

        return (Split(bytes, filled), end);
    }

    private static List<string> Split(byte[] bytes, int length) =>
        [.. Encoding.UTF8.GetString(bytes, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static async Task<(List<string> Lines, long End)> ReadCompleteLinesAsync(string path, long offset, CancellationToken cancellationToken)
    {
        // The gateway may be appending: share the file, and stop at the last newline.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= offset)
        {
            return ([], offset);
        }

        stream.Position = offset;
        var bytes = new byte[stream.Length - offset];
        await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        return (Split(bytes, complete), offset + complete);
    }
}
