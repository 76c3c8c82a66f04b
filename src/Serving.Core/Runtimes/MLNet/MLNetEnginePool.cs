namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// A small lock-free pool of engines for one loaded model. Renting takes an idle engine or makes one; returning
/// keeps it when a slot is free and disposes it otherwise, so the pool never holds more than its slots.
/// It dies with its runtime, so engines of an unloaded model are never lent again.
/// </summary>
internal sealed class MLNetEnginePool : IDisposable
{
    private readonly Func<MLNetEngine> _create;
    private readonly MLNetEngine?[] _slots;

    public MLNetEnginePool(Func<MLNetEngine> create, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _create = create;
        _slots = new MLNetEngine?[size];
    }

    /// <summary>Idle engines held now.</summary>
    public int IdleCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                count += Volatile.Read(ref _slots[i]) is null ? 0 : 1;
            }

            return count;
        }
    }

    public MLNetEngine Rent()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var engine = Volatile.Read(ref _slots[i]);
            if (engine is not null && Interlocked.CompareExchange(ref _slots[i], null, engine) == engine)
            {
                return engine;
            }
        }

        return _create();
    }

    public void Return(MLNetEngine engine)
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _slots[i], engine, null) is null)
            {
                return;
            }
        }

        engine.Dispose();
    }

    /// <summary>Disposes the idle engines; called only once no call is in flight.</summary>
    public void Dispose()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            Interlocked.Exchange(ref _slots[i], null)?.Dispose();
        }
    }
}
