using Serving.Core.Events.Webhooks;

namespace Serving.Core.Tests.Events.Webhooks;

public sealed class WebhookOptionsTests
{
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    private static WebhookOptions With(string? url = "https://hooks.example/retrain", string? secret = Secret, params string[] events)
    {
        var options = new WebhookOptions();
        options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = url, Secret = secret, Events = [.. events] });
        return options;
    }

    [Fact]
    public void Valid_settings_have_no_problem()
    {
        Assert.Empty(With(events: ["drift.detected", "rollout.promoted"]).Validate());
        Assert.Empty(new WebhookOptions().Validate());
    }

    [Fact]
    public void An_unknown_event_type_is_named_by_its_key()
    {
        var problem = Assert.Single(With(events: ["drift.detected", "drift.detect"]).Validate());

        Assert.StartsWith("Serving:Webhooks:Subscriptions:0:Events:1 'drift.detect' is not an event type; known: drift.detected,", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_or_empty_event_type_is_refused_by_its_key()
    {
        var problems = With(events: [null!, "", "drift.detected"]).Validate().ToList();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("Serving:Webhooks:Subscriptions:0:Events:0 is empty; each entry is an event type", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("Serving:Webhooks:Subscriptions:0:Events:1 is empty", problems[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Serving:Webhooks:Subscriptions:0:Url is required")]
    [InlineData("ftp://hooks.example", "Serving:Webhooks:Subscriptions:0:Url must be an absolute http:// or https:// URL")]
    [InlineData("https://user:pw@hooks.example", "Serving:Webhooks:Subscriptions:0:Url must not carry credentials")]
    public void A_bad_url_is_named_by_its_key(string? url, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(With(url).Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Serving:Webhooks:Subscriptions:0:Secret is required")]
    [InlineData("s3cret", "Serving:Webhooks:Subscriptions:0:Secret is not valid: a webhook secret starts with 'whsec_'")]
    public void A_missing_or_bad_secret_is_named_by_its_key(string? secret, string expected)
    {
        Assert.StartsWith(expected, Assert.Single(With(secret: secret).Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_retry_horizon_beyond_what_a_timer_can_wait_is_refused()
    {
        var problem = Assert.Single(new WebhookOptions { RetryHorizon = TimeSpan.FromDays(60) }.Validate());

        Assert.StartsWith("Serving:Webhooks:RetryHorizon must be more than 0 and at most 30.00:00:00", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receiver_listed_twice_is_refused()
    {
        var options = With();
        options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "https://hooks.example/retrain", Secret = Secret });

        Assert.StartsWith("Serving:Webhooks:Subscriptions:1:Url 'https://hooks.example/retrain' is listed twice", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_settings_out_of_range_are_named()
    {
        var options = new WebhookOptions
        {
            RetryHorizon = TimeSpan.Zero,
            AttemptTimeout = TimeSpan.Zero,
            FirstRetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            MaxConcurrentDeliveries = 0,
            MaxInFlightPerSubscription = 0,
        };

        var problems = options.Validate().ToList();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Serving:Webhooks:RetryHorizon must be more than 0 and at most 30.00:00:00", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Serving:Webhooks:MaxRetryDelay must be at least FirstRetryDelay", StringComparison.Ordinal));
    }
}
