using System.CommandLine;
using Serving.Cli.Retraining;
using Serving.Core.Events.Signing;
using Microsoft.Extensions.Hosting;
using Serving.Core.Storage;

namespace Serving.Cli.Commands.Retraining;

/// <summary>
/// <c>serving retrainer</c>: runs the retrainer next to the gateway (webhooks in, new versions out), and
/// <c>serving retrainer status</c> reads its runs.
/// </summary>
internal static class RetrainerCommand
{
    public const string DefaultListen = "http://127.0.0.1:9100";

    public static Command Create(CliOutput output)
    {
        var registry = new Option<DirectoryInfo>("--registry") { Description = "Registry folder new versions are published into (the gateway's Serving:Registry:Path).", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "The gateway's data directory (Serving:DataPath): prediction and labels logs under predictions/, runs under retrainer/runs/.", Required = true };
        var predictions = new Option<DirectoryInfo?>("--predictions") { Description = "Prediction log folder when the gateway sets Serving:Monitoring:PredictionLog:Directory (default: <data>/predictions)." };
        var listen = new Option<string>("--listen") { Description = "Address the retrainer listens on for webhooks and status.", DefaultValueFactory = _ => DefaultListen };
        var gateway = new Option<string?>("--gateway") { Description = "The gateway's REST address, to read the stable version and report version.published / version.failed (without it: the newest registry version is stable and nothing is reported)." };
        var adminKeyFile = new Option<FileInfo?>("--admin-key-file") { Description = "File holding the gateway's admin key (a scope that can deploy); default: $SERVING_API_KEY." };
        var secretFile = new Option<FileInfo>("--secret-file") { Description = "File holding the webhook subscription's signing secret (whsec_...).", Required = true };
        var config = new Option<FileInfo>("--config") { Description = "The jobs: a JSON file (see docs/retraining.md).", Required = true };
        var command = new Command("retrainer", "Run the retrainer: receive signed webhooks, retrain, gate against stable, publish the next version.")
        {
            registry, data, predictions, listen, gateway, adminKeyFile, secretFile, config,
        };
        command.Subcommands.Add(RetrainerStatusCommand.Create(output));
        command.SetAction(async (parse, cancellationToken) =>
        {
            RetrainerSettings settings;
            try
            {
                settings = Settings(
                    parse.GetValue(registry)!, parse.GetValue(data)!, parse.GetValue(predictions), parse.GetValue(listen)!, parse.GetValue(gateway),
                    parse.GetValue(adminKeyFile), parse.GetValue(secretFile)!, parse.GetValue(config)!);
            }
            catch (RetrainerConfigException ex)
            {
                foreach (var problem in ex.Problems)
                {
                    output.Error(problem);
                }

                return 2;
            }

            await using var app = RetrainerHost.Build(settings);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                output.Error($"cannot listen on {settings.Listen}: {ex.Message}; stop what uses it or choose another address (--listen)");
                return 3;
            }

            return 0;
        });
        return command;
    }

    /// <summary>Reads and checks every setting; throws listing every problem.</summary>
    public static RetrainerSettings Settings(DirectoryInfo registry, DirectoryInfo data, DirectoryInfo? predictions, string listen, string? gateway, FileInfo? adminKeyFile, FileInfo secretFile, FileInfo config)
    {
        var problems = new List<string>();
        if (!registry.Exists)
        {
            problems.Add($"--registry '{registry.FullName}' does not exist");
        }

        if (!Uri.TryCreate(listen, UriKind.Absolute, out var listenUri) || listenUri.Scheme != Uri.UriSchemeHttp)
        {
            problems.Add($"--listen '{listen}' is not an http:// address");
        }

        Uri? gatewayUri = null;
        if (gateway is not null && (!Uri.TryCreate(gateway, UriKind.Absolute, out gatewayUri) || (gatewayUri.Scheme != Uri.UriSchemeHttp && gatewayUri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"--gateway '{gateway}' is not an http:// or https:// address");
        }

        var adminKey = adminKeyFile is null ? Environment.GetEnvironmentVariable(Serving.Cli.Admin.AdminConnection.ApiKeyVariable) : ReadFile(adminKeyFile, "--admin-key-file", problems);
        WebhookSecret? secret = null;
        if (ReadFile(secretFile, "--secret-file", problems) is { } text && !WebhookSecret.TryParse(text, out secret, out var error))
        {
            problems.Add($"--secret-file: {error}");
        }

        RetrainerConfig? jobs = null;
        try
        {
            jobs = RetrainerConfig.Load(config.FullName, dataFolder: null);
        }
        catch (RetrainerConfigException ex)
        {
            problems.AddRange(ex.Problems.Select(p => $"--config: {p}"));
        }

        if (problems.Count > 0)
        {
            throw new RetrainerConfigException(problems);
        }

        var paths = new DataPaths(data.FullName);
        return new RetrainerSettings(
            registry.FullName, paths.Root, listen, gatewayUri is null ? null : new Uri(gatewayUri.ToString().TrimEnd('/') + "/"), string.IsNullOrWhiteSpace(adminKey) ? null : adminKey.Trim(),
            secret!, jobs!, predictions?.FullName ?? paths.PredictionLogs, Path.Combine(paths.Root, "retrainer", "runs"));
    }

    private static string? ReadFile(FileInfo file, string option, List<string> problems)
    {
        try
        {
            return File.ReadAllText(file.FullName).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{option} '{file.FullName}' cannot be read: {ex.Message}");
            return null;
        }
    }
}
