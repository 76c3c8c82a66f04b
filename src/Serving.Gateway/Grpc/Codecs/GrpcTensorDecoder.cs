using Serving.Core.Contracts;
using Serving.Gateway.Grpc.Protocol;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>Decodes an OIP v2 <see cref="ModelInferRequest"/> into the canonical <see cref="InferenceRequest"/>.</summary>
public static class GrpcTensorDecoder
{
    /// <summary>The <see cref="InferenceRequest.Protocol"/> of every request this decoder makes.</summary>
    public const string Protocol = "grpc";

    /// <summary>Whether the request carries its data in <c>raw_input_contents</c>, so the answer should too.</summary>
    public static bool UsesRawContents(ModelInferRequest request) => request.RawInputContents.Count > 0;

    /// <summary>Decodes and validates the request; every malformed part throws <see cref="InferenceException"/> BadRequest.</summary>
    public static InferenceRequest Decode(ModelInferRequest request)
    {
        if (request.ModelName.Length == 0)
        {
            throw InferenceException.BadRequest("model_name is required");
        }

        var inputs = request.Inputs;
        var raw = request.RawInputContents;
        var useRaw = raw.Count > 0;
        if (useRaw && raw.Count != inputs.Count)
        {
            throw InferenceException.BadRequest(
                $"raw_input_contents has {raw.Count} entries for {inputs.Count} inputs; send one per input, in the order of inputs");
        }

        var tensors = new Tensor[inputs.Count];
        for (var i = 0; i < tensors.Length; i++)
        {
            var input = inputs[i];
            var name = input.Name;
            if (name.Length == 0)
            {
                throw InferenceException.BadRequest($"input {i} has no name");
            }

            if (!TensorDataTypes.TryParse(input.Datatype, out var type))
            {
                throw InferenceException.BadRequest(
                    $"input '{CallerText.Cut(name)}': unknown datatype '{CallerText.Cut(input.Datatype)}'; expected one of {string.Join(", ", TensorDataTypes.All)}");
            }

            var shape = TensorShapes.Read(input.Shape, name, out var elementCount);
            if (useRaw)
            {
                if (HasTypedValues(input.Contents))
                {
                    throw InferenceException.BadRequest(
                        $"input '{CallerText.Cut(name)}' sets contents while the request uses raw_input_contents; send every input one way");
                }

                tensors[i] = RawTensorReader.Read(name, type, shape, elementCount, raw[i]);
            }
            else
            {
                tensors[i] = TypedContentsReader.Read(name, type, shape, elementCount, input.Contents);
            }
        }

        return new InferenceRequest
        {
            ModelName = request.ModelName,
            Version = request.ModelVersion.Length == 0 ? null : request.ModelVersion,
            Id = request.Id.Length == 0 ? null : request.Id,
            Inputs = tensors,
            RequestedOutputs = RequestedOutputs(request),
            Protocol = Protocol,
        };
    }

    private static string[]? RequestedOutputs(ModelInferRequest request)
    {
        var outputs = request.Outputs;
        if (outputs.Count == 0)
        {
            return null;
        }

        var names = new string[outputs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = outputs[i].Name;
        }

        return names;
    }

    // Some clients send an empty contents message next to raw data; only values in it are a conflict.
    private static bool HasTypedValues(InferTensorContents? contents) =>
        contents is not null &&
        (contents.BoolContents.Count | contents.IntContents.Count | contents.Int64Contents.Count |
         contents.UintContents.Count | contents.Uint64Contents.Count | contents.Fp32Contents.Count |
         contents.Fp64Contents.Count | contents.BytesContents.Count) != 0;
}
