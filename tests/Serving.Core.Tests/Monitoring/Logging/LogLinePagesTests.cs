using System.Text;
using Serving.Core.Monitoring.Logging;

namespace Serving.Core.Tests.Monitoring.Logging;

public sealed class LogLinePagesTests
{
    // 100 bytes a line: a page holds 655 of them.
    private static byte[] Line(int i) => Encoding.ASCII.GetBytes($"{{\"id\":\"{i:D8}\"}}".PadRight(100, ' '));

    private static int LinesPerPage => LogLinePages.PageBytes / 100;

    [Fact]
    public void Lines_are_copied_one_after_another_into_one_page()
    {
        var pages = new LogLinePages();

        var first = pages.Copy(Line(1), out var firstPage);
        var second = pages.Copy(Line(2), out var secondPage);

        Assert.NotNull(firstPage);
        Assert.Same(firstPage, secondPage);
        Assert.Equal(Line(1), first.ToArray());
        Assert.Equal(Line(2), second.ToArray());
        Assert.Equal(1, pages.PagesMade);
    }

    [Fact]
    public void A_long_line_gets_an_array_of_its_own()
    {
        var pages = new LogLinePages();
        var line = new byte[LogLinePages.PageBytes / 4];
        line.AsSpan().Fill((byte)'x');

        var copied = pages.Copy(line, out var page);

        Assert.Null(page);
        Assert.Equal(line, copied.ToArray());
        Assert.Equal(0, pages.PagesMade);
    }

    [Fact]
    public void A_full_page_is_reused_once_every_line_in_it_is_released()
    {
        var pages = new LogLinePages();
        var held = new List<LogLinePage?>();
        for (var i = 0; i < LinesPerPage; i++)
        {
            pages.Copy(Line(i), out var page);
            held.Add(page);
        }

        // The next line does not fit: a second page, and the first is sealed.
        pages.Copy(Line(-1), out var second);
        Assert.Equal(2, pages.PagesMade);
        held.ForEach(p => p!.Release());

        // Filling the second page takes the first one back rather than making a third.
        for (var i = 1; i < LinesPerPage; i++)
        {
            pages.Copy(Line(i), out _);
        }

        var after = pages.Copy(Line(42), out var third);
        Assert.Equal(2, pages.PagesMade);
        Assert.Same(held[0], third);
        Assert.NotSame(second, third);
        Assert.Equal(Line(42), after.ToArray());
    }

    [Fact]
    public void A_page_with_one_line_still_held_is_not_reused_and_that_line_stays_as_it_was()
    {
        var pages = new LogLinePages();
        var firstPage = new List<(ReadOnlyMemory<byte> Bytes, LogLinePage? Page)>();
        for (var i = 0; i < LinesPerPage; i++)
        {
            var bytes = pages.Copy(Line(i), out var page);
            firstPage.Add((bytes, page));
        }

        // Every line of the first page but its first is released; the second page's lines are all held.
        firstPage.Skip(1).ToList().ForEach(l => l.Page!.Release());
        for (var i = 0; i < LinesPerPage; i++)
        {
            pages.Copy(Line(1_000 + i), out _);
        }

        pages.Copy(Line(2_000), out var third);
        Assert.Equal(3, pages.PagesMade);
        Assert.Equal(Line(0), firstPage[0].Bytes.ToArray());

        // Its last line released, the first page is the one the next full page hands over to.
        firstPage[0].Page!.Release();
        for (var i = 1; i < LinesPerPage; i++)
        {
            pages.Copy(Line(3_000 + i), out _);
        }

        pages.Copy(Line(4_000), out var fourth);
        Assert.Equal(3, pages.PagesMade);
        Assert.Same(firstPage[0].Page, fourth);
        Assert.NotSame(third, fourth);
    }
}
