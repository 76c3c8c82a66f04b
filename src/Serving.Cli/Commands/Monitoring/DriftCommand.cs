using System.CommandLine;
using System.Net;
using System.Text.Json;
using Serving.Cli.Admin;
using Spectre.Console;

namespace Serving.Cli.Commands.Monitoring;

/// <summary><c>serving drift &lt;model&gt;</c>: the gateway's drift report as tables (monitoring is open: no key).</summary>
internal static class DriftCommand
{
    public static Command Create(CliOutput output)
    {
        var model = new Argument<string>("model") { Description = "Model name." };
        var url = GatewayUrlOption.Create();
        var format = new OutputOptions();
        var command = new Command("drift", "Show each version's drift against its package baseline: the last closed window, per feature.") { model, url };
        format.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var connection = AdminConnection.Resolve(parse.GetValue(url), null, Environment.GetEnvironmentVariable);
                var name = parse.GetValue(model)!;
                using var http = new HttpClient { BaseAddress = connection.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
                var (status, body) = await MonitoringGet.ReadAsync(http, new Uri($"monitoring/models/{Uri.EscapeDataString(name)}/drift", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (status != HttpStatusCode.OK)
                {
                    output.Error(ErrorOf(body, status));
                    return 1;
                }

                switch (format.Of(parse))
                {
                    case OutputFormat.Json:
                        await output.Result.WriteLineAsync(body).ConfigureAwait(false);
                        break;
                    case OutputFormat.Tsv:
                        using (var document = JsonDocument.Parse(body))
                        {
                            // Rendered whole before any of it is printed, so a report it cannot read leaves no partial table.
                            using var table = new StringWriter();
                            await DriftTsv.WriteAsync(table, document.RootElement).ConfigureAwait(false);
                            await output.Result.WriteAsync(table.ToString()).ConfigureAwait(false);
                            await output.Result.FlushAsync(cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    default:
                        using (var document = JsonDocument.Parse(body))
                        {
                            output.Console.Write(DriftRender.Report(document.RootElement));
                        }

                        break;
                }

                return 0;
            }
            catch (Exception ex) when (ex is AdminApiException or HttpRequestException or TaskCanceledException or JsonException)
            {
                output.Error(ex.Message);
                return 1;
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
            {
                // Valid JSON that is not a drift report (an object without its fields, a string where a number goes).
                output.Error($"the gateway's answer is not a drift report: {GatewayBody.Line(ex.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static string ErrorOf(string body, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(error.GetString()))
            {
                return GatewayBody.Line(error.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not our JSON (a proxy's page): the status says enough.
        }

        return $"the gateway answered {(int)status} {status}";
    }
}
