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
        var url = GatewayUrlOption.Create();
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
            var (status, body) = await MonitoringGet.ReadAsync(client, new Uri($"monitoring/models/{Uri.EscapeDataString(model)}/performance", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (status != HttpStatusCode.OK)
            {
                output.Error($"{(int)status}: {GatewayBody.MessageOf(body) ?? status.ToString()}");
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
                // Rendered whole before any of it is printed, so a report it cannot read leaves no partial table.
                using var table = new StringWriter();
                await PerformanceTsv.WriteAsync(table, document.RootElement).ConfigureAwait(false);
                await output.Result.WriteAsync(table.ToString()).ConfigureAwait(false);
                await output.Result.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                output.Console.Write(PerformanceTable.Render(document.RootElement));
            }

            return 0;
        }
        catch (AdminApiException ex)
        {
            // No answer in time, an answer broken off or too large: the message names the gateway and its address
            // already, as the admin commands and drift print it; prefixed, it said the address twice.
            output.Error(ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            output.Error($"could not read the report from {baseUri}: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            // Valid JSON that is not a performance report (an object without its fields, an array, a string).
            output.Error($"the gateway's answer is not a performance report: {GatewayBody.Line(ex.Message)}");
            return 1;
        }
    }
}
