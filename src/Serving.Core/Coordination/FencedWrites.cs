namespace Serving.Core.Coordination;

/// <summary>
/// Marks the writes that only the leader may make (rollout steps and decisions): a store that shares state checks
/// them against the fencing token, so an old leader that has not yet noticed it lost the lease is refused. Writes
/// outside a scope (an admin's change, on any replica) are not fenced.
/// </summary>
public static class FencedWrites
{
    [ThreadStatic]
    private static int _depth;

    /// <summary>Whether the current thread is inside a leader-only scope.</summary>
    public static bool Active => _depth > 0;

    /// <summary>Opens a leader-only scope on this thread until the returned value is disposed.</summary>
    public static Scope Begin()
    {
        _depth++;
        return default;
    }

    /// <summary>Ends the scope it was returned by.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => _depth--;
    }
}
