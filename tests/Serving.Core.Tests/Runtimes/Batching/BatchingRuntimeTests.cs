using Microsoft.Extensions.Time.Testing;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Runtimes.Batching;

namespace Serving.Core.Tests.Runtimes.Batching;

/// <summary>
/// The batching decorator over a recording runtime. Time is a <see cref="FakeTimeProvider"/> that only moves when a
/// test advances it, so "the delay has not passed" is exact; a batch that is due runs on the thread pool, so tests
/// wait for answers with a (generous) real timeout.
/// </summary>
public sealed class BatchingRuntimeTests
{
    private static readonly string[] Y = ["y"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Long enough for a wrongly started batch to show, short enough to keep the suite quick.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(150);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingRuntime _inner = new();
    private readonly RecordingBatchObserver _observer = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private BatchingRuntime Batching(int maxBatchSize = 64, int delayMicroseconds = 1_000_000, params int[] preferred) =>
        new(_inner, "m", new BatchingOptions
        {
            Enabled = true,
            MaxBatchSize = maxBatchSize,
            MaxQueueDelayMicroseconds = delayMicroseconds,
            PreferredBatchSizes = [.. preferred],
        }, _observer, _time);

    private static Tensor X(params float[][] rows) =>
        Tensor.FromValues("x", TensorDataType.FP32, [rows.Length, rows[0].Length], (ReadOnlySpan<float>)[.. rows.SelectMany(r => r)]);

    private static Task<Tensor[]> Run(BatchingRuntime runtime, Tensor x) => RunUntil(runtime, x, Cancel);

    private static Task<Tensor[]> RunUntil(BatchingRuntime runtime, Tensor x, CancellationToken token) =>
        runtime.RunAsync([x], Y, token).AsTask();

    private static void AssertDoubled(Tensor x, Tensor[] outputs)
    {
        var y = Assert.Single(outputs);
        Assert.Equal("y", y.Name);
        Assert.Equal(x.Shape, y.Shape);
        Assert.Equal(x.AsSpan<float>().ToArray().Select(v => 2 * v), y.AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task Concurrent_requests_run_as_one_call_and_each_gets_its_own_rows_back()
    {
        using var runtime = Batching(maxBatchSize: 6);
        Tensor[] inputs = [X([1, 2]), X([3, 4], [5, 6]), X([7, 8]), X([9, 10], [11, 12])];

        var answers = inputs.Select(x => Run(runtime, x)).ToList();
        var outputs = await Task.WhenAll(answers).WaitAsync(Patience, Cancel);

        Assert.Equal([6L], _inner.CallRows);
        for (var i = 0; i < inputs.Length; i++)
        {
            AssertDoubled(inputs[i], outputs[i]);
        }

        Assert.Equal([("m", 4, 6)], _observer.Batches);
        Assert.Equal(4, _observer.Waits.Count);
    }

    [Fact]
    public async Task A_full_batch_runs_at_once_and_the_rest_waits_for_the_next()
    {
        using var runtime = Batching(maxBatchSize: 4);

        var first = Enumerable.Range(0, 4).Select(i => Run(runtime, X([i, i]))).ToList();
        await Task.WhenAll(first).WaitAsync(Patience, Cancel);
        var fifth = Run(runtime, X([4, 4]));
        await Task.Delay(Settle, Cancel);

        Assert.Equal([4L], _inner.CallRows);
        Assert.False(fifth.IsCompleted);
    }

    [Fact]
    public async Task A_lone_request_waits_out_the_delay_and_no_longer()
    {
        using var runtime = Batching(delayMicroseconds: 2000);

        var answer = Run(runtime, X([1, 1]));
        await Task.Delay(Settle, Cancel);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Task.Delay(Settle, Cancel);
        Assert.False(answer.IsCompleted);
        Assert.Empty(_inner.Calls);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        AssertDoubled(X([1, 1]), await answer.WaitAsync(Patience, Cancel));
        Assert.Equal([1L], _inner.CallRows);
        Assert.Equal(TimeSpan.FromMilliseconds(2), Assert.Single(_observer.Waits));
    }

    [Fact]
    public async Task A_preferred_size_runs_without_waiting_out_the_delay()
    {
        using var runtime = Batching(maxBatchSize: 64, delayMicroseconds: 1_000_000, 2);

        var a = Run(runtime, X([1, 1]));
        var b = Run(runtime, X([2, 2]));
        await Task.WhenAll(a, b).WaitAsync(Patience, Cancel);
        var c = Run(runtime, X([3, 3]));
        await Task.Delay(Settle, Cancel);

        Assert.Equal([2L], _inner.CallRows);
        Assert.False(c.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        AssertDoubled(X([3, 3]), await c.WaitAsync(Patience, Cancel));
        Assert.Equal([2L, 1L], _inner.CallRows);
    }

    [Fact]
    public async Task The_largest_preferred_size_that_is_waiting_is_taken()
    {
        using var runtime = Batching(maxBatchSize: 64, delayMicroseconds: 1_000_000, 2, 4);

        // Hold the first batch so that five more requests queue behind it.
        _inner.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new[] { Run(runtime, X([0, 0])), Run(runtime, X([0, 0])) };
        while (_inner.Calls.IsEmpty)
        {
            await Task.Delay(10, Cancel);
        }

        var queued = Enumerable.Range(1, 5).Select(i => Run(runtime, X([i, i]))).ToList();
        _inner.Gate.SetResult();
        await Task.WhenAll(held).WaitAsync(Patience, Cancel);
        await Task.WhenAll(queued.Take(4)).WaitAsync(Patience, Cancel);
        await Task.Delay(Settle, Cancel);

        Assert.Equal([2L, 4L], _inner.CallRows);
        Assert.False(queued[4].IsCompleted);
    }

    [Fact]
    public async Task A_bad_request_fails_alone_and_its_batch_mates_get_their_answers()
    {
        using var runtime = Batching(maxBatchSize: 4);
        Tensor[] inputs = [X([1, 2]), X([3, -4]), X([5, 6]), X([7, 8])];

        var answers = inputs.Select(x => Run(runtime, x)).ToList();
        await Task.WhenAll(answers.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Patience, Cancel);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => answers[1]);
        Assert.Equal("cannot take -4", error.Message);
        foreach (var i in new[] { 0, 2, 3 })
        {
            AssertDoubled(inputs[i], await answers[i]);
        }

        // One merged call that failed, then each request alone.
        Assert.Equal([4L, 1L, 1L, 1L, 1L], _inner.CallRows);
        Assert.Equal(4, _observer.RetriedAlone);
    }

    [Fact]
    public async Task Outputs_that_do_not_follow_the_batch_are_not_split_but_each_request_runs_alone()
    {
        var inner = new RecordingRuntime { SumsRows = true };
        using var runtime = new BatchingRuntime(inner, "m", new BatchingOptions { Enabled = true, MaxBatchSize = 2, MaxQueueDelayMicroseconds = 1_000_000 }, _observer, _time);

        var a = Run(runtime, X([1, 2]));
        var b = Run(runtime, X([3, 4]));
        var outputs = await Task.WhenAll(a, b).WaitAsync(Patience, Cancel);

        Assert.Equal([3L, 4L], outputs[1][0].AsSpan<float>().ToArray().Select(v => (long)v));
        Assert.Equal([1L, 2L], outputs[0][0].AsSpan<float>().ToArray().Select(v => (long)v));
        Assert.Equal([2L, 1L, 1L], inner.CallRows);
    }

    [Fact]
    public async Task Requests_whose_rows_differ_in_shape_are_not_merged()
    {
        using var runtime = Batching(maxBatchSize: 2);

        var narrow = Run(runtime, X([1, 2]));
        var wide = Run(runtime, X([1, 2, 3]));
        AssertDoubled(X([1, 2]), await narrow.WaitAsync(Patience, Cancel));
        await Task.Delay(Settle, Cancel);
        Assert.False(wide.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        AssertDoubled(X([1, 2, 3]), await wide.WaitAsync(Patience, Cancel));
        Assert.Equal([[2L], [3L]], _inner.Calls.Select(c => c.RowShape));
        Assert.Equal([1L, 1L], _inner.CallRows);
    }

    [Fact]
    public async Task A_request_larger_than_a_batch_or_without_a_batch_dimension_runs_straight_through()
    {
        using var runtime = Batching(maxBatchSize: 2);
        var big = X([1, 1], [2, 2], [3, 3]);
        var scalar = Tensor.FromValues("x", TensorDataType.FP32, [], (ReadOnlySpan<float>)[5f]);

        AssertDoubled(big, await Run(runtime, big).WaitAsync(Patience, Cancel));
        var outputs = await Run(runtime, scalar).WaitAsync(Patience, Cancel);

        Assert.Equal([10f], outputs[0].AsSpan<float>().ToArray());
        Assert.Empty(_observer.Batches);
    }

    [Fact]
    public async Task A_caller_that_gives_up_leaves_the_queue_and_does_not_cancel_the_batch()
    {
        using var runtime = Batching(maxBatchSize: 3);
        using var giveUp = new CancellationTokenSource();

        var leaving = RunUntil(runtime, X([1, 1]), giveUp.Token);
        var staying = Run(runtime, X([2, 2]));
        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving.WaitAsync(Patience, Cancel));

        // The one who left no longer counts towards a full batch: two more are needed.
        var third = Run(runtime, X([3, 3]));
        await Task.Delay(Settle, Cancel);
        Assert.Empty(_inner.Calls);
        var fourth = Run(runtime, X([4, 4]));

        await Task.WhenAll(staying, third, fourth).WaitAsync(Patience, Cancel);
        var call = Assert.Single(_inner.Calls);
        Assert.Equal(3, call.Rows);
        Assert.False(call.Cancellable);
    }

    [Fact]
    public async Task A_caller_that_gives_up_during_the_call_gets_cancelled_and_the_others_their_answers()
    {
        using var runtime = Batching(maxBatchSize: 2);
        using var giveUp = new CancellationTokenSource();
        _inner.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var leaving = RunUntil(runtime, X([1, 1]), giveUp.Token);
        var staying = Run(runtime, X([2, 2]));
        while (_inner.Calls.IsEmpty)
        {
            await Task.Delay(10, Cancel);
        }

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving.WaitAsync(Patience, Cancel));
        _inner.Gate.SetResult();

        AssertDoubled(X([2, 2]), await staying.WaitAsync(Patience, Cancel));
        Assert.Equal([2L], _inner.CallRows);
    }

    [Fact]
    public async Task One_batch_runs_at_a_time_unless_more_are_allowed_and_the_queue_grows_meanwhile()
    {
        var options = new BatchingOptions { Enabled = true, MaxBatchSize = 2, MaxQueueDelayMicroseconds = 0, MaxConcurrentBatches = 2 };
        using var runtime = new BatchingRuntime(_inner, "m", options, _observer, _time);
        _inner.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // With no delay each call starts as soon as a batch may run: two run at once, the rest wait and then merge.
        var first = Run(runtime, X([1, 1]));
        while (_inner.Calls.IsEmpty)
        {
            await Task.Delay(10, Cancel);
        }

        var second = Run(runtime, X([2, 2]));
        while (_inner.Calls.Count < 2)
        {
            await Task.Delay(10, Cancel);
        }

        var waiting = new[] { Run(runtime, X([3, 3])), Run(runtime, X([4, 4])) };
        await Task.Delay(Settle, Cancel);
        Assert.Equal(2, _inner.Calls.Count);

        _inner.Gate.SetResult();
        await Task.WhenAll([first, second, .. waiting]).WaitAsync(Patience, Cancel);
        Assert.Equal([1L, 1L, 2L], _inner.CallRows);
    }

    [Fact]
    public async Task Disposing_runs_what_is_queued_then_disposes_the_runtime_and_refuses_new_calls()
    {
        var runtime = Batching(maxBatchSize: 64);
        var a = Run(runtime, X([1, 1]));
        var b = Run(runtime, X([2, 2]));

        runtime.Dispose();

        var outputs = await Task.WhenAll(a, b).WaitAsync(Patience, Cancel);
        AssertDoubled(X([2, 2]), outputs[1]);
        await runtime.Completion.WaitAsync(Patience, Cancel);
        Assert.True(_inner.IsDisposed);
        Assert.Equal([2L], _inner.CallRows);
        Assert.Throws<ObjectDisposedException>(() => { _ = runtime.RunAsync([X([3, 3])], Y, Cancel); });
    }

    [Fact]
    public async Task Disposing_waits_for_the_batch_in_flight_before_disposing_the_runtime()
    {
        var runtime = Batching(maxBatchSize: 1);
        _inner.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Run(runtime, X([1, 1]));
        while (_inner.Calls.IsEmpty)
        {
            await Task.Delay(10, Cancel);
        }

        runtime.Dispose();
        await Task.Delay(Settle, Cancel);
        Assert.False(_inner.IsDisposed);

        _inner.Gate.SetResult();
        AssertDoubled(X([1, 1]), await running.WaitAsync(Patience, Cancel));
        await runtime.Completion.WaitAsync(Patience, Cancel);
        Assert.True(_inner.IsDisposed);
    }
}
