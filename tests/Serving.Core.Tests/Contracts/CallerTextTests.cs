using Serving.Core.Contracts;

namespace Serving.Core.Tests.Contracts;

public sealed class CallerTextTests
{
    [Fact]
    public void Short_plain_text_is_echoed_as_it_is() =>
        Assert.Equal("mean radius", CallerText.Cut("mean radius"));

    [Fact]
    public void Long_text_is_cut_with_a_marker_that_says_how_much_was_left_out()
    {
        var cut = CallerText.Cut(new string('x', 1_000_000));

        Assert.Equal(new string('x', CallerText.MaxEcho) + "...(999936 more characters)", cut);
    }

    [Fact]
    public void Control_characters_and_lone_surrogates_are_escaped_and_pairs_kept() =>
        Assert.Equal("a\\u000d\\u000ab\\u0000\\ud800😀", CallerText.Cut("a\r\nb\0\ud800😀"));

    [Fact]
    public void A_surrogate_pair_cut_in_half_by_the_bound_is_escaped_not_split_into_invalid_text() =>
        Assert.Equal("ab\\ud83d...(2 more characters)", CallerText.Cut("ab😀c", max: 3));
}
