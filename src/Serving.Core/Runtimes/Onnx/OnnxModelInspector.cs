using Microsoft.ML.OnnxRuntime;
using Serving.Core.Contracts;

namespace Serving.Core.Runtimes.Onnx;

/// <summary>Reads an ONNX file's inputs and outputs, so that packaging can check a model before it is served.</summary>
public static class OnnxModelInspector
{
    /// <summary>
    /// Opens the file and describes it; throws <see cref="ModelLoadException"/> when ONNX Runtime cannot load it
    /// or when an input is not a tensor the gateway can feed.
    /// </summary>
    public static OnnxModelInfo Inspect(string path)
    {
        // Metadata does not depend on optimizations; skipping them makes inspection quick.
        var options = new OnnxRuntimeOptions { GraphOptimizationLevel = OnnxGraphOptimizationLevel.None };
        using var sessionOptions = OnnxSessions.CreateSessionOptions(options);
        using var session = OnnxSessions.Open(path, sessionOptions);
        return Describe(session, path);
    }

    internal static OnnxModelInfo Describe(InferenceSession session, string path)
    {
        var inputs = new List<TensorSpec>(session.InputNames.Count);
        foreach (var name in session.InputNames)
        {
            var metadata = session.InputMetadata[name];
            if (!TryDescribeTensor(name, metadata, out var spec))
            {
                throw new ModelLoadException(
                    $"ONNX model '{path}': input '{name}' is {Describe(metadata)}; only tensor inputs of OIP datatypes ({string.Join(", ", TensorDataTypes.All)}) can be served");
            }

            inputs.Add(spec);
        }

        var outputs = new List<TensorSpec>(session.OutputNames.Count);
        var nonTensor = new List<string>();
        foreach (var name in session.OutputNames)
        {
            if (TryDescribeTensor(name, session.OutputMetadata[name], out var spec))
            {
                outputs.Add(spec);
            }
            else
            {
                nonTensor.Add(name);
            }
        }

        return new OnnxModelInfo(inputs, outputs, nonTensor);
    }

    private static bool TryDescribeTensor(string name, NodeMetadata metadata, out TensorSpec spec)
    {
        spec = null!;
        if (metadata.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR
            || !OnnxTypeMap.TryToDataType(metadata.ElementDataType, out var dataType))
        {
            return false;
        }

        var shape = new long[metadata.Dimensions.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            // Symbolic ("batch") and unknown dimensions both come back negative.
            shape[i] = metadata.Dimensions[i] < 0 ? -1 : metadata.Dimensions[i];
        }

        spec = new TensorSpec { Name = name, Datatype = dataType.ToProtocolName(), Shape = shape };
        return true;
    }

    private static string Describe(NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR => $"a tensor of {metadata.ElementDataType}",
        OnnxValueType.ONNX_TYPE_SEQUENCE => "a sequence",
        OnnxValueType.ONNX_TYPE_MAP => "a map",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "an optional",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "a sparse tensor",
        _ => $"of kind {metadata.OnnxValueType}",
    };
}
