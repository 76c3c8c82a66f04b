using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Serving.Core.Events.Signing;
using Serving.Core.Storage;

namespace Serving.Core.Events.Webhooks;

/// <summary>
/// Every subscription: those in configuration (fixed while the gateway runs) and those created through the admin
/// API, which are kept in <c>&lt;data&gt;/webhooks/subscriptions.json</c> (written whole to a temporary file, flushed
/// to disk and renamed, so a crash leaves the old list or the new one, never half of one). The file holds the secrets,
/// so on Unix it is readable by the gateway's user only.
/// </summary>
public sealed class WebhookSubscriptionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly object _lock = new();
    private readonly IReadOnlyList<WebhookSubscription> _configured;
    private readonly TimeProvider _time;
    private List<WebhookSubscription> _created;

    public WebhookSubscriptionStore(IOptions<WebhookOptions> options, DataPaths paths, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _time = time;
        FilePath = Path.Combine(WebhookPaths.Folder(paths), "subscriptions.json");
        // Start-up validation refuses a bad entry with its key; one that slips past here is left out rather than thrown on.
        _configured = [.. options.Value.Subscriptions
            .Where(s => WebhookUrls.Problem(s.Url) is null && WebhookSecret.TryParse(s.Secret, out _, out _))
            .Select(s => new WebhookSubscription(
                ConfiguredId(s.Url!.Trim()),
                new Uri(s.Url!.Trim()),
                WebhookSecret.Parse(s.Secret),
                [.. s.Events.Distinct(StringComparer.Ordinal)],
                WebhookSubscription.FromConfig,
                DateTimeOffset.UnixEpoch))];
        _created = Load(FilePath);
    }

    /// <summary>Where API-created subscriptions are kept.</summary>
    public string FilePath { get; }

    /// <summary>Configured first, then API-created in creation order.</summary>
    public IReadOnlyList<WebhookSubscription> All
    {
        get
        {
            lock (_lock)
                return [.. _configured, .. _created];
        }
    }

    public WebhookSubscription? Find(string id) => All.FirstOrDefault(s => s.Id == id);

    /// <summary>
    /// Creates and persists a subscription; <paramref name="secret"/> null generates one. Throws
    /// <see cref="WebhookSubscriptionException"/> for bad input, <see cref="IOException"/> when it cannot be saved.
    /// </summary>
    public WebhookSubscription Create(string? url, string? secret, IReadOnlyList<string>? events)
    {
        if (WebhookUrls.Problem(url) is { } urlProblem)
            throw new WebhookSubscriptionException($"url {urlProblem}");
        WebhookSecret parsed;
        if (secret is null)
            parsed = WebhookSecret.Generate();
        else if (!WebhookSecret.TryParse(secret, out parsed!, out var secretProblem))
            throw new WebhookSubscriptionException($"secret is not valid: {secretProblem}; leave it out and one is generated");
        var types = events ?? [];
        for (var i = 0; i < types.Count; i++)
        {
            // Each entry by its position: a JSON null in the list must be refused itself, not read as "none unknown".
            if (types[i] is null)
                throw new WebhookSubscriptionException($"events[{i}] is null; each entry is an event type, one of: {string.Join(", ", GatewayEventTypes.All)}");
            if (!GatewayEventTypes.IsKnown(types[i]))
                throw new WebhookSubscriptionException($"events[{i}] '{Cut(types[i])}' is not an event type; known: {string.Join(", ", GatewayEventTypes.All)}");
        }

        var subscription = new WebhookSubscription(
            "wh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            new Uri(url!.Trim()),
            parsed,
            [.. types.Distinct(StringComparer.Ordinal)],
            WebhookSubscription.FromApi,
            _time.GetUtcNow());
        lock (_lock)
        {
            var next = new List<WebhookSubscription>(_created) { subscription };
            Save(next);
            _created = next;
        }

        return subscription;
    }

    /// <summary>Deletes an API-created subscription; false when none has that id. Configured ones cannot be deleted here.</summary>
    public bool Delete(string id)
    {
        lock (_lock)
        {
            if (_configured.Any(s => s.Id == id))
                throw new WebhookSubscriptionException($"subscription '{id}' comes from configuration (Serving:Webhooks:Subscriptions); remove it there", conflict: true);
            var next = _created.Where(s => s.Id != id).ToList();
            if (next.Count == _created.Count)
                return false;
            Save(next);
            _created = next;
            return true;
        }
    }

    /// <summary>A configured subscription's id: from its URL, so reordering the configuration keeps ids (and pending deliveries).</summary>
    public static string ConfiguredId(string url) =>
        "config-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..12];

    private static string Cut(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private void Save(List<WebhookSubscription> subscriptions)
    {
        var stored = subscriptions.Select(s => new StoredSubscription(s.Id, s.Url.ToString(), s.Secret.Text, [.. s.Events], s.CreatedAt)).ToList();
        AtomicFiles.Write(FilePath, JsonSerializer.SerializeToUtf8Bytes(stored, Json), ownerOnly: true);
    }

    private static List<WebhookSubscription> Load(string path)
    {
        if (!File.Exists(path))
            return [];
        try
        {
            var stored = JsonSerializer.Deserialize<List<StoredSubscription>>(File.ReadAllBytes(path), Json) ?? [];
            return [.. stored.Select(s => new WebhookSubscription(s.Id, new Uri(s.Url), WebhookSecret.Parse(s.Secret), s.Events ?? [], WebhookSubscription.FromApi, s.CreatedAt))];
        }
        catch (Exception ex) when (ex is JsonException or FormatException or UriFormatException or ArgumentException)
        {
            // A damaged list must not be silently replaced by an empty one on the next save: refuse to start.
            throw new InvalidOperationException($"the webhook subscriptions file {path} cannot be read ({ex.Message}); fix or remove it", ex);
        }
    }

    private sealed record StoredSubscription(string Id, string Url, string Secret, List<string>? Events, DateTimeOffset CreatedAt);
}

/// <summary>A subscription request the store refuses; <see cref="Conflict"/> when it is valid but not allowed now.</summary>
public sealed class WebhookSubscriptionException(string message, bool conflict = false) : Exception(message)
{
    public bool Conflict { get; } = conflict;
}
