using System.Buffers;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Reads a JSON <c>/invocations</c> body in one forward pass of <see cref="Utf8JsonReader"/>, straight into
/// <see cref="MlflowInputBuffers"/>: the top-level object here, the four layouts of its data in
/// <see cref="MlflowJsonLayouts"/>. Keys other than the data key (<c>params</c> above all) are skipped, as MLflow
/// does. Errors read as MLflow's, which parses the whole document first: a refusal met on the way is checked
/// against the errors MLflow would have found before it (<see cref="ThrowEarlierError"/>), on the error path only;
/// within the data the layouts keep MLflow's order themselves.
/// </summary>
internal static class MlflowJsonReader
{
    public const string Split = "dataframe_split";
    public const string Records = "dataframe_records";
    public const string Instances = "instances";
    public const string Inputs = "inputs";
    private const string AcceptedKeys = "dataframe_split, dataframe_records, instances, inputs";

    public static Tensor[] Read(ReadOnlySequence<byte> body, MlflowInputLayout layout, long maxElements)
    {
        if (body.IsSingleSegment)
        {
            return ReadOrRetry(body, layout, maxElements);
        }

        // A body in pieces is read from one pooled copy: the reader is faster over one span, and a malformed
        // body is reported at the same place whatever pieces it came in.
        var length = checked((int)body.Length);
        var whole = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(whole);
            return ReadOrRetry(new ReadOnlySequence<byte>(whole, 0, length), layout, maxElements);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(whole);
        }
    }

    private static Tensor[] ReadOrRetry(ReadOnlySequence<byte> body, MlflowInputLayout layout, long maxElements)
    {
        try
        {
            return ReadOnce(body, layout, maxElements);
        }
        catch (JsonException first)
        {
            // Python's json.dumps writes NaN and the infinities bare, and MLflow reads them; System.Text.Json does
            // not, so a body that failed is read again with those quoted. Only the failure path pays for this.
            if (MlflowJsonLiterals.TryQuoteNonFinite(body, out var quoted))
            {
                try
                {
                    return ReadOnce(new ReadOnlySequence<byte>(quoted), layout, maxElements);
                }
                catch (JsonException)
                {
                    // Report the error in the body as the caller sent it.
                }
            }

            throw new MlflowRequestException(
                400,
                MlflowErrorCodes.BadRequest,
                $"Failed to parse input from JSON. Ensure that input is a valid JSON formatted string. {CallerText.Cut(first.Message, 256)}");
        }
    }

    private static Utf8JsonReader NewReader(ReadOnlySequence<byte> body) => new(body.FirstSpan);

    /// <summary>The kind of the value at the reader, in the words of MLflow's messages.</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "list",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "nothing",
    };

    public static MlflowRequestException NoRows() => MlflowRequestException.InvalidValue("The input has no rows.");

    private static Tensor[] ReadOnce(ReadOnlySequence<byte> body, MlflowInputLayout layout, long maxElements)
    {
        using var buffers = new MlflowInputBuffers(layout, body, maxElements);
        try
        {
            var reader = NewReader(body);
            ReadBody(ref reader, buffers, body);
            return buffers.Build();
        }
        catch (Exception e) when (e is MlflowRequestException or InferenceException or InvalidOperationException)
        {
            ThrowEarlierError(body);
            throw;
        }
    }

    private static void ReadBody(ref Utf8JsonReader reader, MlflowInputBuffers buffers, ReadOnlySequence<byte> body)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw NotAnObject(reader.TokenType);
        }

        string? key = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = DataKey(ref reader);
            reader.Read();
            if (name is null)
            {
                reader.Skip();
                continue;
            }

            if (key is not null)
            {
                throw KeyCountError(body);
            }

            key = name;
            switch (name)
            {
                case Split:
                    MlflowJsonLayouts.ReadSplit(ref reader, buffers);
                    break;
                case Records:
                    MlflowJsonLayouts.ReadRecords(ref reader, buffers, name);
                    break;
                default:
                    MlflowJsonLayouts.ReadTensorOrColumns(ref reader, buffers, name);
                    break;
            }
        }

        // Past the root object only whitespace may follow; the reader throws for anything else.
        reader.Read();
        if (key is null)
        {
            throw KeyCountError(body);
        }
    }

    /// <summary>
    /// Throws what MLflow reports before it looks inside the data: a malformed body, a root that is not an
    /// object, other than one data key. Returns when there is none of these.
    /// </summary>
    private static void ThrowEarlierError(ReadOnlySequence<byte> body)
    {
        var reader = NewReader(body);
        while (reader.Read())
        {
        }

        reader = NewReader(body);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw NotAnObject(reader.TokenType);
        }

        var count = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            count += DataKey(ref reader) is null ? 0 : 1;
            reader.Read();
            reader.Skip();
        }

        if (count != 1)
        {
            throw KeyCountError(body);
        }
    }

    private static string? DataKey(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("dataframe_split"u8) ? Split
        : reader.ValueTextEquals("dataframe_records"u8) ? Records
        : reader.ValueTextEquals("instances"u8) ? Instances
        : reader.ValueTextEquals("inputs"u8) ? Inputs
        : null;

    private static MlflowRequestException NotAnObject(JsonTokenType token) => MlflowRequestException.BadRequest(
        $"Invalid input: the JSON body must be an object with exactly one of the keys {AcceptedKeys}; got a JSON {Describe(token)}.");

    /// <summary>Names the top-level keys: the caller's, as many and as long as the body allows, so a short cut of them.</summary>
    private static MlflowRequestException KeyCountError(ReadOnlySequence<byte> body)
    {
        var names = new List<string>();
        var reader = NewReader(body);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add($"'{reader.GetString()}'");
            reader.Read();
            reader.Skip();
        }

        var present = CallerText.Cut(string.Join(", ", names), 256);
        return MlflowRequestException.BadRequest(
            $"Invalid input: the JSON body must have exactly one of the keys {AcceptedKeys}; it has {(present.Length == 0 ? "no keys" : present)}.");
    }
}
