using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serving.Cli.Retraining;
using Serving.Cli.Tests.Retraining;
using Serving.Core.Events;
using Serving.Core.Events.Signing;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Rollouts;
using Serving.Core.Routing;
using WebhookReceiver = Serving.Tests.Shared.WebhookReceiver;

namespace Serving.Cli.Tests.Loop;

/// <summary>
/// The whole loop in one process, every hop over real HTTP on 127.0.0.1: the gateway (breast-cancer versions 1 and 2,
/// policy auto-canary) with two webhook subscriptions from configuration, each with its own whsec_ secret: the
/// retrainer for <c>drift.detected</c>, and a recording receiver for the rollout and version events. Gateway and
/// retrainer share one fake clock: drift windows are an hour and rollout steps a minute, and the test moves the
/// clock over them instead of waiting.
/// </summary>
internal sealed class LoopBed : IAsyncDisposable
{
    public const string Model = "breast-cancer";
    public const string AdminKey = "loop-admin-key";

    /// <summary>Canary weights of the auto-canary rollout, and the time each is held before it is judged.</summary>
    public static readonly int[] Steps = [25, 50];
    public static readonly TimeSpan StepInterval = TimeSpan.FromMinutes(1);

    /// <summary>Requests a rollout step's window must hold on each side before it is judged.</summary>
    public const int MinRequests = 20;

    // Drift windows are by time and an hour long (aligned to the hour since the epoch): the clean window, the shifted
    // one, then the rollout's minutes, which close no window of the new version. The retrainer would ignore a drift
    // event of the canary anyway (docs/retraining.md, Avoiding a retraining cascade; RetrainerCascadeTests).
    public static readonly TimeSpan DriftWindow = TimeSpan.FromHours(1);

    /// <summary>Where the clock starts: five seconds into an hour, so the first drift window is [10:00, 11:00).</summary>
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 5, TimeSpan.Zero);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly TemporaryDirectory _root = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _atRetrainer = new();
    private WebApplication? _retrainer;
    private LoopGatewayHost? _gateway;

    private LoopBed()
    {
        CommittedSamples.CopyTo(Registry, Model);
        Directory.CreateDirectory(DataPath);
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public WebhookSecret RetrainerSecret { get; } = WebhookSecret.Generate();

    public WebhookSecret ReceiverSecret { get; } = WebhookSecret.Generate();

    /// <summary>Subscribed to the rollout and version events.</summary>
    public WebhookReceiver Receiver { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string Registry => _root.Combine("models");

    public string DataPath => _root.Combine("data");

    public string GatewayUrl => _gateway!.Url;

    public string RetrainerUrl => _retrainer!.Urls.First();

    /// <summary>Every request that reached the retrainer's <c>/webhooks</c>, with the status it answered.</summary>
    public IReadOnlyList<ReceivedWebhook> AtRetrainer => [.. _atRetrainer];

    public IServiceProvider Gateway => _gateway!.Services;

    public RetrainRuns Runs => _retrainer!.Services.GetRequiredService<RetrainRuns>();

    public DeploymentSpec Deployment => Gateway.GetRequiredService<DeploymentManager>().Current.Find(Model)!.Spec;

    public RolloutStatus? Rollout => Gateway.GetRequiredService<IRolloutController>().Get(Model);

    public IReadOnlyList<int> VersionsOnDisk => [.. Directory.GetDirectories(Path.Combine(Registry, Model))
        .Select(Path.GetFileName).Where(n => int.TryParse(n, CultureInfo.InvariantCulture, out _)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture)).Order()];

    /// <summary>Starts the receiver, the retrainer with <paramref name="job"/> for breast-cancer, then the gateway.</summary>
    public static async Task<LoopBed> StartAsync(JsonObject job)
    {
        var bed = new LoopBed();
        bed.Receiver = await WebhookReceiver.StartAsync();
        var gatewayPort = FreePorts.Next();
        await bed.StartRetrainerAsync(job, new Uri($"http://127.0.0.1:{gatewayPort}"));
        bed._gateway = new LoopGatewayHost(bed.GatewaySettings(), bed.Time, gatewayPort);
        await bed._gateway.StartAsync();
        return bed;
    }

    private Dictionary<string, string> GatewaySettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Serving:Registry:Path"] = Registry,
            ["Serving:DataPath"] = DataPath,
            ["Serving:Admin:ApiKey"] = AdminKey,
            [$"Serving:Models:{Model}:Policy"] = "auto-canary",
            ["Serving:Monitoring:WindowSeconds"] = DriftWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            // Every request counts towards drift: the fake clock stands still while the test sends, so a per-second
            // cap would see all of them in one second.
            ["Serving:Monitoring:Drift:MaxRequestsPerSecond"] = "0",
            ["Serving:Rollouts:IntervalSeconds"] = StepInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            ["Serving:Rollouts:MinRequests"] = MinRequests.ToString(CultureInfo.InvariantCulture),
            // The retrained version is meant to answer the drifted traffic differently from stable, so the prediction
            // shift between them is the point, not a fault; live accuracy from the labels judges it instead.
            ["Serving:Rollouts:MaxPredictionPsi"] = "1000",
            // Latency on a shared test machine is noise here; the loop is about the analysis deciding on time.
            ["Serving:Rollouts:P99SlackMs"] = "1000",
            ["Serving:Webhooks:Subscriptions:0:Url"] = $"{RetrainerUrl}/webhooks",
            ["Serving:Webhooks:Subscriptions:0:Secret"] = RetrainerSecret.Text,
            ["Serving:Webhooks:Subscriptions:0:Events:0"] = GatewayEventTypes.DriftDetected,
            ["Serving:Webhooks:Subscriptions:1:Url"] = Receiver.Url.ToString(),
            ["Serving:Webhooks:Subscriptions:1:Secret"] = ReceiverSecret.Text,
            ["Serving:Webhooks:Subscriptions:1:Events:0"] = GatewayEventTypes.RolloutPromoted,
            ["Serving:Webhooks:Subscriptions:1:Events:1"] = GatewayEventTypes.RolloutRolledBack,
            ["Serving:Webhooks:Subscriptions:1:Events:2"] = GatewayEventTypes.VersionPublished,
            ["Serving:Webhooks:Subscriptions:1:Events:3"] = GatewayEventTypes.VersionFailed,
            // An attempt's timeout runs on the fake clock too: long enough that moving the clock never cuts one short.
            ["Serving:Webhooks:AttemptTimeout"] = "00:30:00",
        };
        for (var i = 0; i < Steps.Length; i++)
        {
            settings[$"Serving:Rollouts:Steps:{i}"] = Steps[i].ToString(CultureInfo.InvariantCulture);
        }

        return settings;
    }

    private async Task StartRetrainerAsync(JsonObject job, Uri gateway)
    {
        var config = new RetrainerConfig { Margin = 0.01, MinHeldOutRows = 20, Jobs = JsonSerializer.Deserialize<Dictionary<string, RetrainJob>>(new JsonObject { [Model] = job }.ToJsonString(), RunJson.Options)! }
            .Resolved(_root.Path, Repository.DataDirectory);
        var settings = new RetrainerSettings(
            Registry, DataPath, "http://127.0.0.1:0", gateway, AdminKey, RetrainerSecret, config,
            Path.Combine(DataPath, "predictions"), Path.Combine(DataPath, "retrainer", "runs"));
        _retrainer = RetrainerHost.Build(settings, Time, logging: _ => { });

        // Records each webhook as it arrived and what the retrainer answered, ahead of the retrainer's own endpoint.
        _retrainer.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/webhooks")
            {
                await next(context);
                return;
            }

            context.Request.EnableBuffering();
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            context.Request.Body.Position = 0;
            await next(context);
            var headers = context.Request.Headers;
            _atRetrainer.Enqueue(new ReceivedWebhook(
                headers[WebhookHeaders.IdHeader], headers[WebhookHeaders.TimestampHeader], headers[WebhookHeaders.SignatureHeader],
                context.Request.ContentType, buffer.ToArray(), context.Response.StatusCode, DateTimeOffset.UtcNow));
        });
        await _retrainer.StartAsync();
    }

    /// <summary>One OIP request of one row; the prediction id and the version that answered.</summary>
    public async Task<(string Id, int Version)> PredictAsync(double[] features)
    {
        var data = string.Join(',', features.Select(f => ((float)f).ToString("R", CultureInfo.InvariantCulture)));
        var body = $$"""{"inputs":[{"name":"input","shape":[1,{{features.Length}}],"datatype":"FP32","data":[{{data}}]}]}""";
        using var response = await Http.PostAsync($"{GatewayUrl}/v2/models/{Model}/infer", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"infer: {(int)response.StatusCode} {text}");
        var version = JsonNode.Parse(text)!["model_version"]!.GetValue<string>();
        return (response.Headers.GetValues("X-Prediction-Id").Single(), int.Parse(version, CultureInfo.InvariantCulture));
    }

    /// <summary>Posts the true labels of earlier predictions back (<c>POST /monitoring/feedback</c>).</summary>
    public async Task FeedbackAsync(IReadOnlyList<(string Id, double Label)> labels)
    {
        foreach (var chunk in labels.Chunk(500))
        {
            var body = "[" + string.Join(',', chunk.Select(l => $$"""{"id":"{{l.Id}}","label":{{l.Label.ToString(CultureInfo.InvariantCulture)}}}""")) + "]";
            using var response = await Http.PostAsync($"{GatewayUrl}/monitoring/feedback", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"feedback: {(int)response.StatusCode} {text}");
            // A label that came before the performance monitor filed its prediction waits for it (pending).
            var answer = JsonNode.Parse(text)!;
            Assert.Equal(chunk.Length, answer["accepted"]!.GetValue<int>() + answer["pending"]!.GetValue<int>());
        }
    }

    /// <summary>Predicts each row and posts its label; returns how many each version answered.</summary>
    public async Task<Dictionary<int, int>> LabelledTrafficAsync(IEnumerable<(double[] Features, double Label)> rows)
    {
        var labels = new List<(string, double)>();
        var served = new Dictionary<int, int>();
        foreach (var (features, label) in rows)
        {
            var (id, version) = await PredictAsync(features);
            labels.Add((id, label));
            served[version] = served.GetValueOrDefault(version) + 1;
        }

        await FeedbackAsync(labels);
        return served;
    }

    /// <summary>
    /// Waits until everything the gateway took so far is in its monitors and on disk: the drift and performance
    /// queues are empty, every label has found its prediction, and the prediction and labels logs are written.
    /// </summary>
    public async Task SettleAsync()
    {
        await Gateway.GetRequiredService<DriftMonitor>().FlushAsync(Patience);
        var performance = Gateway.GetRequiredService<PerformanceMonitor>();
        await WaitForAsync(() => performance.Depth == 0 && performance.PendingLabels == 0, "the performance monitor to file every prediction and label");
        await Gateway.GetRequiredService<PredictionLogger>().FlushAsync(Patience).WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Gateway.GetRequiredService<FeedbackLabelLog>().FlushAsync(Patience);
    }

    /// <summary>Moves the shared clock on by <paramref name="by"/>, in one step.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>Polls (real time) until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after 90 s.</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// As <see cref="WaitForAsync"/>, moving the clock a quarter second at a time meanwhile: for what waits on the
    /// gateway's clock in small steps (the registry watcher's debounce after a new version's folder appears).
    /// </summary>
    public async Task PumpUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A run read back through the retrainer's own <c>GET /runs/{id}</c>.</summary>
    public async Task<RunView> RunAsync(string id)
    {
        var json = await Http.GetStringAsync($"{RetrainerUrl}/runs/{id}", TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize<RunView>(json, RunJson.Options)!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_retrainer is not null)
        {
            await _retrainer.DisposeAsync();
        }

        await Receiver.DisposeAsync();
        Http.Dispose();
        try
        {
            _root.Dispose();
        }
        catch (IOException)
        {
            // A runtime still closing a file; the temp folder goes with the OS's cleanup.
        }
    }
}
