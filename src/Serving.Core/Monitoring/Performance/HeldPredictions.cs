using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Predictions held for their labels: the newest <see cref="Capacity"/> predictions, oldest first, each findable by
/// its id (under an id predicted more than once, the newest). Not thread-safe.
/// </summary>
/// <remarks>
/// Every served prediction passes through here, and most are never labelled, so holding one costs a write to the
/// next slot of a ring and nothing else. The index from id to slot is built only when a label is looked up: it
/// catches up over the slots added since the last lookup. A replica that gets no feedback never builds it, and one
/// that does pays for it in bulk, not on every prediction. The index is keyed by the Guid itself for the gateway's
/// own ids (small entries, no string). The ring grows by doubling, so an idle gateway holds a few slots rather than
/// <see cref="Capacity"/>.
/// </remarks>
internal sealed class HeldPredictions
{
    private const int FirstSlots = 64;

    private readonly Dictionary<Guid, long> _guids = [];
    private readonly Dictionary<string, long> _texts = new(StringComparer.Ordinal);
    private Slot[] _slots = [];
    private int _head;
    private int _used;

    // Arrival number of the slot at _head; the slots after it hold the numbers that follow.
    private long _headOrder;

    // Slots with arrival numbers below this are in the index.
    private long _indexedTo;

    public HeldPredictions(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most predictions held; past it the oldest are forgotten.</summary>
    public int Capacity { get; }

    /// <summary>Predictions held now.</summary>
    public int Count => _used;

    /// <summary>Ring slots allocated now: how much memory the ring holds.</summary>
    internal int Slots => _slots.Length;

    /// <summary>Ids in the index now (it lags behind the ring until the next lookup).</summary>
    internal int Indexed => _guids.Count + _texts.Count;

    /// <summary>Holds a prediction as the newest, forgetting the oldest when full.</summary>
    public void Add(HeldId id, HeldPrediction held)
    {
        if (_used == Capacity)
        {
            RemoveOldest();
        }

        if (_used == _slots.Length)
        {
            Grow();
        }

        _slots[Position(_headOrder + _used)] = new Slot(id, held);
        _used++;
    }

    /// <summary>The newest prediction held under this id; false when none is.</summary>
    public bool TryGet(HeldId id, out HeldPrediction held)
    {
        CatchUp();
        var found = id.Text is null ? _guids.TryGetValue(id.Value, out var order) : _texts.TryGetValue(id.Text, out order);
        held = found ? _slots[Position(order)].Held : default;
        return found;
    }

    /// <summary>The time of the oldest prediction held; false when none is.</summary>
    public bool TryPeekOldest(out DateTimeOffset time)
    {
        time = _used == 0 ? default : _slots[_head].Held.Time;
        return _used > 0;
    }

    /// <summary>Forgets the oldest prediction held.</summary>
    public void RemoveOldest()
    {
        if (_used == 0)
        {
            throw new InvalidOperationException("No prediction is held.");
        }

        // Only an indexed slot has an entry to remove, and only if a newer prediction under its id has not taken it.
        if (_headOrder < _indexedTo)
        {
            var id = _slots[_head].Id;
            ref var order = ref Entry(id);
            if (!Unsafe.IsNullRef(ref order) && order == _headOrder)
            {
                _ = id.Text is null ? _guids.Remove(id.Value) : _texts.Remove(id.Text);
            }
        }

        _slots[_head] = default;
        _head = _head + 1 == _slots.Length ? 0 : _head + 1;
        _headOrder++;
        _used--;
        _indexedTo = Math.Max(_indexedTo, _headOrder);
    }

    // Indexes the slots added since the last lookup, oldest first, so an id's newest prediction wins.
    private void CatchUp()
    {
        for (var order = _indexedTo; order < _headOrder + _used; order++)
        {
            var id = _slots[Position(order)].Id;
            if (id.Text is null)
            {
                _guids[id.Value] = order;
            }
            else
            {
                _texts[id.Text] = order;
            }
        }

        _indexedTo = _headOrder + _used;
    }

    private ref long Entry(HeldId id) => ref id.Text is null
        ? ref CollectionsMarshal.GetValueRefOrNullRef(_guids, id.Value)
        : ref CollectionsMarshal.GetValueRefOrNullRef(_texts, id.Text);

    private int Position(long order)
    {
        var position = _head + (int)(order - _headOrder);
        return position < _slots.Length ? position : position - _slots.Length;
    }

    private void Grow()
    {
        var grown = new Slot[Math.Min(Capacity, Math.Max(FirstSlots, _slots.Length * 2))];
        var first = Math.Min(_used, _slots.Length - _head);
        Array.Copy(_slots, _head, grown, 0, first);
        Array.Copy(_slots, 0, grown, first, _used - first);
        _slots = grown;
        _head = 0;
    }

    /// <summary>One ring slot: the prediction and the id it was held under.</summary>
    private readonly record struct Slot(HeldId Id, HeldPrediction Held);
}
