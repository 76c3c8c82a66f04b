using System.Globalization;
using Serving.Core.Inference.Mlflow;

namespace Serving.Cli.Scoring;

/// <summary>
/// Reads one Parquet value (from a column read as <c>T?[]</c>, or <c>string[]</c>) as the type a model input needs.
/// A null is a missing value: NaN for floating-point inputs, as an empty CSV field is; integers must be whole and in
/// range; strings are read with the CSV text rules, so a text column of numbers scores as the same CSV would.
/// </summary>
internal static class ParquetCells
{
    /// <summary>The column types read and written back unchanged.</summary>
    public static readonly Type[] Supported =
    [
        typeof(bool), typeof(sbyte), typeof(byte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal), typeof(string), typeof(DateTime),
    ];

    public static bool TryReadDouble(Array column, int index, out double value)
    {
        switch (column)
        {
            case float?[] a: return From(a[index], out value);
            case double?[] a: return From(a[index], out value);
            case int?[] a: return From(a[index], out value);
            case long?[] a: return From(a[index], out value);
            case short?[] a: return From(a[index], out value);
            case sbyte?[] a: return From(a[index], out value);
            case byte?[] a: return From(a[index], out value);
            case ushort?[] a: return From(a[index], out value);
            case uint?[] a: return From(a[index], out value);
            case ulong?[] a: return From(a[index], out value);
            case decimal?[] a: return From<double>(a[index] is { } d ? (double)d : null, out value);
            case string[] a: return MlflowTextValues.TryReadDouble(a[index], out value);
            default:
                value = 0;
                return false;
        }
    }

    public static bool TryReadInt64(Array column, int index, out long value)
    {
        switch (column)
        {
            case long?[] a: return Whole(a[index], out value);
            case int?[] a: return Whole(a[index], out value);
            case short?[] a: return Whole(a[index], out value);
            case sbyte?[] a: return Whole(a[index], out value);
            case byte?[] a: return Whole(a[index], out value);
            case ushort?[] a: return Whole(a[index], out value);
            case uint?[] a: return Whole(a[index], out value);
            case ulong?[] a when a[index] is { } u && u <= long.MaxValue:
                value = (long)u;
                return true;
            case string[] a: return MlflowTextValues.TryReadInt64(a[index], out value);
            default:
                // Floating point and decimals count when whole, as JSON's 3.0 does at /invocations.
                value = 0;
                return column is not ulong?[] && TryReadDouble(column, index, out var real) && MlflowTextValues.TryIntegral(real, out value);
        }
    }

    public static bool TryReadUInt64(Array column, int index, out ulong value)
    {
        if (column is ulong?[] a && a[index] is { } u)
        {
            value = u;
            return true;
        }

        if (column is string[] s)
        {
            return MlflowTextValues.TryReadUInt64(s[index], out value);
        }

        value = 0;
        if (TryReadInt64(column, index, out var signed) && signed >= 0)
        {
            value = (ulong)signed;
            return true;
        }

        return false;
    }

    public static bool TryReadBoolean(Array column, int index, out bool value)
    {
        switch (column)
        {
            case bool?[] a when a[index] is { } b:
                value = b;
                return true;
            case string[] a:
                return MlflowTextValues.TryReadBoolean(a[index], out value);
            default:
                value = false;
                return false;
        }
    }

    public static bool TryReadText(Array column, int index, out string value)
    {
        if (column is string[] a && a[index] is { } text)
        {
            value = text;
            return true;
        }

        value = string.Empty;
        return false;
    }

    /// <summary>The value as CSV output writes it: invariant culture, round-trip floats, an empty field for null.</summary>
    public static string Format(Array column, int index) => column.GetValue(index) switch
    {
        null => string.Empty,
        string text => text,
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? string.Empty,
    };

    private static bool From<T>(T? cell, out double value)
        where T : struct, IConvertible
    {
        value = cell is { } v ? v.ToDouble(CultureInfo.InvariantCulture) : double.NaN;
        return true;
    }

    private static bool Whole<T>(T? cell, out long value)
        where T : struct, IConvertible
    {
        value = cell is { } v ? v.ToInt64(CultureInfo.InvariantCulture) : 0;
        return cell.HasValue;
    }
}
