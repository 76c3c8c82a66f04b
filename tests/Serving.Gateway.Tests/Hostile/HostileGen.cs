using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// FsCheck generators of hostile pieces (names, ids, numbers, shapes, JSON values) as JSON text, sampled with a fixed
/// seed so every run sends the same requests. Two private-use characters stand for bytes that are not UTF-8:
/// <see cref="BadByte"/> becomes 0xFF and <see cref="Overlong"/> the overlong 0xC0 0x80.
/// </summary>
internal static class HostileGen
{
    public const char BadByte = '\uE000';
    public const char Overlong = '\uE001';

    /// <summary>Draws <paramref name="count"/> values with seed <paramref name="seed"/> (size 30, which bounds ArrayOf and ListOf).</summary>
    public static T[] Sample<T>(Gen<T> gen, ulong seed, int count) => gen.Sample(count, new Rnd(seed), 30);

    /// <summary>UTF-8 bytes of <paramref name="text"/>, with the two stand-ins turned into invalid UTF-8.</summary>
    public static byte[] Bytes(string text)
    {
        if (text.IndexOfAny([BadByte, Overlong]) < 0)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new List<byte>(text.Length + 8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is BadByte or Overlong)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[start..i]));
                bytes.AddRange(text[i] == BadByte ? [0xFF] : [0xC0, 0x80]);
                start = i + 1;
            }
        }

        bytes.AddRange(Encoding.UTF8.GetBytes(text[start..]));
        return [.. bytes];
    }

    public static Gen<string> Repeat(string unit, int min, int max) =>
        Gen.Choose(min, max).Select(n => string.Concat(Enumerable.Repeat(unit, n)));

    /// <summary>The inside of a JSON string literal (no quotes): odd, escaped, invalid or huge.</summary>
    public static readonly Gen<string> OddStringContent = Gen.Frequency(
        (6, Gen.Elements("input", "label", "probability", "iris", "x", string.Empty, "../../etc/passwd", "a/b\\\\c", "CON", "%00", "名前", "😀", " ", "input ", "INPUT")),
        (3, Gen.Elements("a\\u0000b", "line\\r\\nX-Injected: 1", "\\u0007bell", "tab\\there", "\\u001b[31m", "quote\\\"d")),
        (3, Gen.Elements("\\ud800", "x\\udc00y", "\\udbff\\udbff", "\\ud83d")),
        (3, Gen.Elements($"bad{BadByte}utf8", $"{Overlong}", $"ok{BadByte}{BadByte}", "\u0001raw-control")),
        (2, Repeat("n", 65, 400)),
        (1, Repeat("long", 2_000, 30_000)),
        (1, Gen.Choose(0, 1_000_000).Select(n => $"name-{n}")));

    public static readonly Gen<string> OddString = OddStringContent.Select(s => $"\"{s}\"");

    public static readonly Gen<string> OddNumber = Gen.Elements(
        "1", "-0", "0.5", "1e400", "-1e400", "NaN", "-Infinity", "Infinity", "\"NaN\"", "\"Infinity\"", "99999999999999999999999",
        "1e-400", "0x10", "01", "1.", ".5", "+1", "true", "null", "\"1\"", "[]", "{}", "3.4028236e38", "-9223372036854775809");

    public static readonly Gen<string> OddShape = Gen.Frequency(
        (4, Gen.Elements("[1,4]", "[2,4]", "[4]", "[1,1,4]", "[0,4]", "[]", "[-1,4]", "[1,-4]", "[4,1]")),
        (2, Gen.Elements("[9223372036854775807,9223372036854775807]", "[4294967296,4294967296]", "[1e3,4]", "[1.5,4]", "[\"1\",4]", "[null]", "1", "\"[1,4]\"", "{}")),
        (1, Gen.Choose(5, 70).Select(n => "[" + string.Join(",", Enumerable.Repeat("2", n)) + "]")));

    public static readonly Gen<string> Datatype = Gen.Frequency(
        (5, Gen.Elements("FP32", "FP64", "INT64", "INT32", "INT8", "UINT8", "UINT64", "BOOL", "BYTES", "FP16", "BF16")),
        (3, Gen.Elements("fp32", "", "FLOAT", "FP32 ", "STRING", "INT128")),
        (2, OddStringContent));

    /// <summary>A data array of the given kind: numbers, odd numbers, strings, nested or the wrong length.</summary>
    public static readonly Gen<string> OddData = Gen.Frequency(
        (4, Gen.Elements("[6.3,3.3,6.0,2.5]", "[1,2,3]", "[1,2,3,4,5]", "[]", "[[1,2,3,4]]", "[[1,2],[3,4]]", "[true,false,true,false]")),
        (3, OddNumber.ArrayOf(4).Select(v => "[" + string.Join(",", v) + "]")),
        (2, OddString.ArrayOf(4).Select(v => "[" + string.Join(",", v) + "]")),
        (1, Gen.Elements("\"abc\"", "null", "{}", "1", "[[[[[[1]]]]]]")),
        (1, Gen.Choose(5, 20_000).Select(n => "[" + string.Join(",", Enumerable.Repeat("1.0", n)) + "]")));

    /// <summary>A JSON value nested <paramref name="depth"/> deep in arrays or objects.</summary>
    public static readonly Gen<string> DeepNesting = Gen.Choose(60, 20_000).SelectMany(depth =>
        Gen.Elements(
            string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth)),
            string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}", depth)),
            string.Concat(Enumerable.Repeat("[", depth))));

    /// <summary>Random bytes (some of them almost JSON).</summary>
    public static readonly Gen<byte[]> Garbage = Gen.Choose(0, 2_000).SelectMany(n =>
        Gen.Choose(0, 255).ArrayOf(n).Select(b => b.Select(v => (byte)v).ToArray()));

    /// <summary>A prefix of <paramref name="text"/>, cut somewhere inside.</summary>
    public static Gen<string> Truncated(string text) => Gen.Choose(0, Math.Max(0, text.Length - 1)).Select(n => text[..n]);
}
