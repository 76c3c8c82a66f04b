using System.Globalization;
using Microsoft.Extensions.Options;
using Prometheus;
using Serving.Core.Coordination;
using Serving.Core.Inference;
using Serving.Core.Monitoring;
using Serving.Core.Monitoring.Drift;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Monitoring.Logging.Redis;
using Serving.Core.Monitoring.Performance;
using Serving.Core.Monitoring.Shared;
using Serving.Core.Registry;
using Serving.Core.Rollouts;
using Serving.Core.Storage;
using Serving.Gateway.Metrics;
using Serving.Gateway.Rest.Monitoring;
using Serving.Gateway.Settings;
using StackExchange.Redis;

namespace Serving.Gateway.Hosting;

/// <summary>Wires prediction logging: options, the sink (Redis Streams when Redis is configured, else JSON Lines files), the logger as an observer and a hosted writer, and its metrics.</summary>
internal static class MonitoringHostExtensions
{
    /// <summary>
    /// The one monitoring pipeline: its queue, and the pipeline as the data plane's observer and as a hosted consumer.
    /// Called after every monitor is registered, so the pipeline stops first at shutdown and hands them what is left.
    /// </summary>
    public static IServiceCollection AddMonitoringPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringPipelineOptions>()
            .Bind(configuration.GetSection(MonitoringPipelineOptions.SectionName))
            .ValidateSettings(MonitoringPipelineOptions.SectionName);
        services.AddSingleton(sp => new MonitoringQueue(sp.GetRequiredService<IOptions<MonitoringPipelineOptions>>().Value.QueueCapacity));
        services.AddSingleton<MonitoringPipeline>();
        services.AddSingleton<IInferenceObserver>(sp => sp.GetRequiredService<MonitoringPipeline>());
        services.AddHostedService(sp => sp.GetRequiredService<MonitoringPipeline>());
        return services;
    }

    public static IServiceCollection AddPredictionLogging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PredictionLogOptions>()
            .Bind(configuration.GetSection("Serving:Monitoring:PredictionLog"))
            .ValidateSettings("Serving:Monitoring:PredictionLog")
            .ValidateSettings(o => o.ModelSampleRates
                .Where(r => r.Value is not (>= 0 and <= 1))
                .Select(r => $"Serving:Monitoring:PredictionLog:ModelSampleRates:{r.Key} is '{r.Value.ToString(CultureInfo.InvariantCulture)}'; use a number from 0 to 1"));
        // Decided when the sink is first needed, so configuration added after registration (tests) counts too.
        services.AddSharedRedis();
        services.AddSingleton<IPredictionSink>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PredictionLogOptions>>().Value;
            return RedisConfiguration(sp) is null
                ? new JsonLinesPredictionSink(options.DirectoryIn(sp.GetRequiredService<DataPaths>()), options.MaxFileBytes, options.MaxOpenFiles)
                : new RedisStreamPredictionSink(sp.GetRequiredService<IConnectionMultiplexer>(), options.RedisMaxLength);
        });
        // What events (drift.detected) say about where a window's predictions are: the same choice as the sink's.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PredictionLogOptions>>().Value;
            return !options.Enabled ? PredictionLogLocation.None
                : RedisConfiguration(sp) is null ? PredictionLogLocation.Files(options.DirectoryIn(sp.GetRequiredService<DataPaths>()))
                : PredictionLogLocation.RedisStreams;
        });
        services.AddSingleton<PredictionLogger>();
        services.AddSingleton<IMonitoringConsumer>(sp => sp.GetRequiredService<PredictionLogger>());
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLogger>());
        services.AddReadinessDetail<PredictionLogReadiness>();

        // Accepted feedback labels go next to the file prediction log, for the retrainer to join by id.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PredictionLogOptions>>().Value;
            var directory = options.Enabled && RedisConfiguration(sp) is null ? options.DirectoryIn(sp.GetRequiredService<DataPaths>()) : null;
            return new FeedbackLabelLog(directory, options.QueueCapacity, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FeedbackLabelLog>>());
        });
        services.AddSingleton<IFeedbackLabelSink>(sp => sp.GetRequiredService<FeedbackLabelLog>());
        services.AddHostedService(sp => sp.GetRequiredService<FeedbackLabelLog>());
        services.AddSharedMonitoring();
        return services;
    }

    /// <summary>
    /// With Redis, drift, live performance and rollout analysis are fed on the leader from the prediction streams (consumer group
    /// <see cref="RedisMonitorFeed.Group"/>) rather than by this process's requests, feedback taken by any replica is
    /// joined there, and the leader's drift and performance reports go to Redis for every replica's GET; without Redis both stand idle and the monitors observe requests as before.
    /// </summary>
    private static void AddSharedMonitoring(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RedisMonitorFeed(
            sp.GetRequiredService<IConnectionMultiplexer>(),
            () => sp.GetRequiredService<ModelRegistry>().Current.Models.Keys,
            sp.GetService<ILeadership>() ?? SingleProcessLeadership.Instance,
            [sp.GetRequiredService<DriftMonitor>(), sp.GetRequiredService<PerformanceMonitor>(), sp.GetRequiredService<VersionTrafficStats>()],
            () => Task.WhenAll(
                sp.GetRequiredService<DriftMonitor>().FlushAsync(TimeSpan.FromSeconds(30)),
                sp.GetRequiredService<PerformanceMonitor>().CatchUpAsync(TimeSpan.FromSeconds(30))),
            sp.GetRequiredService<ILogger<RedisMonitorFeed>>(),
            items => sp.GetRequiredService<PerformanceMonitor>().AddFeedback(items)));
        services.AddSingleton(sp => new RedisFeedbackQueue(sp.GetRequiredService<IConnectionMultiplexer>()));
        services.AddSingleton(sp => new MonitorSnapshots(sp.GetRequiredService<IConnectionMultiplexer>()));
        services.AddSingleton(sp => new MonitorSnapshotWriter(
            sp.GetRequiredService<MonitorSnapshots>(),
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetService<ILeadership>() ?? SingleProcessLeadership.Instance,
            [
                (MonitorSnapshots.Drift, model => DriftJson(sp.GetRequiredService<DriftMonitor>(), model)),
                (MonitorSnapshots.Performance, model => Json(sp.GetRequiredService<PerformanceMonitor>().Report(model), PerformanceReportWriter.Write)),
            ]));
        services.AddSingleton<IHostedService>(sp => sp.UsesRedis() ? sp.GetRequiredService<RedisMonitorFeed>() : IdleService.Instance);
        services.AddSingleton<IHostedService>(sp => sp.UsesRedis() ? sp.GetRequiredService<MonitorSnapshotWriter>() : IdleService.Instance);
    }

    /// <summary>A monitor as the observer of this process's requests, or nothing when the shared feed gives it every replica's.</summary>
    public static IMonitoringConsumer LocalConsumer(IServiceProvider services, IMonitoringConsumer monitor) =>
        services.UsesRedis() ? NoMonitoringConsumer.Instance : monitor;

    private static byte[]? DriftJson(DriftMonitor monitor, string model) =>
        monitor.Report(model) is { } report ? Json(report, DriftReportJson.Write) : null;

    private static byte[] Json<T>(T report, Action<System.Text.Json.Utf8JsonWriter, T> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            write(writer, report);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Queue depth, drops and writes of the prediction log, read at scrape time.</summary>
    public static void AddPredictionLogMetrics(IServiceProvider services)
    {
        var logger = services.GetRequiredService<PredictionLogger>();
        var registry = services.GetRequiredService<GatewayMetricsRegistry>().Registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var depth = factory.CreateGauge("serving_prediction_log_queue_depth", "Prediction records waiting to be written.");
        var dropped = factory.CreateCounter("serving_prediction_log_dropped_total", "Prediction records dropped: the queue was full, or the record can never be written (see serving_prediction_log_unwritable_total).");
        var unwritable = factory.CreateCounter("serving_prediction_log_unwritable_total", "Prediction records dropped because they can never be written (path too long, invalid name, serialization), by reason.", ["reason"]);
        foreach (var reason in PredictionWriteFailure.Reasons)
        {
            // Every reason from the start, at zero, so that rate() and alerts see the series before the first drop.
            unwritable.WithLabels(reason);
        }

        var written = factory.CreateCounter("serving_prediction_log_written_total", "Prediction records written to the sink.");
        var failures = factory.CreateCounter("serving_prediction_log_sink_failures_total", "Failed writes to the prediction log sink (each retried).");
        var labels = services.GetRequiredService<FeedbackLabelLog>();
        var labelsWritten = factory.CreateCounter("serving_feedback_labels_log_written_total", "Accepted feedback label sets appended to the labels log (labels-*.jsonl next to the prediction log).");
        var labelsDropped = factory.CreateCounter("serving_feedback_labels_log_dropped_total", "Accepted feedback label sets not appended to the labels log: its queue was full, or the file could not be written.");
        registry.AddBeforeCollectCallback(() =>
        {
            labelsWritten.IncTo(labels.Written);
            labelsDropped.IncTo(labels.Dropped);
            depth.Set(logger.Depth);
            dropped.IncTo(logger.Dropped);
            written.IncTo(logger.Written);
            failures.IncTo(logger.SinkFailures);
            foreach (var (reason, count) in logger.Unwritable)
            {
                unwritable.WithLabels(reason).IncTo(count);
            }
        });
    }

    private static string? RedisConfiguration(IServiceProvider services) => RedisHostExtensions.RedisConfiguration(services);
}
