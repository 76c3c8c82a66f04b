using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Retraining;

/// <summary>
/// A run started by hand whose command outlives its timeout is stopped on the retrainer's (injected) clock, and
/// <c>serving retrainer status</c> shows it as TSV and, with its log, as JSON.
/// </summary>
public sealed class RetrainerStatusTests
{
    [Fact]
    public async Task A_command_past_its_timeout_fails_the_run_and_status_shows_it()
    {
        var jobs = new JsonObject
        {
            [RetrainerTestBed.Model] = new JsonObject
            {
                ["kind"] = "command", ["trainingData"] = RetrainerTestBed.TrainingData, ["command"] = "echo started; sleep 60", ["timeoutSeconds"] = 5,
            },
        };
        await using var bed = await RetrainerTestBed.StartAsync(jobs);

        using var started = await bed.Http.PostAsJsonAsync($"{bed.Url}/runs", new { model = RetrainerTestBed.Model }, TestContext.Current.CancellationToken);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetString()!;
        // The timeout runs on the fake clock: move it on until the run ends (real time never reaches 60 s).
        var idle = bed.Runs.WhenIdleAsync();
        for (var i = 0; i < 600 && !idle.IsCompleted; i++)
        {
            bed.Time.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        var run = await bed.FinishedRunAsync(id);
        var tsv = await CliRun.Of("retrainer", "status", "--url", bed.Url, "--output", "tsv");
        var json = await CliRun.Of("retrainer", "status", "--url", bed.Url, "--run", id, "--output", "json");

        Assert.Equal(202, (int)started.StatusCode);
        Assert.Equal(RunStages.Failed, run.Stage);
        Assert.Contains("past its timeout of 5 s", run.Message, StringComparison.Ordinal);
        Assert.Equal(0, tsv.ExitCode);
        var rows = tsv.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("run\tmodel\tstage\tevent\t", rows[0], StringComparison.Ordinal);
        Assert.StartsWith($"{id}\tbreast-cancer\tfailed\tmanual\t-\t", rows[1], StringComparison.Ordinal);
        var shown = JsonDocument.Parse(json.Result).RootElement;
        Assert.Equal(id, shown.GetProperty("id").GetString());
        Assert.Contains(shown.GetProperty("log").EnumerateArray(), l => l.GetString() == "[stdout] started");
    }
}
