using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// Pages that a request's input values are copied into as the caller wrote them in JSON, so the prediction log can
/// copy that text instead of writing every number again (the numbers were most of what a log line cost: about half a
/// microsecond for a 30-value row). A copy of a couple of hundred bytes per request would have been as much garbage
/// again as the rest of the request, so the text goes into pages that come back for reuse: each request thread
/// fills its own page without a lock; a page comes back once every text in it has been let go and the thread has
/// moved on to a new page. Text that is never let go (its record was dropped, or never reached the log) only keeps
/// its page from coming back; the collector then takes it like any other array.
/// </summary>
public static class LentJsonText
{
    /// <summary>Bytes per page: room for about a hundred and fifty single rows of thirty values.</summary>
    public const int PageBytes = 32 * 1024;

    /// <summary>Longer text is not kept (the log writes the values itself): a page holds at least sixteen.</summary>
    public const int MaxTextBytes = PageBytes / 16;

    // Pages kept for reuse; beyond this a page that comes back is let go.
    private const int MaxFreePages = 64;

    private static readonly Stack<Page> Free = new();

    [ThreadStatic]
    private static Page? t_current;

    /// <summary>Pages made since start (reused ones are not counted again).</summary>
    public static int PagesMade { get; private set; }

    /// <summary>
    /// Copies <c>[</c> <paramref name="values"/> <c>]</c> into this thread's page; false, keeping nothing, when the text
    /// is too long. The caller passes text fit for a log line as it is (the OIP reader keeps only compact arrays).
    /// </summary>
    public static bool TryLend(ReadOnlySpan<byte> values, out ReadOnlyMemory<byte> text, out ILentBytes? lender)
    {
        var length = values.Length + 2;
        if (length > MaxTextBytes)
        {
            text = default;
            lender = null;
            return false;
        }

        var page = t_current;
        if (page is null || PageBytes - page.Used < length)
        {
            // The full page goes back for reuse once the last of its texts is let go.
            page?.Release();
            page = t_current = Take();
        }

        var at = page.Used;
        var into = page.Bytes.AsSpan(at, length);
        into[0] = (byte)'[';
        values.CopyTo(into[1..]);
        into[^1] = (byte)']';
        page.Used = at + length;
        page.Hold();
        text = page.Bytes.AsMemory(at, length);
        lender = page;
        return true;
    }

    private static Page Take()
    {
        lock (Free)
        {
            if (Free.TryPop(out var reused))
            {
                reused.Start();
                return reused;
            }

            PagesMade++;
        }

        var page = new Page();
        page.Start();
        return page;
    }

    private static void Return(Page page)
    {
        lock (Free)
        {
            if (Free.Count < MaxFreePages)
            {
                Free.Push(page);
            }
        }
    }

    /// <summary>One page, lent to the tensors whose text it holds.</summary>
    private sealed class Page() : HeldPage(PageBytes), ILentBytes
    {
        protected override void Return() => LentJsonText.Return(this);
    }
}
