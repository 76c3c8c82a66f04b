using Serving.Core.Contracts;

namespace Serving.Core.Inference;

/// <summary>
/// Which rows of a large batch monitoring keeps: <see cref="Count"/> of <see cref="Of"/> rows, one from each of
/// <see cref="Count"/> equal, consecutive strata, at the same offset <see cref="Start"/> in every stratum (systematic
/// sampling). With a random start every row of the batch has the same chance, Count / Of, to be kept, so a window
/// fed from samples is still a uniform sample of traffic (what a KS test needs); it costs no sorting, no set and
/// one random draw per request, and the rows stay in order.
/// </summary>
/// <param name="Of">Rows in the batch.</param>
/// <param name="Count">Rows kept: at most <paramref name="Of"/>.</param>
/// <param name="Start">Offset in [0, Of): row i kept is ⌊(i·Of + Start) / Count⌋.</param>
public readonly record struct RowSample(int Of, int Count, long Start)
{
    /// <summary>A sample of <paramref name="count"/> rows of <paramref name="of"/> with a random start.</summary>
    public static RowSample Random(int of, int count) => new(of, Math.Min(of, count), of == 0 ? 0 : System.Random.Shared.NextInt64(of));

    /// <summary>A sample with the middle row of each stratum: the same rows every time (a prediction and its labels).</summary>
    public static RowSample Middle(int of, int count) => new(of, Math.Min(of, count), of / 2);

    /// <summary>The batch row that is sample row <paramref name="index"/>; ascending in <paramref name="index"/>.</summary>
    public int Row(int index) => (int)((((long)index * Of) + Start) / Count);

    /// <summary>The leading dimension of a batch: its rows; null for a scalar or a batch larger than an int holds.</summary>
    public static int? RowsOf(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Shape.Length > 0 && tensor.Shape[0] <= int.MaxValue ? (int)tensor.Shape[0] : null;
    }

    /// <summary>
    /// A tensor of the sampled rows of <paramref name="tensor"/>, whose leading dimension must be <see cref="Of"/>;
    /// the values are copied, so the sample holds nothing of the batch.
    /// </summary>
    public Tensor Take(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (RowsOf(tensor) != Of)
        {
            throw new ArgumentException($"the tensor has {tensor.Shape.FirstOrDefault()} rows, not {Of}", nameof(tensor));
        }

        var shape = (long[])tensor.Shape.Clone();
        shape[0] = Count;
        var perRow = Of == 0 ? 0 : (int)(tensor.ElementCount / Of);
        if (tensor.DataType == TensorDataType.Bytes)
        {
            var elements = new byte[Count * perRow][];
            for (var i = 0; i < Count; i++)
            {
                Array.Copy(tensor.Elements!, (long)Row(i) * perRow, elements, (long)i * perRow, perRow);
            }

            return Tensor.FromElements(tensor.Name, shape, elements);
        }

        var rowBytes = perRow * tensor.DataType.ElementSize();
        var data = new byte[Count * rowBytes];
        for (var i = 0; i < Count; i++)
        {
            tensor.Data.AsSpan(Row(i) * rowBytes, rowBytes).CopyTo(data.AsSpan(i * rowBytes));
        }

        return Tensor.FromBytes(tensor.Name, tensor.DataType, shape, data);
    }
}
