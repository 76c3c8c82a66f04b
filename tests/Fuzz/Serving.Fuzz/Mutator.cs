using System.Text;

namespace Serving.Fuzz;

/// <summary>Byte- and token-level mutations (flips, inserts, deletes, splices, JSON/CSV-aware tokens) for the fallback loop.</summary>
internal static class Mutator
{
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\ud800", "\\udc00", "\\u", "null", "true", "false", "NaN", "Infinity",
            "-", "1e400", "-0", "0.", "9223372036854775808", "\n", "\r\n", "\r", "\"\"", ",,", "\t", "inputs", "data", "shape", "datatype",
            "name", "id", "outputs", "parameters", "dataframe_split", "dataframe_records", "columns", "instances", "FP32", "BYTES", "BOOL", "INT64",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x00], [0x80], [0xF4, 0x90, 0x80, 0x80],
    ];

    public static byte[] Mutate(byte[] input, IReadOnlyList<byte[]> pool, Random random)
    {
        var bytes = new List<byte>(input);
        var steps = 1 + random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0 && at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0 && at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - Math.Min(at, bytes.Count - 1), 1 + random.Next(16));
                    bytes.RemoveRange(Math.Min(at, bytes.Count - 1), length);
                    break;
                case 3:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 4 when bytes.Count > 0:
                    // Repeat a slice: deep nesting, long names, many rows.
                    var from = random.Next(bytes.Count);
                    var slice = bytes.GetRange(from, Math.Min(bytes.Count - from, 1 + random.Next(8)));
                    for (var r = random.Next(1, 200); r > 0; r--)
                    {
                        bytes.InsertRange(at, slice);
                    }

                    break;
                case 5:
                    var other = pool[random.Next(pool.Count)];
                    if (other.Length > 0)
                    {
                        var start = random.Next(other.Length);
                        bytes.InsertRange(at, other.AsSpan(start, Math.Min(other.Length - start, 1 + random.Next(64))).ToArray());
                    }

                    break;
                default:
                    if (bytes.Count > 1)
                    {
                        bytes.RemoveRange(at == 0 ? 1 : at - 1, bytes.Count - (at == 0 ? 1 : at - 1));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
