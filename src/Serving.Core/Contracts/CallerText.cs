using System.Globalization;
using System.Text;

namespace Serving.Core.Contracts;

/// <summary>
/// Text a caller sent (a model, input or output name, an id, a datatype) as it may be echoed back in an answer, a
/// header or a log line: cut to a short bound with a marker, and with control characters shown as escapes. A hostile
/// caller must not be able to make an answer or a log line as large as its request, nor break a header or a line.
/// </summary>
public static class CallerText
{
    /// <summary>The most characters of caller text an echo keeps.</summary>
    public const int MaxEcho = 64;

    /// <summary>
    /// The text as it may be echoed: at most <paramref name="max"/> characters of it, then a marker that says how many
    /// were left out; control characters and lone surrogates escaped as <c>\uXXXX</c>.
    /// </summary>
    public static string Cut(string? text, int max = MaxEcho)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        if (text is null)
        {
            return string.Empty;
        }

        var keep = Math.Min(text.Length, max);
        if (keep == text.Length && IsPlain(text))
        {
            return text;
        }

        var builder = new StringBuilder(keep + 32);
        for (var i = 0; i < keep; i++)
        {
            var c = text[i];
            var pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < keep && char.IsLowSurrogate(text[i + 1]);
            if (pairedSurrogate)
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        if (keep < text.Length)
        {
            builder.Append(CultureInfo.InvariantCulture, $"...({text.Length - keep} more characters)");
        }

        return builder.ToString();
    }

    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
