using Spectre.Console;

namespace Serving.Cli.Scoring;

/// <summary>
/// A progress bar on standard error while a run lasts, only when that is an interactive terminal: piped into a log or
/// run by a CronJob, a bar is noise, and the closing summary line says all.
/// </summary>
internal static class ScoreProgress
{
    public static async Task<T> RunAsync<T>(IAnsiConsole console, string description, Func<Action<double>, Task<T>> work)
    {
        if (!console.Profile.Out.IsTerminal || !console.Profile.Capabilities.Interactive)
        {
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: 1.0);
                var result = await work(fraction => task.Value = Math.Clamp(fraction, 0, 1)).ConfigureAwait(false);
                task.Value = 1.0;
                return result;
            }).ConfigureAwait(false);
    }
}
