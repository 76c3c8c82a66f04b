using System.CommandLine;
using System.Globalization;
using Serving.Cli.Admin;
using Serving.Core.Rollouts;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving rollout start|status|pause|resume|abort &lt;name&gt;</c>: analysed canary rollouts.</summary>
internal static class RolloutCommand
{
    private const double MinPollSeconds = 0.05;
    private const double MaxPollSeconds = 3600;
    private const double MaxWatchMinutes = 7 * 24 * 60;

    public static Command Create(CliOutput output) => new("rollout", "Analysed canary rollouts: step the canary's weight up, judge each step, promote or roll back.")
    {
        Start(output),
        Status(output),
        Action(output, "pause", "Hold the rollout at its current weight."),
        Action(output, "resume", "Continue a paused rollout."),
        Action(output, "abort", "Stop the rollout and remove the canary; stable stays."),
    };

    private static Command Start(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var canary = new Option<int>("--canary") { Description = "Version to roll out.", Required = true };
        var steps = new Option<string?>("--steps") { Description = "Canary weights to step through, comma-separated (default from the gateway: 5,10,25,50)." };
        var interval = new Option<double?>("--interval") { Description = "Seconds each step is held before it is judged (default from the gateway)." };
        // Checked while parsing, so a bad value is a usage error (exit 2) and NaN never reaches the request's JSON.
        steps.Validators.Add(result =>
        {
            if (StepsProblem(result.GetValueOrDefault<string?>()) is { } part)
            {
                result.AddError($"--steps takes whole percentages separated by commas, such as 5,10,25,50; '{part}' is not one");
            }
        });
        interval.Require(seconds => seconds is null || (double.IsFinite(seconds.Value) && seconds.Value > 0), "--interval must be a number of seconds above 0");
        var command = options.AddTo(new Command("start", "Start rolling a version out as canary.") { name, canary, steps, interval });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var request = new RolloutRequest
            {
                Canary = parse.GetValue(canary),
                Steps = ParseSteps(parse.GetValue(steps)),
                IntervalSeconds = parse.GetValue(interval),
            };
            var answer = await client.StartRolloutAsync(parse.GetValue(name)!, request, cancellationToken).ConfigureAwait(false);
            await WriteAsync(output, answer, format).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Status(CliOutput output)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var watch = new Option<bool>("--watch") { Description = "Keep a live view until the rollout ends, --max-minutes pass, or Ctrl+C." };
        var poll = new Option<double>("--poll-seconds") { Description = "How often --watch asks the gateway.", DefaultValueFactory = _ => 2 };
        var maxMinutes = new Option<double>("--max-minutes") { Description = "Longest --watch runs.", DefaultValueFactory = _ => 60 };
        // Bounded so that NaN, Infinity or 1e300 are usage errors rather than a TimeSpan overflow.
        poll.Require(seconds => seconds is >= MinPollSeconds and <= MaxPollSeconds, $"--poll-seconds must be a number from {MinPollSeconds} to {MaxPollSeconds}");
        maxMinutes.Require(minutes => minutes is >= 0 and <= MaxWatchMinutes, $"--max-minutes must be a number from 0 to {MaxWatchMinutes} (a week)");
        var command = options.AddTo(new Command("status", "Show a rollout: steps, weight, state, the latest gate figures and decisions.") { name, watch, poll, maxMinutes });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var model = parse.GetValue(name)!;
            if (!parse.GetValue(watch))
            {
                await WriteAsync(output, await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false), format).ConfigureAwait(false);
                return 0;
            }

            var every = TimeSpan.FromSeconds(parse.GetValue(poll));
            var limit = TimeSpan.FromMinutes(parse.GetValue(maxMinutes));
            await new RolloutWatch(output, client, model, every, limit, format).RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Action(CliOutput output, string action, string description)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var command = options.AddTo(new Command(action, description) { name });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var answer = await client.ChangeRolloutAsync(parse.GetValue(name)!, action, cancellationToken).ConfigureAwait(false);
            await WriteAsync(output, answer, format).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    /// <summary>Prints a rollout: its JSON, a TSV row (without the header when <paramref name="withHeader"/> is false), or the view for people.</summary>
    public static async Task WriteAsync(CliOutput output, AdminAnswer<RolloutStatus> answer, OutputFormat format, bool withHeader = true)
    {
        switch (format)
        {
            case OutputFormat.Json:
                await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                await output.Result.FlushAsync().ConfigureAwait(false);
                break;
            case OutputFormat.Tsv:
                await AdminTsv.RolloutAsync(output.Result, answer.Value, withHeader).ConfigureAwait(false);
                break;
            default:
                output.Console.Write(RolloutRender.Status(answer.Value));
                break;
        }
    }

    private static IReadOnlyList<int>? ParseSteps(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part => int.Parse(part, NumberStyles.Integer, CultureInfo.InvariantCulture))];

    /// <summary>The first part of <c>--steps</c> that is not a whole number, or null when every part is one.</summary>
    private static string? StepsProblem(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(part => !int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
}
