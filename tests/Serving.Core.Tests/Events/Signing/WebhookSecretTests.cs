using Serving.Core.Events.Signing;

namespace Serving.Core.Tests.Events.Signing;

public sealed class WebhookSecretTests
{
    [Fact]
    public void A_whsec_secret_decodes_to_its_key()
    {
        var secret = WebhookSecret.Parse("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");

        Assert.Equal(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), secret.Key);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("  ", "empty")]
    [InlineData("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "starts with 'whsec_'")]
    [InlineData("whsec_not*base64!", "not valid base64")]
    [InlineData("whsec_AQIDBAUGBwgJCgsMDQ4PEA==", "this one is 16")]
    public void A_bad_secret_is_refused_with_the_reason_and_without_echoing_it(string? text, string reason)
    {
        Assert.False(WebhookSecret.TryParse(text, out var secret, out var error));

        Assert.Null(secret);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(text))
            Assert.DoesNotContain(text.Replace("whsec_", "", StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => WebhookSecret.Parse(text));
    }

    [Fact]
    public void A_generated_secret_parses_back_to_the_same_key_and_two_differ()
    {
        var first = WebhookSecret.Generate();
        var second = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", first.Text, StringComparison.Ordinal);
        Assert.Equal(first.Key, WebhookSecret.Parse(first.Text).Key);
        Assert.Equal(WebhookSecret.GeneratedKeyBytes, first.Key.Length);
        Assert.NotEqual(first.Text, second.Text);
    }

    [Fact]
    public void A_secret_never_prints_itself()
    {
        var secret = WebhookSecret.Generate();

        Assert.DoesNotContain(secret.Text[6..], secret.ToString(), StringComparison.Ordinal);
    }
}
