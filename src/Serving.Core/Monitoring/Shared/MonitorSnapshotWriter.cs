using Microsoft.Extensions.Hosting;
using Serving.Core.Coordination;
using Serving.Core.Registry;
using StackExchange.Redis;

namespace Serving.Core.Monitoring.Shared;

/// <summary>On the leader, writes each model's reports to <see cref="MonitorSnapshots"/> every <see cref="Interval"/>.</summary>
/// <param name="reports">Per kind, the report's JSON for a model (null when there is none).</param>
public sealed class MonitorSnapshotWriter(MonitorSnapshots snapshots, ModelRegistry registry, ILeadership leadership, IReadOnlyList<(string Kind, Func<string, byte[]?> Render)> reports) : BackgroundService
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
                if (leadership.IsLeader)
                    await WriteAllAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Writes every model's reports once; Redis away is skipped until the next round.</summary>
    internal async Task WriteAllAsync()
    {
        try
        {
            foreach (var model in registry.Current.Models.Keys)
            {
                foreach (var (kind, render) in reports)
                {
                    if (render(model) is { } json)
                        await snapshots.WriteAsync(kind, model, json).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The feed logs the outage; the next round writes again.
        }
    }
}
