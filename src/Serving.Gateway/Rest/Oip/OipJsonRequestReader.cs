using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Parses an OIP v2 JSON inference request with one forward pass of <see cref="Utf8JsonReader"/>. Members may
/// come in any order, so each input's <c>data</c> is located first and decoded once its datatype and shape
/// are known.
/// </summary>
internal static class OipJsonRequestReader
{
    private static readonly (byte[] Utf8, string Name)[] Datatypes = [.. TensorDataTypes.All.Select(n => (System.Text.Encoding.UTF8.GetBytes(n), n))];

    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public static InferenceRequest Read(ReadOnlySpan<byte> body, string model, string? version, int maxIdLength = PredictionIds.DefaultMaxLength) =>
        ReadWithBinaryParts(body, new OipBinaryParts([], hasHeader: false), model, version, maxIdLength, keepJsonText: false, out _);

    /// <summary>
    /// Reads the JSON part of a request whose inputs may take raw bytes from <paramref name="binary"/> (<see cref="OipBinaryRequestReader"/>).
    /// Not an overload of <see cref="Read"/>: the fuzzer finds that one by name. <paramref name="keepJsonText"/>: keep
    /// the text of flat FP32 arrays with their tensors, for the prediction log (<see cref="LentJsonText"/>).
    /// </summary>
    public static InferenceRequest ReadWithBinaryParts(
        ReadOnlySpan<byte> body, OipBinaryParts binary, string model, string? version, int maxIdLength, bool keepJsonText, out OipBinaryOutputs? binaryOutputs)
    {
        try
        {
            var request = ReadRequest(body, ref binary, model, version, maxIdLength, keepJsonText);
            binaryOutputs = binary.Outputs;
            return request;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader checks a string's encoding only when it is read as text: invalid UTF-8 and lone
            // surrogates (\ud800) surface here, in a name, an id or a BYTES element. The caller's fault, not ours.
            throw new InferenceException(
                InferenceErrorKind.BadRequest,
                "the request holds a string that is not valid text (invalid UTF-8, or a lone surrogate escape such as \\ud800)",
                ex);
        }
    }

    private static InferenceRequest ReadRequest(ReadOnlySpan<byte> body, ref OipBinaryParts binary, string model, string? version, int maxIdLength, bool keepJsonText)
    {
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw InferenceException.BadRequest("the request body must be a JSON object");
        }

        string? id = null;
        IReadOnlyList<Tensor>? inputs = null;
        List<string>? outputs = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("inputs"u8))
            {
                if (Repeated(ref seen, 1))
                {
                    throw Twice("the request", "inputs");
                }

                reader.Read();
                inputs = ReadInputs(ref reader, ref body, ref binary, keepJsonText);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                if (Repeated(ref seen, 2))
                {
                    throw Twice("the request", "id");
                }

                reader.Read();
                id = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw InferenceException.BadRequest("'id' must be a string");
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                if (Repeated(ref seen, 4))
                {
                    throw Twice("the request", "outputs");
                }

                reader.Read();
                outputs = ReadOutputs(ref reader, ref binary);
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                if (Repeated(ref seen, 8))
                {
                    throw Twice("the request", "parameters");
                }

                reader.Read();
                binary.ReadRequestParameters(ref reader);
            }
            else
            {
                // Members of later protocol revisions are accepted and ignored.
                reader.Read();
                reader.Skip();
            }
        }

        // The loop stops at the root's '}'; nothing but whitespace may follow it. The reader (a final block of one
        // value, also when the FP32 fast path made it anew) throws JsonException for anything else, which is a 400
        // "malformed JSON" as on /invocations; it cannot return another token, but that would be refused as well.
        if (reader.Read())
        {
            throw InferenceException.BadRequest("malformed JSON: text follows the request's object");
        }

        if (inputs is null || inputs.Count == 0)
        {
            throw InferenceException.BadRequest("the request has no 'inputs'");
        }

        binary.EnsureAllTaken();

        // The id goes back in X-Prediction-Id and into the prediction log: refuse one that cannot, before routing.
        if (id is not null && !PredictionIds.IsValid(id, maxIdLength))
        {
            throw InferenceException.BadRequest(
                $"'id' '{CallerText.Cut(id)}' ({id.Length} characters) is not valid: an id is {PredictionIds.Rule(maxIdLength)}");
        }

        return new InferenceRequest
        {
            ModelName = model,
            Version = version,
            Id = id,
            Inputs = inputs,
            RequestedOutputs = outputs,
            Protocol = "rest",
        };
    }

    // body is the reader's own buffer: when a data array is read without the reader, both move on past it together.
    private static IReadOnlyList<Tensor> ReadInputs(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> body, ref OipBinaryParts binary, bool keepJsonText)
    {
        Expect(ref reader, JsonTokenType.StartArray, "'inputs' must be an array");

        // Nearly every request has one input: an array of one, and a list only from the second on.
        Tensor? first = null;
        List<Tensor>? more = null;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "each entry of 'inputs' must be an object");
            var input = ReadInput(ref reader, ref body, ref binary, count++, keepJsonText);
            if (first is null)
            {
                first = input;
            }
            else
            {
                (more ??= [first]).Add(input);
            }
        }

        // Typed apart from the list: a collection expression here would be one too, with an array of its own.
        return more is not null ? more : first is null ? [] : new Tensor[] { first };
    }

    private static Tensor ReadInput(ref Utf8JsonReader reader, ref ReadOnlySpan<byte> body, ref OipBinaryParts binary, int position, bool keepJsonText)
    {
        string? name = null;
        long? binarySize = null;
        string? datatype = null;
        long[]? shape = null;
        Tensor? decoded = null;
        int dataStart = -1, dataEnd = -1;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                if (Repeated(ref seen, 1))
                {
                    throw Twice(Label(name, position), "name");
                }

                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? ReadName(ref reader) : throw InferenceException.BadRequest($"inputs[{position}].name must be a string");
            }
            else if (reader.ValueTextEquals("datatype"u8))
            {
                if (Repeated(ref seen, 2))
                {
                    throw Twice(Label(name, position), "datatype");
                }

                reader.Read();
                datatype = reader.TokenType == JsonTokenType.String ? ReadDatatype(ref reader) : throw InferenceException.BadRequest($"inputs[{position}].datatype must be a string");
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (Repeated(ref seen, 4))
                {
                    throw Twice(Label(name, position), "shape");
                }

                reader.Read();
                shape = ReadShape(ref reader, position);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                if (Repeated(ref seen, 8))
                {
                    throw Twice(Label(name, position), "data");
                }

                reader.Read();
                if (name is not null && shape is not null && TensorDataTypes.TryParse(datatype, out var known) &&
                    known == TensorDataType.FP32 && reader.TokenType == JsonTokenType.StartArray && !reader.HasValueSequence &&
                    OipTensorDataReader.TryReadFlatSingles(body[(int)reader.BytesConsumed..], name, shape, keepJsonText, out var singles, out var length))
                {
                    // A flat array of short decimals, read straight from the bytes (Utf8JsonReader's tokenizing cost
                    // more than the numbers' parsing at 64 rows a request). The reader goes on from the array's ']'
                    // in the state it had after the '[', as if the array had been empty.
                    var state = reader.CurrentState;
                    body = body[((int)reader.BytesConsumed + length)..];
                    reader = new Utf8JsonReader(body, isFinalBlock: true, state);
                    reader.Read();
                    decoded = singles;
                }
                else if (name is not null && shape is not null && TensorDataTypes.TryParse(datatype, out known))
                {
                    // The usual order (name, shape, datatype, data): decode in this same pass.
                    decoded = OipTensorDataReader.Read(ref reader, body.Length - reader.TokenStartIndex, name, known, shape);
                }
                else
                {
                    // Data before its datatype or shape: note where it lies and decode it once they are known.
                    dataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    dataEnd = (int)reader.BytesConsumed;
                }
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                if (Repeated(ref seen, 16))
                {
                    throw Twice(Label(name, position), "parameters");
                }

                reader.Read();
                binarySize = OipBinaryParts.ReadInputParameters(ref reader, position);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            throw InferenceException.BadRequest($"{Label(name, position)} has no 'name'");
        }

        if (shape is null)
        {
            throw InferenceException.BadRequest($"{Label(name, position)} has no 'shape'");
        }

        if (binarySize is { } size)
        {
            return decoded is not null || dataStart >= 0
                ? throw InferenceException.BadRequest($"{Label(name, position)} has both 'data' and parameters.binary_data_size; send its values one way")
                : binary.Take(name, ParseDatatype(datatype, name, position), shape, size);
        }

        if (decoded is not null)
        {
            return decoded;
        }

        if (dataStart < 0)
        {
            throw InferenceException.BadRequest($"{Label(name, position)} has no 'data'");
        }

        return OipTensorDataReader.Read(body[dataStart..dataEnd], name, ParseDatatype(datatype, name, position), shape);
    }

    private static TensorDataType ParseDatatype(string? datatype, string name, int position) => datatype is null
        ? throw InferenceException.BadRequest($"{Label(name, position)} has no 'datatype'")
        : TensorDataTypes.Parse(datatype, Label(name, position));

    /// <summary>How messages name an input: made only for a message, not for every request.</summary>
    private static string Label(string? name, int position) =>
        name is null ? $"inputs[{position}]" : $"input '{CallerText.Cut(name)}'";

    private static long[] ReadShape(ref Utf8JsonReader reader, int position)
    {
        // The message is made only when it is needed: an interpolated argument would be built on every request.
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw InferenceException.BadRequest($"inputs[{position}].shape must be an array of integers");
        }

        // Dimensions gather on the stack; only a shape of more than eight needs a list. One array either way.
        Span<long> few = stackalloc long[8];
        var count = 0;
        List<long>? many = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0)
            {
                throw InferenceException.BadRequest($"inputs[{position}].shape must hold non-negative integers");
            }

            if (count < few.Length)
            {
                few[count++] = dim;
            }
            else
            {
                (many ??= [.. few]).Add(dim);
            }
        }

        return many is null ? few[..count].ToArray() : [.. many];
    }

    // The names a thread saw last: callers send the same input name on every request, so the string is reused
    // rather than made again each time (a comparison of a few bytes instead of an allocation).
    [ThreadStatic]
    private static string? t_lastName;

    private static string ReadName(ref Utf8JsonReader reader)
    {
        if (t_lastName is { } last && !reader.ValueIsEscaped && reader.ValueTextEquals(last))
        {
            return last;
        }

        return t_lastName = reader.GetString()!;
    }

    /// <summary>The datatype as the protocol spells it: the known name's own string, allocated only for an unknown one.</summary>
    private static string ReadDatatype(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var value = reader.ValueSpan;
            foreach (var (utf8, name) in Datatypes)
            {
                if (value.SequenceEqual(utf8))
                {
                    return name;
                }
            }
        }

        return reader.GetString()!;
    }

    private static List<string> ReadOutputs(ref Utf8JsonReader reader, ref OipBinaryParts binary)
    {
        Expect(ref reader, JsonTokenType.StartArray, "'outputs' must be an array");
        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "each entry of 'outputs' must be an object with a 'name'");
            string? name = null;
            bool? asBinary = null;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals("name"u8);
                var isParameters = !isName && reader.ValueTextEquals("parameters"u8);
                if ((isName || isParameters) && Repeated(ref seen, isName ? 1 : 2))
                {
                    throw Twice($"outputs[{names.Count}]", isName ? "name" : "parameters");
                }

                reader.Read();
                if (isName && reader.TokenType == JsonTokenType.String)
                {
                    name = reader.GetString();
                }
                else if (isParameters)
                {
                    asBinary = OipBinaryParts.ReadOutputParameters(ref reader, names.Count);
                }
                else
                {
                    reader.Skip();
                }
            }

            names.Add(name ?? throw InferenceException.BadRequest($"outputs[{names.Count}] has no 'name'"));
            if (asBinary is { } flag)
            {
                binary.ChooseOutput(name, flag);
            }
        }

        return names;
    }

    /// <summary>
    /// Marks a member of the object being read as seen; true when it already was. JSON leaves duplicate names
    /// undefined and servers differ (Python's json keeps the last, RapidJSON's lookup finds the first), so a proxy that
    /// checked one copy and this reader, which would use the other, could disagree about what was asked: a repeated
    /// member is refused (<see cref="Twice"/>), neither copy guessed. The caller builds the message only then.
    /// </summary>
    private static bool Repeated(ref int seen, int member)
    {
        var repeated = (seen & member) != 0;
        seen |= member;
        return repeated;
    }

    private static InferenceException Twice(string where, string name) =>
        InferenceException.BadRequest($"{where} has '{name}' more than once; each member may appear only once");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string message)
    {
        if (reader.TokenType != token)
        {
            throw InferenceException.BadRequest(message);
        }
    }
}
