namespace Serving.Core.Runtimes.Batching;

/// <summary>
/// What the batching decorator reports for metrics. Called on the batch's own thread, never on a caller's;
/// implementations must be cheap and must not throw.
/// </summary>
public interface IBatchObserver
{
    /// <summary>A request left the queue for a runtime call after waiting <paramref name="waited"/>.</summary>
    void OnDequeued(string model, TimeSpan waited);

    /// <summary>One runtime call takes <paramref name="requests"/> merged requests holding <paramref name="rows"/> rows; reported before any of them is answered.</summary>
    void OnBatch(string model, int requests, int rows);

    /// <summary>
    /// A merged call of <paramref name="requests"/> requests failed, or its outputs could not be split, so each
    /// request was run again alone.
    /// </summary>
    void OnRetriedAlone(string model, int requests);
}
