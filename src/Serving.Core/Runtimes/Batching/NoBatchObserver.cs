namespace Serving.Core.Runtimes.Batching;

/// <summary>Reports nothing: for hosts without metrics (the CLI, tests).</summary>
public sealed class NoBatchObserver : IBatchObserver
{
    public static readonly NoBatchObserver Instance = new();

    private NoBatchObserver()
    {
    }

    public void OnDequeued(string model, TimeSpan waited)
    {
    }

    public void OnBatch(string model, int requests, int rows)
    {
    }

    public void OnRetriedAlone(string model, int requests)
    {
    }
}
