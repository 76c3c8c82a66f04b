using System.Runtime.InteropServices;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// Predictions held for their labels: the newest <see cref="Capacity"/> distinct ids, oldest first, each findable by
/// its id. A prediction under an id already held replaces the earlier one and counts as the newest. Not thread-safe.
/// </summary>
/// <remarks>
/// Every served prediction passes through here, so the per-prediction work is kept to one insert and (when full) one
/// removal on a small index: predictions lie in arrival order in a ring of structs, and the index maps an id to its
/// arrival number, keyed by the Guid itself for the gateway's own ids (32-byte entries, no string). The ring grows by
/// doubling, so an idle gateway holds a few slots rather than <see cref="Capacity"/>.
/// A replaced prediction leaves a dead slot behind. Dead slots never count and are dropped as they reach the front;
/// when they make up half of a full ring, the live slots are closed up and renumbered, so a client that sends one id
/// over and over cannot grow the ring past twice the capacity.
/// </remarks>
internal sealed class HeldPredictions
{
    private const int FirstSlots = 64;

    private readonly Dictionary<Guid, long> _guids = [];
    private readonly Dictionary<string, long> _texts = new(StringComparer.Ordinal);
    private Slot[] _slots = [];
    private int _head;
    private int _used;
    private int _dead;

    // Arrival number of the slot at _head; the slots after it hold the numbers that follow, dead ones included.
    private long _headOrder;

    public HeldPredictions(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most distinct ids held; past it the oldest are forgotten.</summary>
    public int Capacity { get; }

    /// <summary>Distinct ids held now.</summary>
    public int Count => _guids.Count + _texts.Count;

    /// <summary>Ring slots allocated now (live, dead and free): how much memory the ring holds.</summary>
    internal int Slots => _slots.Length;

    /// <summary>Holds a prediction as the newest, replacing one held under the same id, forgetting the oldest when full.</summary>
    public void Add(HeldId id, HeldPrediction held)
    {
        // Pops at the front leave this number as it is; only closing up the ring renumbers, handled below.
        var order = _headOrder + _used;
        ref var indexed = ref IndexEntry(id, out var replacing);
        var previous = indexed;
        indexed = order;

        if (replacing)
        {
            Kill(previous);
        }
        else if (Count > Capacity)
        {
            RemoveOldest();
        }

        if (_used == _slots.Length && MakeRoom())
        {
            order = _headOrder + _used;
            IndexEntry(id, out _) = order;
        }

        var tail = _head + _used;
        _slots[tail < _slots.Length ? tail : tail - _slots.Length] = new Slot(id, held, Live: true);
        _used++;
    }

    /// <summary>The prediction held under this id; false when none is.</summary>
    public bool TryGet(HeldId id, out HeldPrediction held)
    {
        var found = id.Text is null ? _guids.TryGetValue(id.Value, out var order) : _texts.TryGetValue(id.Text, out order);
        held = found ? _slots[Position(order)].Held : default;
        return found;
    }

    /// <summary>The time of the oldest prediction held; false when none is.</summary>
    public bool TryPeekOldest(out DateTimeOffset time)
    {
        // The front slot is always live (dead ones are dropped as they reach it).
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

        var id = _slots[_head].Id;
        _ = id.Text is null ? _guids.Remove(id.Value) : _texts.Remove(id.Text);
        Pop();
        DropDeadFront();
    }

    private ref long IndexEntry(HeldId id, out bool exists) => ref id.Text is null
        ? ref CollectionsMarshal.GetValueRefOrAddDefault(_guids, id.Value, out exists)
        : ref CollectionsMarshal.GetValueRefOrAddDefault(_texts, id.Text, out exists);

    private int Position(long order)
    {
        var position = _head + (int)(order - _headOrder);
        return position < _slots.Length ? position : position - _slots.Length;
    }

    // Marks a replaced prediction's slot dead; its references go at once so it keeps no window alive.
    private void Kill(long order)
    {
        _slots[Position(order)] = default;
        _dead++;
        DropDeadFront();
    }

    private void DropDeadFront()
    {
        while (_used > 0 && !_slots[_head].Live)
        {
            Pop();
            _dead--;
        }
    }

    private void Pop()
    {
        _slots[_head] = default;
        _head = _head + 1 == _slots.Length ? 0 : _head + 1;
        _headOrder++;
        _used--;
    }

    // The ring is full. Closing up pays off once dead slots are half of it (it frees at least as many slots as it
    // moves); before that it grows: to the capacity while nothing is dead, to twice that for the dead slots.
    // True when it closed up, which renumbers the slots.
    private bool MakeRoom()
    {
        if (_dead > 0 && _dead * 2 >= _used)
        {
            CloseUp();
            return true;
        }

        var limit = _dead == 0 ? Capacity : 2 * Capacity;
        var grown = new Slot[Math.Min(limit, Math.Max(FirstSlots, _slots.Length * 2))];
        var first = Math.Min(_used, _slots.Length - _head);
        Array.Copy(_slots, _head, grown, 0, first);
        Array.Copy(_slots, 0, grown, first, _used - first);
        _slots = grown;
        _head = 0;
        return false;
    }

    private void CloseUp()
    {
        var to = _head;
        var order = _headOrder;
        for (var i = 0; i < _used; i++)
        {
            var from = _head + i < _slots.Length ? _head + i : _head + i - _slots.Length;
            var slot = _slots[from];
            if (!slot.Live)
            {
                continue;
            }

            _slots[from] = default;
            _slots[to] = slot;
            var id = slot.Id;
            ref var indexed = ref id.Text is null
                ? ref CollectionsMarshal.GetValueRefOrNullRef(_guids, id.Value)
                : ref CollectionsMarshal.GetValueRefOrNullRef(_texts, id.Text);
            indexed = order++;
            to = to + 1 == _slots.Length ? 0 : to + 1;
        }

        _used = (int)(order - _headOrder);
        _dead = 0;
    }

    /// <summary>One ring slot: the prediction and the id it was held under; a dead slot is default.</summary>
    private readonly record struct Slot(HeldId Id, HeldPrediction Held, bool Live);
}
