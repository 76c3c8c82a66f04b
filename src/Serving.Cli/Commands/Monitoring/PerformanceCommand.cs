using System.CommandLine;
using System.Net;
using System.Text.Json;
using Serving.Cli.Admin;
using Spectre.Console;

namespace Serving.Cli.Commands.Monitoring;

/// <summary>
/// <c>serving performance &lt;model&gt;</c>: the gateway's live performance report as a table (or its JSON with
/// <c>--json</c>), one row per version's reported window and one for the window still filling.
/// </summary>
internal static class PerformanceCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Argument<string>("model") { Description = "Model name." };
        var url = new Option<string?>("--url") { Description = $"Gateway REST address (default: ${AdminConnection.UrlVariable}, else {AdminConnection.DefaultUrl})." };
        var format = new OutputOptions();
        var command = new Command("performance", "Show live performance (accuracy, F1, ROC AUC... or MAE, RMSE, R²) and label coverage per version.");
        command.Arguments.Add(model);
        command.Options.Add(url);
        format.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(output, parse.GetValue(model)!, parse.GetValue(url), format.Of(parse), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliOutput output, string model, string? url, OutputFormat format, CancellationToken cancellationToken)
    {
        Uri baseUri;
        try
        {
            // The same address rules as the admin commands: --url, else SERVING_URL, else the default.
            baseUri = AdminConnection.Resolve(url, null, Environment.GetEnvironmentVariable).BaseUrl;
        }
        catch (AdminApiException ex)
        {
            output.Error(ex.Message);
            return 1;
        }

        try
        {
            using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
            using var response = await client.GetAsync($"monitoring/models/{Uri.EscapeDataString(model)}/performance", cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                output.Error($"{(int)response.StatusCode}: {ErrorOf(body)}");
                return 1;
            }

            if (format == OutputFormat.Json)
            {
                await output.Result.WriteLineAsync(body).ConfigureAwait(false);
                return 0;
            }

            using var document = JsonDocument.Parse(body);
            if (format == OutputFormat.Tsv)
            {
                await PerformanceTsv.WriteAsync(output.Result, document.RootElement).ConfigureAwait(false);
            }
            else
            {
                output.Console.Write(PerformanceTable.Render(document.RootElement));
            }

            return 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            output.Error($"could not read the report from {baseUri}: {ex.Message}");
            return 1;
        }
    }

    private static string ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
