using Serving.Cli.Admin;
using Serving.Core.Rollouts;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary>
/// <c>rollout status --watch</c>: polls the rollout and redraws it in place (Spectre Live) until it ends, the
/// time limit passes, or Ctrl+C. A console that cannot redraw (a pipe, a log), or <c>--output tsv|json</c>, gets
/// one view per change instead (TSV: the header once, then a row per change; JSON: one answer per line).
/// </summary>
internal sealed class RolloutWatch(CliOutput output, AdminApiClient client, string model, TimeSpan every, TimeSpan limit, OutputFormat format)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var first = await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false);
        RolloutStatus last;
        try
        {
            last = format == OutputFormat.Table && output.Console.Profile.Capabilities.Interactive
                ? await LiveAsync(first.Value, timeout.Token).ConfigureAwait(false)
                : await PlainAsync(first, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.Console.MarkupLine($"[yellow]stopped watching after {WatchLimitText.Of(limit)}; the rollout goes on[/]");
            return;
        }
        catch (OperationCanceledException)
        {
            output.Console.MarkupLine("[yellow]stopped watching; the rollout goes on[/]");
            return;
        }

        output.Console.MarkupLineInterpolated($"rollout of {model} ended: {last.State}");
    }

    private async Task<RolloutStatus> LiveAsync(RolloutStatus first, CancellationToken cancellationToken)
    {
        var current = first;
        await output.Console.Live(RolloutRender.Status(current)).StartAsync(async context =>
        {
            while (!RolloutRender.IsFinished(current))
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                current = (await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false)).Value;
                context.UpdateTarget(RolloutRender.Status(current));
                context.Refresh();
            }
        }).ConfigureAwait(false);
        return current;
    }

    private async Task<RolloutStatus> PlainAsync(AdminAnswer<RolloutStatus> first, CancellationToken cancellationToken)
    {
        var current = first.Value;
        await RolloutCommand.WriteAsync(output, first, format).ConfigureAwait(false);
        while (!RolloutRender.IsFinished(current))
        {
            await Task.Delay(every, cancellationToken).ConfigureAwait(false);
            var next = await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false);
            if (next.Value.State != current.State || next.Value.Weight != current.Weight || next.Value.Decisions.Count != current.Decisions.Count)
            {
                await RolloutCommand.WriteAsync(output, next, format, withHeader: false).ConfigureAwait(false);
            }

            current = next.Value;
        }

        return current;
    }
}
