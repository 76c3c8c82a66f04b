namespace Serving.Core.Contracts;

/// <summary>Names and element sizes of <see cref="TensorDataType"/> as the protocol spells them.</summary>
public static class TensorDataTypes
{
    private static readonly string[] Names =
        ["BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BYTES", "BF16"];

    private static readonly int[] Sizes = [1, 1, 2, 4, 8, 1, 2, 4, 8, 2, 4, 8, 0, 2];

    /// <summary>The protocol name, for example <c>FP32</c>.</summary>
    public static string ToProtocolName(this TensorDataType type) => Names[(int)type];

    /// <summary>Bytes per element; 0 for BYTES, whose elements vary in length.</summary>
    public static int ElementSize(this TensorDataType type) => Sizes[(int)type];

    /// <summary>Whether values of this type can be NaN or infinite.</summary>
    public static bool IsFloatingPoint(this TensorDataType type) =>
        type is TensorDataType.FP16 or TensorDataType.FP32 or TensorDataType.FP64 or TensorDataType.BF16;

    /// <summary>Parses a protocol name; case-sensitive, as the specification spells them.</summary>
    public static bool TryParse(string? name, out TensorDataType type)
    {
        var index = name is null ? -1 : Array.IndexOf(Names, name);
        type = index < 0 ? default : (TensorDataType)index;
        return index >= 0;
    }

    /// <summary>Parses a protocol name or throws a bad-request error that names the valid ones.</summary>
    public static TensorDataType Parse(string? name, string context) =>
        TryParse(name, out var type)
            ? type
            : throw InferenceException.BadRequest($"{context}: unknown datatype '{CallerText.Cut(name)}'; expected one of {string.Join(", ", Names)}");

    /// <summary>All protocol names, for messages.</summary>
    public static IReadOnlyList<string> All => Names;

    /// <summary>
    /// Elements a shape holds; -1 when a dimension is variable; throws on overflow of the product of the dimensions
    /// other than 0, so that a shape is refused or accepted the same way whether or not it also has a 0 in it (and
    /// every transport refuses <c>[2^62,2^62,0]</c> as it refuses <c>[2^62,2^62,1]</c>).
    /// </summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        var empty = false;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                return -1;
            }

            if (dim == 0)
            {
                empty = true;
                continue;
            }

            count = checked(count * dim);
        }

        return empty ? 0 : count;
    }
}
