using Serving.Core.Storage;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Where each file one sink write touched ended before it, so that a write that fails part-way can be cut back: the
/// logger retries the records whole, so without the cut a torn line would swallow the next one and the records
/// before the tear would be written twice.
/// </summary>
internal sealed class WriteStarts
{
    private readonly List<(string Path, long Length)> _starts = [];

    public void Clear() => _starts.Clear();

    /// <summary>Notes where <paramref name="stream"/>'s file ends now, the first time this write touches it.</summary>
    public void Note(FileStream stream)
    {
        foreach (var (path, _) in _starts)
        {
            if (string.Equals(path, stream.Name, StringComparison.Ordinal))
            {
                return;
            }
        }

        _starts.Add((stream.Name, stream.Length));
    }

    public bool Touched(string path) => _starts.Exists(s => string.Equals(s.Path, path, StringComparison.Ordinal));

    /// <summary>Cuts every file noted back to where it ended (<see cref="TornAppends.CutBack"/>).</summary>
    public void CutBack()
    {
        foreach (var (path, length) in _starts)
        {
            TornAppends.CutBack(path, length);
        }
    }
}
