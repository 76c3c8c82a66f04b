using System.Buffers;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Decodes an MLflow <c>/invocations</c> body (JSON in any of its four layouts, or CSV) into the canonical
/// request for a model, matching columns to the model's feature names. Pure: no HTTP, no I/O.
/// Failures are <see cref="MlflowRequestException"/>s carrying the status MLflow would answer.
/// </summary>
public static class MlflowRequestDecoder
{
    /// <summary>The value of <see cref="InferenceRequest.Protocol"/> on every request this decoder makes.</summary>
    public const string Protocol = "mlflow";

    /// <summary>Decodes a body whose Content-Type header is <paramref name="contentType"/> (415 unless JSON or CSV).</summary>
    public static InferenceRequest Decode(ReadOnlySequence<byte> body, string? contentType, ModelMetadata model) =>
        Decode(body, MlflowContentType.Parse(contentType), model);

    /// <summary>Decodes a body already known to be JSON or CSV.</summary>
    public static InferenceRequest Decode(ReadOnlySequence<byte> body, MlflowBodyFormat format, ModelMetadata model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new InferenceRequest { ModelName = model.Name, Inputs = DecodeInputs(body, format, model), Protocol = Protocol };
    }

    /// <summary>
    /// Decodes the input tensors only, matching columns to <paramref name="model"/>'s features: the metadata must
    /// be that of the version that will serve, since versions may order (or name) their features differently.
    /// </summary>
    public static Tensor[] DecodeInputs(ReadOnlySequence<byte> body, MlflowBodyFormat format, ModelMetadata model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return DecodeWith(body, format, MlflowInputLayout.For(model));
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json checks a string's encoding only when it is read as text: invalid UTF-8 and lone
            // surrogates (\ud800) in a column name or a string value surface here. The caller's fault, not ours.
            throw new MlflowRequestException(
                "Failed to parse input from JSON: a string is not valid text (invalid UTF-8, or a lone surrogate escape such as \\ud800).",
                ex);
        }
    }

    private static Tensor[] DecodeWith(ReadOnlySequence<byte> body, MlflowBodyFormat format, MlflowInputLayout layout)
    {
        Tensor[] inputs;
        if (format == MlflowBodyFormat.Csv)
        {
            using var grid = MlflowCsvReader.Read(body, layout);
            inputs = MlflowTensorBuilder.Build(grid, layout);
        }
        else if (!MlflowFastJsonDecoder.TryDecode(body, layout, out inputs))
        {
            // Tensors copy their values out, so the document and grid can go back to the pool at once.
            using var document = ParseJson(body);
            using var grid = MlflowJsonTableReader.Read(document.RootElement, layout);
            inputs = MlflowTensorBuilder.Build(grid, layout);
        }

        return inputs;
    }

    /// <summary>Convenience for a body held in one buffer.</summary>
    public static InferenceRequest Decode(ReadOnlyMemory<byte> body, string? contentType, ModelMetadata model) =>
        Decode(new ReadOnlySequence<byte>(body), contentType, model);

    private static JsonDocument ParseJson(ReadOnlySequence<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException first)
        {
            if (MlflowJsonLiterals.TryQuoteNonFinite(body, out var quoted))
            {
                try
                {
                    return JsonDocument.Parse(quoted);
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
}
