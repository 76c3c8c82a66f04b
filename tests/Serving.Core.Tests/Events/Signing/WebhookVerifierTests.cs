using System.Text;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Events.Signing;

namespace Serving.Core.Tests.Events.Signing;

public sealed class WebhookVerifierTests
{
    private static readonly WebhookSecret Secret = WebhookSecret.Parse("whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"drift.detected","timestamp":"2026-01-01T00:00:00+00:00","data":{"model":"iris"}}""");
    private const string KnownSignature = "v1,gn3smJCC7fdhnRaldqUeg9OwpFGx6AJXce8RWtfzsjI=";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1767225600));

    private WebhookVerifier Verifier(TimeSpan? tolerance = null) => new(Secret, tolerance, _time);

    [Fact]
    public void The_independently_computed_signature_is_accepted()
    {
        var result = Verifier().Verify("evt_0001", "1767225600", KnownSignature, Body);

        Assert.True(result.IsValid);
        Assert.Null(result.Message);
    }

    [Fact]
    public void What_the_signer_signs_the_verifier_accepts()
    {
        var headers = WebhookSigner.Sign(Secret, "evt_x", _time.GetUtcNow(), Body);

        Assert.True(Verifier().Verify(headers, Body).IsValid);
    }

    [Fact]
    public void A_tampered_body_is_refused_as_a_signature_mismatch()
    {
        var tampered = Encoding.UTF8.GetBytes("""{"type":"drift.detected","timestamp":"2026-01-01T00:00:00+00:00","data":{"model":"iriz"}}""");

        var result = Verifier().Verify("evt_0001", "1767225600", KnownSignature, tampered);

        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, result.Failure);
        Assert.Contains("no v1 signature", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        var headers = WebhookSigner.Sign(WebhookSecret.Generate(), "evt_0001", _time.GetUtcNow(), Body);

        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, Verifier().Verify(headers, Body).Failure);
    }

    [Fact]
    public void One_matching_signature_among_several_is_enough_and_other_versions_and_garbage_are_skipped()
    {
        var header = "v1a,AAAA v1,not-base64! v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= nocomma " + KnownSignature;

        Assert.True(Verifier().Verify("evt_0001", "1767225600", header, Body).IsValid);
    }

    [Fact]
    public void A_verifier_with_two_secrets_accepts_either_while_rotating()
    {
        var next = WebhookSecret.Generate();
        var verifier = new WebhookVerifier([next, Secret], time: _time);

        Assert.True(verifier.Verify("evt_0001", "1767225600", KnownSignature, Body).IsValid);
        Assert.True(verifier.Verify(WebhookSigner.Sign(next, "evt_0001", _time.GetUtcNow(), Body), Body).IsValid);
    }

    [Theory]
    [InlineData(299, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    [InlineData(-300, true)]
    public void The_timestamp_must_be_within_five_minutes_of_now_either_way(int nowMinusSent, bool accepted)
    {
        _time.Advance(TimeSpan.FromSeconds(Math.Max(nowMinusSent, 0)));
        var sent = 1767225600 + Math.Min(nowMinusSent, 0) * -1;
        var headers = WebhookSigner.Sign(Secret, "evt_0001", DateTimeOffset.FromUnixTimeSeconds(sent), Body);

        var result = Verifier().Verify(headers, Body);

        Assert.Equal(accepted, result.IsValid);
        if (!accepted)
        {
            Assert.Equal(WebhookVerificationFailure.TimestampOutsideTolerance, result.Failure);
            Assert.Contains("301 s", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_old_but_validly_signed_delivery_is_refused_as_stale_not_as_forged()
    {
        _time.Advance(TimeSpan.FromHours(1));

        var result = Verifier().Verify("evt_0001", "1767225600", KnownSignature, Body);

        Assert.Equal(WebhookVerificationFailure.TimestampOutsideTolerance, result.Failure);
        Assert.Contains("3600 s old", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tolerance_is_configurable()
    {
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.False(Verifier(TimeSpan.FromSeconds(10)).Verify("evt_0001", "1767225600", KnownSignature, Body).IsValid);
        Assert.True(Verifier(TimeSpan.FromSeconds(30)).Verify("evt_0001", "1767225600", KnownSignature, Body).IsValid);
    }

    [Theory]
    [InlineData(null, "1767225600", KnownSignature, "webhook-id")]
    [InlineData("evt_0001", "", KnownSignature, "webhook-timestamp")]
    [InlineData("evt_0001", "1767225600", " ", "webhook-signature")]
    public void A_missing_header_is_named(string? id, string? timestamp, string? signature, string header)
    {
        var result = Verifier().Verify(id, timestamp, signature, Body);

        Assert.Equal(WebhookVerificationFailure.MissingHeader, result.Failure);
        Assert.Contains(header, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1767225600.5")]
    [InlineData("-1767225600")]
    [InlineData("2026-01-01T00:00:00Z")]
    [InlineData("99999999999999999999999")]
    public void A_timestamp_that_is_not_unix_seconds_is_refused(string timestamp)
    {
        Assert.Equal(WebhookVerificationFailure.MalformedTimestamp,
            Verifier().Verify("evt_0001", timestamp, KnownSignature, Body).Failure);
    }
}
