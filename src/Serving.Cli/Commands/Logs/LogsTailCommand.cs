using System.CommandLine;
using System.Text;
using System.Text.Json;
using Serving.Core.Storage;
using StackExchange.Redis;

namespace Serving.Cli.Commands.Logs;

/// <summary>
/// <c>serving logs tail &lt;model&gt;</c>: prints a model's last prediction records as JSON Lines on standard output,
/// from its Redis stream when <c>--redis</c> (or <c>SERVING_REDIS</c>) is given, else from the local files;
/// <c>--follow</c> keeps polling for new ones until interrupted.
/// </summary>
internal static class LogsTailCommand
{
    /// <summary>Environment variable that supplies <c>--redis</c> when the option is left out.</summary>
    public const string RedisVariable = "SERVING_REDIS";

    /// <summary>How often <c>--follow</c> looks for new records.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliOutput output)
    {
        var model = new Argument<string>("model") { Description = "Model whose predictions to show." };
        var redis = new Option<string?>("--redis")
        {
            Description = $"StackExchange.Redis configuration string (as Serving:Redis:Configuration) to read the model's stream from; default: ${RedisVariable}. Without it, local files are read.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(RedisVariable),
        };
        var directory = new Option<DirectoryInfo>("--dir")
        {
            Description = "Folder of the local JSON Lines prediction logs (as Serving:Monitoring:PredictionLog:Directory); default: var/predictions, where a gateway started in this folder writes them.",
            // The gateway's own default, so the two agree when started in the same folder.
            DefaultValueFactory = _ => new DirectoryInfo(DataPaths.From(new DataPathOptions()).PredictionLogs),
        };
        var count = new Option<int>("-n", "--lines") { Description = "How many of the newest records to print.", DefaultValueFactory = _ => 20 };
        count.Require(n => n >= 0, "-n must be 0 or more");
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new records as they are written (polls; Ctrl+C stops)." };

        var command = new Command("tail", "Print a model's newest prediction records as JSON Lines.")
        {
            model, redis, directory, count, follow,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(output, async () =>
        {
            var name = parse.GetValue(model)!;
            var configuration = parse.GetValue(redis);
            try
            {
                if (string.IsNullOrWhiteSpace(configuration))
                {
                    var files = new FilePredictionLogSource(parse.GetValue(directory)!.FullName, name);
                    return await TailAsync(output, files, name, parse.GetValue(count), parse.GetValue(follow), cancellationToken).ConfigureAwait(false);
                }

                if (!TryParseRedis(output, configuration, out var options))
                {
                    return 1;
                }

                await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
                var stream = new RedisPredictionLogSource(connection.GetDatabase(), name);
                return await TailAsync(output, stream, name, parse.GetValue(count), parse.GetValue(follow), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                output.Error($"Redis: {ex.Message}");
                return 1;
            }
        }));
        return command;
    }

    /// <summary>Parses <c>--redis</c> on its own, so a malformed string is one error line and not a stack trace.</summary>
    private static bool TryParseRedis(CliOutput output, string configuration, out ConfigurationOptions options)
    {
        try
        {
            options = ConfigurationOptions.Parse(configuration);
            return true;
        }
        catch (ArgumentException ex)
        {
            output.Error($"the Redis configuration string is invalid: {ex.Message}");
            options = null!;
            return false;
        }
    }

    private static async Task<int> TailAsync(CliOutput output, IPredictionLogSource source, string model, int count, bool follow, CancellationToken cancellationToken)
    {
        if (!await source.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            var missing = $"no prediction log for {model} in {source.Description}";
            if (!follow)
            {
                output.Error(missing);
                return 1;
            }

            output.Waiting(missing);
        }

        await WriteAsync(output, await source.TailAsync(count, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (!follow)
        {
            return 0;
        }

        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                await WriteAsync(output, await source.ReadNewAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends following; that is how it is meant to stop.
            return 0;
        }
    }

    /// <summary>
    /// Prints the records; a line that is not one whole JSON object is left out and counted in a warning, so that
    /// what is printed can be piped into a JSON reader (a write a full disk cut short, before the gateway cut such
    /// writes back, left half a line in old logs).
    /// </summary>
    private static async Task WriteAsync(CliOutput output, IReadOnlyList<string> records)
    {
        var skipped = 0;
        foreach (var record in records)
        {
            if (!IsWholeRecord(record))
            {
                skipped++;
                continue;
            }

            await output.Result.WriteLineAsync(record).ConfigureAwait(false);
        }

        await output.Result.FlushAsync().ConfigureAwait(false);
        if (skipped > 0)
        {
            output.Warning($"left out {skipped} {(skipped == 1 ? "line that is" : "lines that are")} not a whole JSON record (half a line, left by a write that a full disk cut short)");
        }
    }

    internal static bool IsWholeRecord(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
