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
    private readonly string _directory = Path.Combine(Path.GetFullPath(root), JsonLinesPredictionSink.SafeName(model));
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);

    public string Description => _directory;

    public Task<bool> ExistsAsync(CancellationToken cancellationToken) => Task.FromResult(Directory.Exists(_directory));

    public async Task<IReadOnlyList<string>> TailAsync(int count, CancellationToken cancellationToken)
    {
        var files = Files();
        var lines = new List<string>();
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var (fileLines, end) = await ReadCompleteLinesAsync(files[i], 0, cancellationToken).ConfigureAwait(false);
            _offsets[files[i]] = end;
            if (lines.Count < count)
            {
                lines.InsertRange(0, fileLines.Skip(Math.Max(0, fileLines.Count - (count - lines.Count))));
            }
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
        var lines = Encoding.UTF8.GetString(bytes, 0, complete)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        return (lines, offset + complete);
    }
}
