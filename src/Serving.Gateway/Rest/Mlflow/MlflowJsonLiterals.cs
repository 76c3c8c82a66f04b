using System.Buffers;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Python's <c>json.dumps</c> writes NaN and the infinities as bare <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c>, and MLflow's server reads them. System.Text.Json refuses them, so a body that failed to
/// parse is retried with those tokens quoted; <see cref="MlflowCellValues"/> reads the quoted forms. Only the
/// failure path pays for this.
/// </summary>
internal static class MlflowJsonLiterals
{
    private static readonly byte[][] Literals = ["NaN"u8.ToArray(), "Infinity"u8.ToArray(), "-Infinity"u8.ToArray()];

    /// <summary>The body with bare non-finite literals quoted, or false when it has none.</summary>
    public static bool TryQuoteNonFinite(ReadOnlySequence<byte> body, out byte[] quoted)
    {
        var input = body.ToArray();
        var output = new ArrayBufferWriter<byte>(input.Length + 16);
        var changed = false;
        var inString = false;
        var previous = (byte)0;
        var i = 0;
        while (i < input.Length)
        {
            var current = input[i];
            if (inString)
            {
                if (current == '\\' && i + 1 < input.Length)
                {
                    output.Write(input.AsSpan(i, 2));
                    i += 2;
                    continue;
                }

                inString = current != '"';
            }
            else if (current == '"')
            {
                inString = true;
            }
            else if (previous is (byte)'[' or (byte)',' or (byte)':' && MatchLiteral(input, i) is { } literal)
            {
                output.Write("\""u8);
                output.Write(literal);
                output.Write("\""u8);
                i += literal.Length;
                previous = (byte)'"';
                changed = true;
                continue;
            }

            output.Write([current]);
            if (!inString && current is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                previous = current;
            }

            i++;
        }

        quoted = changed ? output.WrittenSpan.ToArray() : [];
        return changed;
    }

    private static byte[]? MatchLiteral(byte[] input, int start)
    {
        foreach (var literal in Literals)
        {
            var end = start + literal.Length;
            if (input.AsSpan(start).StartsWith(literal) &&
                (end == input.Length || !char.IsAsciiLetterOrDigit((char)input[end])))
            {
                return literal;
            }
        }

        return null;
    }
}
