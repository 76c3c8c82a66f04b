using System.Text;
using Serving.Core.Events.Signing;

namespace Serving.Core.Tests.Events.Signing;

public sealed class WebhookSignerTests
{
    // Expected signatures were computed outside .NET, with Python's standard library:
    //   key = bytes(range(1, 33)); secret = "whsec_" + base64.b64encode(key).decode()
    //   base64.b64encode(hmac.new(key, f"{id}.{ts}.{body}".encode(), hashlib.sha256).digest())
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private const string Body = """{"type":"drift.detected","timestamp":"2026-01-01T00:00:00+00:00","data":{"model":"iris"}}""";

    [Fact]
    public void The_signature_matches_one_computed_independently()
    {
        var headers = WebhookSigner.Sign(WebhookSecret.Parse(Secret), "evt_0001",
            DateTimeOffset.FromUnixTimeSeconds(1767225600), Encoding.UTF8.GetBytes(Body));

        Assert.Equal("evt_0001", headers.Id);
        Assert.Equal("1767225600", headers.Timestamp);
        Assert.Equal("v1,gn3smJCC7fdhnRaldqUeg9OwpFGx6AJXce8RWtfzsjI=", headers.Signature);
    }

    [Fact]
    public void The_signature_matches_the_standard_webhooks_specifications_example()
    {
        // The specification's published example, re-derived with the same Python lines above before trusting it.
        var signature = WebhookSigner.Signature(WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void The_example_in_docs_webhooks_md_is_what_the_signer_sends()
    {
        // docs/webhooks.md shows these headers; the same Python lines computed the signature.
        var signature = WebhookSigner.Signature(WebhookSecret.Parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "drift-breast-cancer-2026-06-01T08:00:00Z", "1780300800",
            Encoding.UTF8.GetBytes("""{"type":"drift.detected","timestamp":"2026-06-01T08:00:00.000Z","data":{"model":"breast-cancer","version":2}}"""));

        Assert.Equal("v1,d8d+Gz+YWoSE5lX7ENyegWFUtYE4duntgcmsHOwRrXs=", signature);
    }

    [Fact]
    public void Any_change_to_id_timestamp_or_body_changes_the_signature()
    {
        var secret = WebhookSecret.Parse(Secret);
        var body = Encoding.UTF8.GetBytes(Body);
        var baseline = WebhookSigner.Signature(secret, "evt_0001", "1767225600", body);

        Assert.NotEqual(baseline, WebhookSigner.Signature(secret, "evt_0002", "1767225600", body));
        Assert.NotEqual(baseline, WebhookSigner.Signature(secret, "evt_0001", "1767225601", body));
        Assert.NotEqual(baseline, WebhookSigner.Signature(secret, "evt_0001", "1767225600", [.. body, (byte)' ']));
        Assert.NotEqual(baseline, WebhookSigner.Signature(WebhookSecret.Generate(), "evt_0001", "1767225600", body));
    }
}
