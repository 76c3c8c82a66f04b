using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// One caller's request waiting in a batching queue, and the answer it waits for. The caller may stop waiting
/// (its token fires); the batch it joined runs on regardless and its share is dropped.
/// </summary>
internal sealed class PendingRun
{
    private readonly TaskCompletionSource<Tensor[]> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;

    public PendingRun(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, int rows, long enqueuedAt)
    {
        Inputs = inputs;
        OutputNames = outputNames;
        Rows = rows;
        EnqueuedAt = enqueuedAt;
    }

    public IReadOnlyList<Tensor> Inputs { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Rows along the batch dimension.</summary>
    public int Rows { get; }

    /// <summary>When it joined the queue (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long EnqueuedAt { get; }

    /// <summary>Whether it still waits in the queue; read and written under the queue's lock.</summary>
    public bool IsQueued { get; set; }

    public Task<Tensor[]> Answer => _answer.Task;

    /// <summary>Whether the caller stopped waiting (or an answer was already given).</summary>
    public bool IsDone => _answer.Task.IsCompleted;

    /// <summary>Lets the caller stop waiting when <paramref name="token"/> fires; <paramref name="onCancel"/> takes it off the queue.</summary>
    public void WatchCancellation(CancellationToken token, Action<PendingRun> onCancel)
    {
        if (token.CanBeCanceled)
        {
            _cancellation = token.UnsafeRegister(static (state, token) =>
            {
                var (pending, onCancel) = ((PendingRun, Action<PendingRun>))state!;
                onCancel(pending);
                pending._answer.TrySetCanceled(token);
            }, (this, onCancel));
        }
    }

    /// <summary>Stops watching the caller's token: the request never joined the queue.</summary>
    public void StopWatching() => _cancellation.Unregister();

    public void Succeed(Tensor[] outputs)
    {
        _cancellation.Unregister();
        _answer.TrySetResult(outputs);
    }

    public void Fail(Exception exception)
    {
        _cancellation.Unregister();
        _answer.TrySetException(exception);
    }
}
