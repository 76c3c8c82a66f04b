using Prometheus;
using Serving.Core.Coordination;
using Serving.Core.Routing.Redis;
using Serving.Gateway.Hosting;

namespace Serving.Gateway.Metrics;

/// <summary>Leadership and shared deployment state across replicas, read at scrape time (only when Redis is in use).</summary>
internal static class CoordinationMetrics
{
    public static void Register(IServiceProvider services)
    {
        var leadership = services.GetRequiredService<ILeadership>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var leader = factory.CreateGauge("serving_leader", "1 while this replica is the leader (runs rollout steps and schedules), else 0; always 1 without Redis.");
        if (!services.UsesRedis())
        {
            registry.AddBeforeCollectCallback(() => leader.Set(leadership.IsLeader ? 1 : 0));
            return;
        }

        var lease = services.GetRequiredService<RedisLeaderLease>();
        var state = services.GetRequiredService<RedisDeploymentStateStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var renewals = factory.CreateCounter("serving_leader_lease_renewals_total", "Successful renewals of the leader lease by this replica.");
        var failures = factory.CreateCounter("serving_leader_lease_renewal_failures_total", "Renewals of the leader lease that failed (Redis unreachable, or the lease found taken).");
        var token = factory.CreateGauge("serving_leader_fencing_token", "The fencing token of this replica's latest term as leader (0 before any).");
        var version = factory.CreateGauge("serving_deployment_state_version", "The newest version of the shared deployment state this replica has seen.");
        var age = factory.CreateGauge("serving_deployment_state_last_applied_age_seconds", "Seconds since this replica last applied another replica's deployment change (-1 before the first).");
        var refused = factory.CreateCounter("serving_deployment_state_fenced_writes_total", "Leader-only writes refused because a newer leader held the lease (this replica was an old leader).");
        var deferred = factory.CreateCounter("serving_deployment_state_write_failures_total", "Deployment changes that could not be written to Redis at once (written when it answers again).");
        registry.AddBeforeCollectCallback(() =>
        {
            leader.Set(lease.IsLeader ? 1 : 0);
            renewals.IncTo(lease.Renewals);
            failures.IncTo(lease.RenewalFailures);
            token.Set(lease.FencingToken);
            version.Set(state.Version);
            age.Set(state.LastAppliedAt is { } at ? (time.GetUtcNow() - at).TotalSeconds : -1);
            refused.IncTo(state.FencedRefusals);
            deferred.IncTo(state.WriteFailures);
        });
    }
}
