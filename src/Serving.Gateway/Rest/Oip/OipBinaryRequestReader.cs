using System.Globalization;
using Microsoft.Extensions.Primitives;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Splits an OIP REST body in Triton's binary tensor data layout: the first
/// <c>Inference-Header-Content-Length</c> bytes are the JSON request, the rest the raw bytes of the inputs that set
/// <c>parameters.binary_data_size</c>. Without the header the whole body is JSON, as before. Either way one JSON
/// reader decodes the request into the same canonical form.
/// </summary>
internal static class OipBinaryRequestReader
{
    /// <summary>The header that gives the JSON part's length in bytes, on requests and on binary answers.</summary>
    public const string HeaderName = "Inference-Header-Content-Length";

    /// <summary>
    /// Decodes <paramref name="body"/>; <paramref name="binaryOutputs"/> is what the caller asked about binary outputs,
    /// null when it asked nothing (the answer is then plain JSON).
    /// </summary>
    public static InferenceRequest Read(
        ReadOnlySpan<byte> body, IHeaderDictionary headers, string model, string? version, int maxIdLength, bool keepJsonText, out OipBinaryOutputs? binaryOutputs)
    {
        var header = headers[HeaderName];
        if (header.Count == 0)
        {
            return OipJsonRequestReader.ReadWithBinaryParts(body, new OipBinaryParts([], hasHeader: false), model, version, maxIdLength, keepJsonText, out binaryOutputs);
        }

        var jsonLength = JsonLength(header, body.Length);
        return OipJsonRequestReader.ReadWithBinaryParts(body[..jsonLength], new OipBinaryParts(body[jsonLength..], hasHeader: true), model, version, maxIdLength, keepJsonText, out binaryOutputs);
    }

    private static int JsonLength(StringValues header, int bodyLength)
    {
        if (header.Count > 1)
        {
            throw InferenceException.BadRequest($"the {HeaderName} header is given {header.Count} times; send it once");
        }

        var text = header[0];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw InferenceException.BadRequest(
                $"the {HeaderName} header must be the JSON part's length in bytes (a whole number), not '{CallerText.Cut(text ?? string.Empty)}'");
        }

        if (length > bodyLength)
        {
            throw InferenceException.BadRequest(
                $"the {HeaderName} header says the JSON part is {length} bytes, but the whole body is only {bodyLength} bytes");
        }

        return (int)length;
    }
}
