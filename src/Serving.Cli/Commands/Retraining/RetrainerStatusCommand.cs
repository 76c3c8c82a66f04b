using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Serving.Cli.Retraining;
using Spectre.Console;

namespace Serving.Cli.Commands.Retraining;

/// <summary><c>serving retrainer status [--run id]</c>: the retrainer's runs (or one run with its log) as a table, TSV or JSON.</summary>
internal static class RetrainerStatusCommand
{
    public static Command Create(CliOutput output)
    {
        var url = new Option<string>("--url") { Description = "The retrainer's address.", DefaultValueFactory = _ => RetrainerCommand.DefaultListen };
        var runId = new Option<string?>("--run") { Description = "Show this run with its log." };
        var formats = new OutputOptions();
        var command = new Command("status", "Show the retrainer's runs: stage, trigger, verdict and the version published.") { url, runId };
        formats.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId);
            var baseUrl = parse.GetValue(url)!.TrimEnd('/');
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                output.Error($"the retrainer URL '{baseUrl}' is not an http:// or https:// address");
                return 1;
            }

            string json;
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                using var response = await http.GetAsync(id is null ? $"{baseUrl}/runs" : $"{baseUrl}/runs/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false);
                json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    output.Error($"the retrainer answered HTTP {(int)response.StatusCode}: {json}");
                    return 1;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                output.Error($"cannot reach the retrainer at {baseUrl}: {ex.Message}");
                return 1;
            }

            var runs = id is null
                ? JsonSerializer.Deserialize<List<RunView>>(json, RunJson.Options) ?? []
                : [JsonSerializer.Deserialize<RunView>(json, RunJson.Options)!];
            switch (formats.Of(parse))
            {
                case OutputFormat.Json:
                    await output.Result.WriteLineAsync(json).ConfigureAwait(false);
                    break;
                case OutputFormat.Tsv:
                    await TsvWriter.WriteAsync(output.Result, Header, runs.Select(Cells)).ConfigureAwait(false);
                    break;
                default:
                    var table = new Table().AddColumns([.. Header]);
                    foreach (var run in runs)
                    {
                        table.AddRow([.. Cells(run).Select(c => Markup.Escape(c ?? "-"))]);
                    }

                    output.Console.Write(table);
                    foreach (var line in id is null ? [] : runs[0].Log ?? [])
                    {
                        output.Console.WriteLine(line);
                    }

                    break;
            }

            return 0;
        });
        return command;
    }

    private static readonly IReadOnlyList<string> Header =
        ["run", "model", "stage", "event", "event_id", "started", "finished", "metric", "candidate", "stable", "verdict", "version", "message"];

    private static IReadOnlyList<string?> Cells(RunView run)
    {
        var evaluation = run.Evaluation;
        return
        [
            run.Id, run.Model, run.Stage, run.EventType, run.EventId, Time(run.Started), run.Finished is { } f ? Time(f) : null,
            evaluation?.Metric,
            evaluation is null ? null : Number(evaluation.Candidate.GetValueOrDefault(evaluation.Metric)),
            evaluation?.Stable is { } stable ? Number(stable.GetValueOrDefault(evaluation.Metric)) : null,
            run.Verdict,
            run.Version?.ToString(CultureInfo.InvariantCulture),
            run.Message,
        ];
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
