namespace Serving.Core.Runtimes;

/// <summary>
/// Counts calls in flight so that a runtime's native resources are freed only after the last call that
/// entered before <see cref="Dispose"/> has left: disposing under a running native call would crash the process.
/// </summary>
internal sealed class RuntimeLifetime
{
    // The top bit marks "disposed"; the rest counts calls in flight.
    private const long DisposedBit = 1L << 62;

    private readonly Action _free;
    private long _state;
    private int _freed;

    public RuntimeLifetime(Action free) => _free = free;

    /// <summary>Whether <see cref="Dispose"/> has been called.</summary>
    public bool IsDisposed => (Volatile.Read(ref _state) & DisposedBit) != 0;

    /// <summary>Enters a call; throws <see cref="ObjectDisposedException"/> once disposed.</summary>
    public void Enter(object owner)
    {
        if ((Interlocked.Increment(ref _state) & DisposedBit) != 0)
        {
            Exit();
            throw new ObjectDisposedException(owner.GetType().Name, "The model runtime has been disposed.");
        }
    }

    /// <summary>Leaves a call; the last one out after disposal frees.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _state) == DisposedBit)
        {
            Free();
        }
    }

    /// <summary>Marks disposed; frees now when no call is in flight.</summary>
    public void Dispose()
    {
        var before = Interlocked.Or(ref _state, DisposedBit);
        if (before == 0)
        {
            Free();
        }
    }

    private void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
        {
            _free();
        }
    }
}
