using System.Buffers;
using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Inference.Mlflow;

namespace Serving.Gateway.Rest.Mlflow;

/// <summary>
/// Decodes an MLflow <c>/invocations</c> body (JSON in any of its four layouts, or CSV) into the canonical
/// request for a model, the same <see cref="InferenceRequest"/> the OIP transports make, matching columns to the
/// model's feature names. JSON is read in one pass (<see cref="MlflowJsonReader"/>), CSV by
/// <see cref="MlflowCsvReader"/>; both fill one typed buffer per input (<see cref="MlflowInputBuffers"/>).
/// Pure: no HTTP, no I/O.
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
    /// With <paramref name="limits"/>, an input that would hold more than its <c>MaxTensorElements</c> is refused
    /// while it is read, before the memory is taken.
    /// </summary>
    public static Tensor[] DecodeInputs(ReadOnlySequence<byte> body, MlflowBodyFormat format, ModelMetadata model, RequestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layout = MlflowInputLayout.For(model);
        var maxElements = limits?.MaxTensorElements ?? long.MaxValue;
        try
        {
            if (format == MlflowBodyFormat.Csv)
            {
                using var buffers = new MlflowInputBuffers(layout, default, maxElements);
                MlflowCsvReader.Read(body, buffers);
                return buffers.Build();
            }

            return MlflowJsonReader.Read(body, layout, maxElements);
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

    /// <summary>Convenience for a body held in one buffer.</summary>
    public static InferenceRequest Decode(ReadOnlyMemory<byte> body, string? contentType, ModelMetadata model) =>
        Decode(new ReadOnlySequence<byte>(body), contentType, model);
}
