using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serving.Cli.Retraining;
using Serving.Core.Events.Signing;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// A retrainer on real Kestrel (127.0.0.1, a free port) over a temporary registry holding the committed breast-cancer
/// versions 1 and 2, a gateway data folder whose prediction and labels logs the test writes, and a fake gateway. The
/// clock is fake and fixed at <see cref="Now"/>, so signatures and windows do not depend on when the test runs.
/// </summary>
internal sealed class RetrainerTestBed : IAsyncDisposable
{
    public const string Model = "breast-cancer";

    public static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    /// <summary>When the test's predictions were made: inside the window the drift event names.</summary>
    public static readonly DateTimeOffset PredictedAt = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The sample's original training CSV (a command job names its own).</summary>
    public static readonly string TrainingData = Path.Combine(Repository.DataDirectory, "breast-cancer.csv");

    private readonly TemporaryDirectory _root = new();
    private WebApplication? _app;

    private RetrainerTestBed()
    {
        CommittedSamples.CopyTo(Registry, Model);
        Directory.CreateDirectory(DataPath);
    }

    public FakeTimeProvider Time { get; } = new(Now);

    public WebhookSecret Secret { get; } = WebhookSecret.Generate();

    public FakeGateway Gateway { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public string Registry => _root.Combine("models");

    public string DataPath => _root.Combine("data");

    public string Predictions => Path.Combine(DataPath, "predictions", Model);

    public string Url => _app!.Urls.First();

    public RetrainRuns Runs => _app!.Services.GetRequiredService<RetrainRuns>();

    public IServiceProvider Services => _app!.Services;

    public string Combine(params string[] parts) => _root.Combine(parts);

    /// <summary>
    /// Starts the fake gateway and a retrainer with the given jobs (the "jobs" object of the config file);
    /// <paramref name="prepare"/> gets the bed's root folder (what relative paths in the jobs resolve against) first.
    /// </summary>
    public static async Task<RetrainerTestBed> StartAsync(JsonObject jobs, double margin = 0.01, Action<string>? prepare = null, Serving.Cli.Retraining.Mlflow.MlflowTrackingConfig? mlflow = null, double cooldownMinutes = 30, int baselineFromWindowMinRows = 100)
    {
        var bed = new RetrainerTestBed();
        prepare?.Invoke(bed._root.Path);
        bed.Gateway = await FakeGateway.StartAsync();
        var config = new RetrainerConfig { Margin = margin, MinHeldOutRows = 20, CooldownMinutes = cooldownMinutes, BaselineFromWindowMinRows = baselineFromWindowMinRows, Jobs = JsonSerializer.Deserialize<Dictionary<string, RetrainJob>>(jobs.ToJsonString(), RunJson.Options)!, Mlflow = mlflow }
            .Resolved(bed._root.Path, Repository.DataDirectory);
        var settings = new RetrainerSettings(
            bed.Registry, bed.DataPath, "http://127.0.0.1:0", bed.Gateway.Url, FakeGateway.AdminKey, bed.Secret, config,
            Path.Combine(bed.DataPath, "predictions"), Path.Combine(bed.DataPath, "retrainer", "runs"));
        bed._app = RetrainerHost.Build(settings, bed.Time, logging: _ => { });
        await bed._app.StartAsync();
        return bed;
    }

    /// <summary>Writes one logged prediction per row (one row each, version 1) and its label, as the gateway writes both logs.</summary>
    public void LogLabelledPredictions(IReadOnlyList<(double[] Features, double Label)> rows)
    {
        Directory.CreateDirectory(Predictions);
        var predictions = new StringBuilder();
        var labels = new StringBuilder();
        for (var i = 0; i < rows.Count; i++)
        {
            var id = $"prediction-{i}";
            var at = PredictedAt.AddSeconds(i).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            var data = string.Join(',', rows[i].Features.Select(f => ((float)f).ToString("R", CultureInfo.InvariantCulture)));
            predictions.Append(CultureInfo.InvariantCulture, $$$$"""{"id":"{{{{id}}}}","timestamp":"{{{{at}}}}","model":"{{{{Model}}}}","version":1,"route":"stable","protocol":"rest","latencyMs":0.5,"inputs":{"input":{"datatype":"FP32","shape":[1,{{{{rows[i].Features.Length}}}}],"data":[{{{{data}}}}]}},"outputs":{"label":{"datatype":"INT64","shape":[1],"data":[0]}}}""").Append('\n');
            labels.Append(CultureInfo.InvariantCulture, $$$"""{"id":"{{{id}}}","model":"{{{Model}}}","version":1,"labels":[{{{rows[i].Label}}}],"time":"{{{at}}}"}""").Append('\n');
        }

        var day = PredictedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(Predictions, $"{day}.jsonl"), predictions.ToString());
        File.WriteAllText(Path.Combine(Predictions, $"{FeedbackLabelLog.FilePrefix}{day}.jsonl"), labels.ToString());
    }

    /// <summary>The rows of the sample's CSV: features (every column but target) and label, each feature times <paramref name="scale"/>.</summary>
    public static IReadOnlyList<(double[] Features, double Label)> SampleRows(double scale)
    {
        var data = CsvDataSet.Load(Path.Combine(Repository.DataDirectory, "breast-cancer.csv"));
        var features = data.ColumnNames.Where(c => c != "target").Select(data.Column).ToList();
        var labels = data.Column("target");
        return [.. Enumerable.Range(0, data.Rows).Select(r => (features.Select(f => f[r] * scale).ToArray(), labels[r]))];
    }

    /// <summary>A <c>drift.detected</c> event body for the test's window, for <paramref name="version"/> (stable 1 by default).</summary>
    public static byte[] DriftEvent(int version = 1) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["type"] = "drift.detected",
        ["timestamp"] = Now.AddMinutes(-1).UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["data"] = new JsonObject
        {
            ["model"] = Model,
            ["version"] = version,
            ["window"] = new JsonObject { ["from"] = "2026-12-07T09:00:00Z", ["to"] = "2026-12-07T11:00:00Z", ["rows"] = 569 },
        },
    }.ToJsonString());

    /// <summary>Posts a webhook signed with <paramref name="secret"/> (the bed's by default) at <paramref name="sentAt"/> (now by default).</summary>
    public async Task<(int Status, JsonObject Body)> PostWebhookAsync(string id, byte[] body, WebhookSecret? secret = null, DateTimeOffset? sentAt = null)
    {
        var headers = WebhookSigner.Sign(secret ?? Secret, id, sentAt ?? Time.GetUtcNow(), body);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Url}/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookHeaders.IdHeader, headers.Id);
        request.Headers.Add(WebhookHeaders.TimestampHeader, headers.Timestamp);
        request.Headers.Add(WebhookHeaders.SignatureHeader, headers.Signature);
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }

    /// <summary>Waits for every run to end, then reads one through <c>GET /runs/{id}</c>.</summary>
    public async Task<RunView> FinishedRunAsync(string id)
    {
        await Runs.WhenIdleAsync().WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        var json = await Http.GetStringAsync($"{Url}/runs/{id}", TestContext.Current.CancellationToken);
        return JsonSerializer.Deserialize<RunView>(json, RunJson.Options)!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Gateway.DisposeAsync();
        Http.Dispose();
        _root.Dispose();
    }
}
