using System.Runtime.InteropServices;

namespace Serving.Core.Contracts;

/// <summary>
/// A named tensor in the gateway's canonical form: row-major little-endian bytes for fixed-size types,
/// or one byte string per element for BYTES. Transports decode into it and encode from it, and runtimes
/// read and write it, so no protocol type crosses the data plane.
/// </summary>
public class Tensor
{
    private Tensor(string name, TensorDataType dataType, long[] shape, byte[] data, byte[][]? elements)
    {
        Name = name;
        DataType = dataType;
        Shape = shape;
        Data = data;
        Elements = elements;
    }

    /// <summary>Tensor name as the caller or the model spells it.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public TensorDataType DataType { get; }

    /// <summary>Dimensions; never negative on a concrete tensor.</summary>
    public long[] Shape { get; }

    /// <summary>Raw little-endian row-major bytes; empty for BYTES tensors.</summary>
    public byte[] Data { get; }

    /// <summary>Elements of a BYTES tensor in row-major order; null for other types.</summary>
    public byte[][]? Elements { get; }

    /// <summary>Number of elements the shape describes.</summary>
    public long ElementCount => TensorDataTypes.ElementCount(Shape);

    /// <summary>Creates a fixed-size tensor over raw bytes (no copy).</summary>
    public static Tensor FromBytes(string name, TensorDataType dataType, long[] shape, byte[] data)
    {
        if (dataType == TensorDataType.Bytes)
        {
            throw new ArgumentException("BYTES tensors are made with FromElements.", nameof(dataType));
        }

        return new Tensor(name, dataType, shape, data, null);
    }

    /// <summary>Creates a fixed-size tensor by copying typed values.</summary>
    public static Tensor FromValues<T>(string name, TensorDataType dataType, long[] shape, ReadOnlySpan<T> values)
        where T : unmanaged =>
        FromBytes(name, dataType, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Creates a BYTES tensor.</summary>
    public static Tensor FromElements(string name, long[] shape, byte[][] elements) =>
        new(name, TensorDataType.Bytes, shape, [], elements);

    /// <summary>
    /// A fixed-size tensor over raw bytes that also keeps its values' JSON array text as the caller sent it
    /// (<paramref name="jsonText"/>, brackets included), lent by <paramref name="lender"/>, where that text is exactly
    /// the text the prediction log writes for the values in <paramref name="data"/> (compact, each number its shortest
    /// round-trip text): the log copies it rather than writing every number again, then lets it go
    /// (<see cref="LetGoOfJsonText"/>).
    /// </summary>
    public static Tensor FromBytes(string name, TensorDataType dataType, long[] shape, byte[] data, ReadOnlyMemory<byte> jsonText, ILentBytes lender) =>
        dataType == TensorDataType.Bytes
            ? throw new ArgumentException("BYTES tensors are made with FromElements.", nameof(dataType))
            : new WithJsonText(name, dataType, shape, data, jsonText, lender);

    /// <summary>
    /// The values' JSON text as the caller sent it, if it was kept and not yet let go; the caller reads it before
    /// <see cref="LetGoOfJsonText"/>. Empty otherwise: the values are then written from <see cref="Data"/>.
    /// </summary>
    public ReadOnlySpan<byte> JsonText => this is WithJsonText kept ? kept.Text : default;

    /// <summary>Gives the kept text back to its lender, once; later calls, and tensors without text, do nothing.</summary>
    public void LetGoOfJsonText() => (this as WithJsonText)?.LetGo();

    /// <summary>Reinterprets the raw bytes as typed values (no copy).</summary>
    public ReadOnlySpan<T> AsSpan<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Data);

    /// <summary>The same data under another name, for mapping between model and protocol names.</summary>
    public Tensor WithName(string name) =>
        name == Name ? this : new Tensor(name, DataType, Shape, Data, Elements);

    /// <summary>
    /// A tensor that kept its JSON text: a subtype of its own, so that the fields cost nothing on every other tensor
    /// (three a single-row request, which has to stay under a kilobyte).
    /// </summary>
    private sealed class WithJsonText(string name, TensorDataType dataType, long[] shape, byte[] data, ReadOnlyMemory<byte> text, ILentBytes lender)
        : Tensor(name, dataType, shape, data, null)
    {
        // Read and let go of once, by the one reader of the text, on the monitoring thread.
        private ReadOnlyMemory<byte> _text = text;
        private ILentBytes? _lender = lender;

        public ReadOnlySpan<byte> Text => Volatile.Read(ref _lender) is null ? default : _text.Span;

        public void LetGo()
        {
            if (Interlocked.Exchange(ref _lender, null) is { } lender)
            {
                _text = default;
                lender.Release();
            }
        }
    }
}
