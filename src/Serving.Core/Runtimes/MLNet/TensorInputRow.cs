using Microsoft.ML;
using Microsoft.ML.Data;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// The model's input schema as one movable row over request tensors: getters read row <see cref="Row"/> of the
/// bound tensors, so no per-row object is built. Each move advances <see cref="Position"/>, which is how ML.NET
/// transforms know that cached values are stale. Not thread-safe: one engine owns it.
/// </summary>
internal sealed class TensorInputRow : DataViewRow
{
    private readonly Delegate?[] _gettersByColumn;
    private readonly Tensor?[] _bound;
    private readonly int[] _widths;
    private long _position = -1;

    public TensorInputRow(MLNetModelLayout layout)
    {
        Schema = layout.InputSchema;
        _bound = new Tensor?[layout.Inputs.Length];
        _widths = new int[layout.Inputs.Length];
        _gettersByColumn = new Delegate?[Schema.Count];
        for (var slot = 0; slot < layout.Inputs.Length; slot++)
        {
            var column = layout.Inputs[slot];
            _gettersByColumn[column.Column.Index] = MLNetInputGetters.Create(column, this, slot);
        }
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    public override long Batch => 0;

    /// <summary>The row of the bound tensors the getters read.</summary>
    public int Row { get; private set; }

    public Tensor Input(int slot) => _bound[slot]!;

    /// <summary>Elements per row of the tensor in <paramref name="slot"/>.</summary>
    public int Width(int slot) => _widths[slot];

    public void Bind(Tensor[] tensorsBySlot, int rows)
    {
        for (var slot = 0; slot < _bound.Length; slot++)
        {
            _bound[slot] = tensorsBySlot[slot];
            _widths[slot] = rows == 0 ? 0 : (int)(tensorsBySlot[slot].ElementCount / rows);
        }
    }

    public void MoveTo(int row)
    {
        Row = row;
        _position++;
    }

    /// <summary>Drops references to request tensors so a pooled engine does not keep them alive.</summary>
    public void Unbind() => Array.Clear(_bound);

    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var getter = _gettersByColumn[column.Index];
        if (getter is null)
        {
            // Columns the outputs do not depend on (a training label, say) read as defaults.
            return (ref TValue value) => value = default!;
        }

        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"column '{column.Name}' is read as {getter.GetType()}, not as {typeof(ValueGetter<TValue>)}");
    }
}
