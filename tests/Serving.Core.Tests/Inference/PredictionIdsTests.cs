using Serving.Core.Inference;

namespace Serving.Core.Tests.Inference;

/// <summary>One rule for prediction ids: 1 to 128 visible ASCII characters.</summary>
public sealed class PredictionIdsTests
{
    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("caller-chosen-7")]
    [InlineData("!")]
    [InlineData("~{}[]\"\\/")]
    public void Visible_ascii_ids_are_valid(string id) => Assert.True(PredictionIds.IsValid(id));

    [Fact]
    public void An_id_of_exactly_the_maximum_length_is_valid() => Assert.True(PredictionIds.IsValid(new string('a', PredictionIds.DefaultMaxLength)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("line\r\nbreak")]
    [InlineData("nul\u0000")]
    [InlineData("tab\t")]
    [InlineData("del\u007f")]
    [InlineData("caf\u00e9")]
    [InlineData("lone\ud800")]
    public void Empty_ids_and_ids_with_other_characters_are_not(string? id) => Assert.False(PredictionIds.IsValid(id));

    [Fact]
    public void An_id_one_over_the_maximum_is_not() => Assert.False(PredictionIds.IsValid(new string('a', PredictionIds.DefaultMaxLength + 1)));

    [Fact]
    public void A_configured_maximum_replaces_the_default()
    {
        Assert.True(PredictionIds.IsValid("abcdefgh", maxLength: 8));
        Assert.False(PredictionIds.IsValid("abcdefghi", maxLength: 8));
        Assert.Contains("1 to 8 visible ASCII characters", PredictionIds.Rule(8), StringComparison.Ordinal);
        Assert.Contains("Serving:Limits:MaxIdLength", PredictionIds.Rule(8), StringComparison.Ordinal);
    }
}
