using Serving.Cli.Admin;
using Serving.Core.Rollouts;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary>
/// <c>rollout status --watch</c>: polls the rollout and redraws it in place (Spectre Live) until it ends, the
/// time limit passes, or Ctrl+C. A console that cannot redraw (a pipe, a log) gets one view per change instead.
/// </summary>
internal sealed class RolloutWatch(CliOutput output, AdminApiClient client, string model, TimeSpan every, TimeSpan limit)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var first = (await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false)).Value;
        RolloutStatus last;
        try
        {
            last = output.Console.Profile.Capabilities.Interactive
                ? await LiveAsync(first, timeout.Token).ConfigureAwait(false)
                : await PlainAsync(first, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.Console.MarkupLine($"[yellow]stopped watching after {limit.TotalMinutes:0.#} min; the rollout goes on[/]");
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

    private async Task<RolloutStatus> PlainAsync(RolloutStatus first, CancellationToken cancellationToken)
    {
        var current = first;
        output.Console.Write(RolloutRender.Status(current));
        while (!RolloutRender.IsFinished(current))
        {
            await Task.Delay(every, cancellationToken).ConfigureAwait(false);
            var next = (await client.GetRolloutAsync(model, cancellationToken).ConfigureAwait(false)).Value;
            if (next.State != current.State || next.Weight != current.Weight || next.Decisions.Count != current.Decisions.Count)
            {
                output.Console.Write(RolloutRender.Status(next));
            }

            current = next;
        }

        return current;
    }
}
