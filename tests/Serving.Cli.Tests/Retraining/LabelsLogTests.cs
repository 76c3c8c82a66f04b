extern alias gateway;

using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serving.Cli.Retraining;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// The labels log the retrainer joins on: the real gateway appends each label its feedback endpoint accepts to
/// <c>predictions/&lt;model&gt;/labels-&lt;day&gt;.jsonl</c>, and the retrainer's reader joins it by id to the logged
/// prediction, giving the row's features (as the caller sent them) and its label (a class name read as its index).
/// </summary>
public sealed class LabelsLogTests
{
    [Fact]
    public async Task An_accepted_label_is_written_to_the_labels_log_and_joined_to_its_logged_prediction()
    {
        using var root = new TemporaryDirectory();
        var registry = root.Combine("models");
        CommittedSamples.CopyTo(registry, "breast-cancer");
        await using var host = new LabelsGateway(registry, root.Combine("data"));
        using var client = host.CreateClient();
        await GatewayReadiness.WaitAsync(host.Services);
        var row = RetrainerTestBed.SampleRows(scale: 1)[0];
        var infer = $$"""{"inputs":[{"name":"input","shape":[1,30],"datatype":"FP32","data":[{{string.Join(',', row.Features.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]}]}""";

        using var predicted = await client.PostAsync("/v2/models/breast-cancer/infer", new StringContent(infer, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var id = predicted.Headers.GetValues("X-Prediction-Id").Single();
        var version = int.Parse(predicted.Headers.GetValues("X-Model-Version").Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var feedback = await client.PostAsync("/monitoring/feedback", new StringContent($$"""[{"id": "{{id}}", "label": "benign"}, {"id": "never-predicted", "label": 1}]""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var answer = JsonDocument.Parse(await feedback.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        await host.Services.GetRequiredService<PredictionLogger>().FlushAsync(TimeSpan.FromSeconds(10));
        var labels = host.Services.GetRequiredService<FeedbackLabelLog>();
        await labels.FlushAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, answer.GetProperty("accepted").GetInt32());
        var folder = Path.Combine(root.Combine("data"), "predictions", "breast-cancer");
        var line = JsonDocument.Parse(File.ReadAllLines(Assert.Single(Directory.GetFiles(folder, "labels-*.jsonl"))).Single()).RootElement;
        Assert.Equal(id, line.GetProperty("id").GetString());
        Assert.Equal("breast-cancer", line.GetProperty("model").GetString());
        Assert.Equal(version, line.GetProperty("version").GetInt32());
        Assert.Equal("[1]", line.GetProperty("labels").GetRawText());

        var manifest = ManifestSerializer.Read(Path.Combine(registry, "breast-cancer", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var joined = LoggedExamples.Read(Path.Combine(root.Combine("data"), "predictions"), "breast-cancer", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), _ => manifest);
        var (features, label) = Assert.Single(joined.Rows);
        Assert.Equal(1.0, label);
        Assert.Equal(row.Features[0], features["mean radius"], 1e-4);
        Assert.Equal(row.Features[29], features["worst fractal dimension"], 1e-6);
    }

    [Fact]
    public async Task The_labels_log_is_not_read_as_predictions_by_logs_tail()
    {
        using var root = new TemporaryDirectory();
        var folder = root.Combine("breast-cancer");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "2026-12-07.jsonl"), "{\"id\":\"p\"}\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "labels-2026-12-07.jsonl"), "{\"id\":\"p\",\"labels\":[1]}\n", TestContext.Current.CancellationToken);

        var lines = await new Serving.Cli.Commands.Logs.FilePredictionLogSource(root.Path, "breast-cancer").TailAsync(10, TestContext.Current.CancellationToken);

        Assert.Equal(["{\"id\":\"p\"}"], lines);
    }

    private sealed class LabelsGateway(string registry, string data) : WebApplicationFactory<gateway::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Serving:Registry:Path", registry);
            builder.UseSetting("Serving:DataPath", data);
        }
    }
}
