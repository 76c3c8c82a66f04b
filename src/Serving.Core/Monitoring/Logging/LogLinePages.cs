using Serving.Core.Inference;

namespace Serving.Core.Monitoring.Logging;

/// <summary>
/// Reused pages that prediction log lines are copied into on their way to the sink, so that a logged request does
/// not leave a 600-byte array of its own behind: those arrays were most of what monitoring allocated, and since
/// they wait in the queue for the next drain, many of them outlived a young collection and had to be copied.
/// Lines go one after another into the current page; a page comes back for reuse once every line in it has been
/// released (written, or dropped for good) and a newer page has taken its place. A line that is never released
/// only keeps its page from coming back, which the garbage collector then takes like any other array.
/// </summary>
internal sealed class LogLinePages
{
    /// <summary>Bytes per page: under the large object heap's threshold, and room for about a hundred lines.</summary>
    public const int PageBytes = 64 * 1024;

    // A line longer than this gets an array of its own: a few large records would otherwise leave most of a page
    // unused, and pages hold one model's single rows far more often.
    private const int MaxPagedLineBytes = PageBytes / 8;

    // Free pages kept for reuse; beyond this a returned page is let go. Enough for the lines of one drain at a few
    // tens of thousands of requests a second.
    private const int MaxFreePages = 32;

    private readonly Lock _writing = new();
    private readonly Stack<LogLinePage> _free = new();
    private LogLinePage? _current;

    /// <summary>Pages made since start (reused ones are not counted again).</summary>
    public int PagesMade { get; private set; }

    /// <summary>
    /// The line copied into a page, with the page to release it to once the line has been written or dropped; a
    /// long line comes back in an array of its own, with no page.
    /// </summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> line, out LogLinePage? page)
    {
        if (line.Length > MaxPagedLineBytes)
        {
            page = null;
            return line.ToArray();
        }

        lock (_writing)
        {
            if (_current is null || PageBytes - _current.Used < line.Length)
            {
                // The page in use is full: it goes back for reuse once the last of its lines is released.
                _current?.Release();
                _current = Take();
            }

            page = _current;
            var at = page.Used;
            line.CopyTo(page.Bytes.AsSpan(at));
            page.Used = at + line.Length;
            page.Hold();
            return page.Bytes.AsMemory(at, line.Length);
        }
    }

    private LogLinePage Take()
    {
        lock (_free)
        {
            if (_free.TryPop(out var reused))
            {
                reused.Start();
                return reused;
            }
        }

        PagesMade++;
        var page = new LogLinePage(this);
        page.Start();
        return page;
    }

    internal void Return(LogLinePage page)
    {
        lock (_free)
        {
            if (_free.Count < MaxFreePages)
            {
                _free.Push(page);
            }
        }
    }
}

/// <summary>One page of <see cref="LogLinePages"/>.</summary>
internal sealed class LogLinePage(LogLinePages owner) : HeldPage(LogLinePages.PageBytes)
{
    protected override void Return() => owner.Return(this);
}
