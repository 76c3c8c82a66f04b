using System.Buffers;
using System.Text;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Reads a <c>text/csv</c> body: a header of column names, then rows. Fields may be quoted (RFC 4180: commas,
/// line breaks and doubled quotes inside), blank lines are skipped and a short row leaves its last cells empty,
/// as pandas' <c>read_csv</c> does. Fields go into the same typed buffers as JSON values, read by
/// <see cref="Serving.Core.Inference.Mlflow.MlflowTextValues"/>' rules.
/// </summary>
internal static class MlflowCsvReader
{
    public static void Read(ReadOnlySequence<byte> body, MlflowInputBuffers buffers)
    {
        var records = Parse(Decode(body));
        if (records.Count == 0)
        {
            throw MlflowRequestException.BadRequest("The CSV body is empty; it must start with a header row of column names.");
        }

        var header = records[0];
        var columnToFeature = new int[header.Count];
        for (var c = 0; c < header.Count; c++)
        {
            columnToFeature[c] = buffers.Layout.FindFeature(header[c].Trim());
        }

        if (records.Count == 1)
        {
            throw MlflowRequestException.InvalidValue("The input has no rows.");
        }

        buffers.EnsureRows(records.Count - 1);
        for (var row = 0; row < buffers.Rows; row++)
        {
            var fields = records[row + 1];
            if (fields.Count > header.Count)
            {
                throw MlflowRequestException.BadRequest(
                    $"CSV row {row} has {fields.Count} fields but the header names {header.Count} columns.");
            }

            for (var c = 0; c < fields.Count; c++)
            {
                if (columnToFeature[c] >= 0)
                {
                    buffers.SetText(row, columnToFeature[c], fields[c]);
                }
            }
        }
    }

    private static string Decode(ReadOnlySequence<byte> body)
    {
        var text = body.IsSingleSegment ? Encoding.UTF8.GetString(body.FirstSpan) : Encoding.UTF8.GetString(body.ToArray());
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    private static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var quoted = false;
            if (text[i] == '"')
            {
                quoted = true;
                i = ReadQuoted(text, i + 1, field, records.Count);
            }

            while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
            {
                if (quoted && !char.IsWhiteSpace(text[i]))
                {
                    throw MlflowRequestException.BadRequest(
                        $"CSV line {records.Count + 1}: unexpected text after a closing quote; a quote inside a quoted field is written twice (\"\").");
                }

                // Spaces after a closing quote are layout, not part of the value.
                if (!quoted)
                {
                    field.Append(text[i]);
                }

                i++;
            }

            record.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',')
            {
                i++;
                if (i == text.Length)
                {
                    record.Add(string.Empty);
                }

                continue;
            }

            // End of the line (\n, \r\n or \r) or of the body.
            if (i < text.Length && text[i] == '\r')
            {
                i++;
            }

            if (i < text.Length && text[i] == '\n')
            {
                i++;
            }

            if (record.Count > 1 || record[0].Length > 0 || quoted)
            {
                records.Add(record);
            }

            record = [];
        }

        // A body that ends with a comma leaves its last record open.
        if (record.Count > 0)
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>Reads a quoted field's content from just after its opening quote; returns the index after the closing quote.</summary>
    private static int ReadQuoted(string text, int i, StringBuilder field, int line)
    {
        while (i < text.Length)
        {
            if (text[i] != '"')
            {
                field.Append(text[i]);
                i++;
            }
            else if (i + 1 < text.Length && text[i + 1] == '"')
            {
                field.Append('"');
                i += 2;
            }
            else
            {
                return i + 1;
            }
        }

        throw MlflowRequestException.BadRequest($"CSV line {line + 1}: a quoted field is not closed.");
    }
}
