using System.Globalization;
using System.Text;

namespace Serving.Cli.Scoring;

/// <summary>
/// The side file of rows <c>--skip-invalid</c> skipped, <c>&lt;output&gt;.rejected.csv</c>: a header <c>line,reason</c>,
/// then one row per skipped input row, streamed so that a file of bad rows costs no memory.
/// </summary>
internal sealed class RejectedRowsWriter : IAsyncDisposable
{
    public const string Suffix = ".rejected.csv";

    private readonly StreamWriter _writer;

    /// <param name="mode">A new file (<see cref="FileMode.CreateNew"/>), or <see cref="FileMode.Open"/> for a device or pipe that is there.</param>
    public RejectedRowsWriter(string path, FileMode mode = FileMode.CreateNew)
    {
        _writer = new StreamWriter(TemporaryOutput.Open(path, mode, FileAccess.Write, bufferSize: 4096), new UTF8Encoding(false));
        _writer.Write("line,reason\n");
    }

    public long Count { get; private set; }

    public void Add(RowRejection rejection)
    {
        _writer.Write(rejection.Line.ToString(CultureInfo.InvariantCulture));
        _writer.Write(",\"");
        _writer.Write(rejection.Reason.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write("\"\n");
        Count++;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken) => await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
