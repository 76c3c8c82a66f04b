using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Inference;

/// <summary>An observer that throws is counted and logged; the answer it observed stands.</summary>
public sealed class InferenceObserverGuardTests : IDisposable
{
    private readonly TestRegistry _test = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _log = new();
    private readonly InferenceObserverFailures _failures;
    private readonly RecordingObserver _recorder = new();
    private readonly InferenceService _service;

    public InferenceObserverGuardTests()
    {
        _test.Publish("m", 1);
        _test.Registry.Scan();
        _failures = new InferenceObserverFailures(_log, _time);
        _service = new InferenceService(
            _test.Registry,
            _test.Deployments,
            new TrafficRouter(new SharedRandomSource()),
            Options.Create(new ServingOptions()),
            [new ThrowingObserver(), _recorder],
            _time,
            _failures);
    }

    public void Dispose() => _test.Dispose();

    private static InferenceRequest Request(long columns = 3) => new()
    {
        ModelName = "m",
        Inputs = [Tensor.FromValues("features", TensorDataType.FP32, [1, columns], (ReadOnlySpan<float>)new float[columns])],
    };

    [Fact]
    public async Task A_throwing_observer_neither_fails_the_prediction_nor_stops_the_other_observers()
    {
        var response = await _service.InferAsync(Request(), CancellationToken.None);

        Assert.Equal("1", response.ModelVersion);
        var record = Assert.Single(_recorder.Completed);
        Assert.Null(record.Error);
        Assert.Equal(2, Assert.Single(_failures.Counts, c => c.Key == nameof(ThrowingObserver)).Value);
    }

    [Fact]
    public async Task A_refused_request_keeps_its_own_error_when_an_observer_throws()
    {
        var error = await Assert.ThrowsAsync<InferenceException>(() => _service.InferAsync(Request(columns: 2), CancellationToken.None).AsTask());

        Assert.Equal(InferenceErrorKind.BadRequest, error.Kind);
        Assert.Equal(InferenceErrorKind.BadRequest, Assert.Single(_recorder.Completed).Error);
    }

    [Fact]
    public async Task Failures_are_logged_once_a_minute_per_observer_type_with_the_count_so_far()
    {
        for (var i = 0; i < 5; i++)
        {
            await _service.InferAsync(Request(), CancellationToken.None);
        }

        var first = Assert.Single(_log.Errors);
        Assert.Contains("ThrowingObserver", first, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(61));
        await _service.InferAsync(Request(), CancellationToken.None);

        Assert.Equal(2, _log.Errors.Count);
        Assert.Contains("(11 failures so far", _log.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_request_is_abandoned_not_left_in_flight()
    {
        var runtime = _test.Factory.Loaded.Single(r => !r.IsDisposed);
        using var cancel = new CancellationTokenSource();
        runtime.BeforeRun = () =>
        {
            cancel.Cancel();
            cancel.Token.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _service.InferAsync(Request(), cancel.Token).AsTask());

        Assert.Equal((1, 1, 0), (_recorder.Started, _recorder.Abandoned, _recorder.Completed.Count));
    }

    private sealed class ThrowingObserver : IInferenceObserver
    {
        public void OnStarted(InferenceRequest request) => throw new InvalidOperationException("observer bug on start");

        public void OnCompleted(InferenceRecord record) => throw new InvalidOperationException("observer bug on completion");
    }

    private sealed class CapturingLogger : ILogger<InferenceObserverFailures>
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error)
            {
                Errors.Add(formatter(state, exception));
            }
        }
    }
}

/// <summary>Keeps what it observed.</summary>
internal sealed class RecordingObserver : IInferenceObserver
{
    public int Started { get; private set; }

    public int Abandoned { get; private set; }

    public List<InferenceRecord> Completed { get; } = [];

    public void OnStarted(InferenceRequest request) => Started++;

    public void OnCompleted(InferenceRecord record) => Completed.Add(record);

    public void OnAbandoned(InferenceRequest request) => Abandoned++;
}
