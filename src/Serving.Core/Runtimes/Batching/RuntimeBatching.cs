using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// Decides, per loaded runtime, whether it is served through a <see cref="BatchingRuntime"/>: when its model has
/// batching on and every input and output of the artifact has a variable leading (batch) dimension.
/// </summary>
public sealed class RuntimeBatching
{
    private readonly Func<string, BatchingOptions?> _settingsOf;
    private readonly IBatchObserver _observer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="settingsOf">A model's batching settings, or null when it has none.</param>
    public RuntimeBatching(Func<string, BatchingOptions?> settingsOf, IBatchObserver? observer = null, TimeProvider? time = null, ILogger<RuntimeBatching>? logger = null)
    {
        _settingsOf = settingsOf;
        _observer = observer ?? NoBatchObserver.Instance;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<RuntimeBatching>.Instance;
    }

    /// <summary>The settings <paramref name="model"/> batches with, or null when it does not batch.</summary>
    public BatchingOptions? For(string model) => _settingsOf(model) is { Enabled: true } options ? options : null;

    /// <summary><paramref name="runtime"/> behind a batching queue when <paramref name="model"/> batches, else itself.</summary>
    public IModelRuntime Wrap(string model, int version, IModelRuntime runtime)
    {
        if (For(model) is not { } options)
        {
            return runtime;
        }

        if (!BatchingRuntime.CanBatch(runtime))
        {
            BatchingLog.CannotBatch(_logger, model, version);
            return runtime;
        }

        return new BatchingRuntime(runtime, model, options, _observer, _time);
    }
}
