using System.Runtime.Versioning;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Events.Signing;
using Serving.Core.Events.Webhooks;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Events.Webhooks;

public sealed class WebhookSubscriptionStoreTests : IDisposable
{
    private const string Secret = "whsec_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
    private readonly string _data = Directory.CreateTempSubdirectory("subscriptions-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly WebhookOptions _options = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private WebhookSubscriptionStore Open() => new(Options.Create(_options), new DataPaths(_data), _time);

    [Fact]
    public void A_created_subscription_gets_a_generated_secret_and_survives_a_restart()
    {
        var created = Open().Create("https://hooks.example/a", null, ["drift.detected"]);

        var reloaded = Assert.Single(Open().All);
        Assert.StartsWith("wh_", created.Id, StringComparison.Ordinal);
        Assert.Equal(created.Id, reloaded.Id);
        Assert.Equal(created.Secret.Key, reloaded.Secret.Key);
        Assert.Equal(WebhookSecret.GeneratedKeyBytes, created.Secret.Key.Length);
        Assert.Equal(["drift.detected"], reloaded.Events);
        Assert.Equal(WebhookSubscription.FromApi, reloaded.Source);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_file_holding_secrets_is_readable_by_the_gateways_user_only()
    {
        var store = Open();
        store.Create("https://hooks.example/a", Secret, null);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }

    [Fact]
    public void A_given_secret_is_kept_and_a_bad_one_or_an_unknown_type_is_refused()
    {
        var store = Open();

        Assert.Equal(Secret, store.Create("https://hooks.example/a", Secret, null).Secret.Text);
        Assert.Contains("secret is not valid", Assert.Throws<WebhookSubscriptionException>(() => store.Create("https://hooks.example/b", "nope", null)).Message, StringComparison.Ordinal);
        Assert.Contains("'drift' is not an event type", Assert.Throws<WebhookSubscriptionException>(() => store.Create("https://hooks.example/b", null, ["drift"])).Message, StringComparison.Ordinal);
        Assert.Contains("url must be an absolute", Assert.Throws<WebhookSubscriptionException>(() => store.Create("hooks.example", null, null)).Message, StringComparison.Ordinal);
        Assert.Single(Open().All);
    }

    [Fact]
    public void A_null_entry_in_the_event_types_is_refused_and_does_not_hide_an_unknown_one()
    {
        var store = Open();

        Assert.StartsWith("events[0] is null", Assert.Throws<WebhookSubscriptionException>(() => store.Create("https://hooks.example/a", null, [null!, "no.such.event"])).Message, StringComparison.Ordinal);
        Assert.StartsWith("events[1] is null", Assert.Throws<WebhookSubscriptionException>(() => store.Create("https://hooks.example/a", null, ["drift.detected", null!])).Message, StringComparison.Ordinal);
        Assert.StartsWith("events[1] 'no.such.event' is not an event type", Assert.Throws<WebhookSubscriptionException>(() => store.Create("https://hooks.example/a", null, ["drift.detected", "no.such.event"])).Message, StringComparison.Ordinal);
        Assert.Empty(Open().All);
    }

    [Fact]
    public void Deleting_removes_an_api_subscription_for_good_but_a_configured_one_cannot_be_deleted_here()
    {
        _options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "https://hooks.example/config", Secret = Secret });
        var store = Open();
        var created = store.Create("https://hooks.example/a", null, null);
        var configured = store.All[0];

        Assert.True(store.Delete(created.Id));
        Assert.False(store.Delete(created.Id));
        Assert.True(Assert.Throws<WebhookSubscriptionException>(() => store.Delete(configured.Id)).Conflict);
        Assert.Equal([configured.Id], Open().All.Select(s => s.Id));
    }

    [Fact]
    public void A_configured_subscriptions_id_follows_its_url_not_its_position()
    {
        _options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "https://hooks.example/x", Secret = Secret });
        _options.Subscriptions.Add(new WebhookSubscriptionOptions { Url = "https://hooks.example/y", Secret = Secret });
        var before = Open().All.ToDictionary(s => s.Url.ToString(), s => s.Id);

        _options.Subscriptions.Reverse();
        var after = Open().All.ToDictionary(s => s.Url.ToString(), s => s.Id);

        Assert.Equal(before, after);
        Assert.All(after.Values, id => Assert.StartsWith("config-", id, StringComparison.Ordinal));
    }

    [Fact]
    public void A_damaged_subscriptions_file_stops_start_up_instead_of_being_overwritten()
    {
        var path = Open().FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "[{\"id\":");

        var error = Assert.Throws<InvalidOperationException>(Open);

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
