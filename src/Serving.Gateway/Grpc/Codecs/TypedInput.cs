using Google.Protobuf.Collections;
using Serving.Core.Contracts;

namespace Serving.Gateway.Grpc.Codecs;

/// <summary>What a typed input declared, so each check can say which input and which field went wrong.</summary>
internal readonly record struct TypedInput(string Name, TensorDataType Type, long[] Shape, long ElementCount)
{

    /// <summary>Returns the field when it holds exactly one value per element; an unset contents counts as empty.</summary>
    public RepeatedField<T> Expect<T>(RepeatedField<T>? values, string fieldName)
    {
        var count = values?.Count ?? 0;
        if (count != ElementCount)
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(Name)}' ({Type.ToProtocolName()} {TensorShapes.Format(Shape)}) needs {ElementCount} values in contents.{fieldName}; got {count}");
        }

        return values ?? [];
    }

    /// <summary>The error for a value that does not fit the declared datatype.</summary>
    public InferenceException OutOfRange(int index, string value) =>
        InferenceException.BadRequest(
            $"input '{CallerText.Cut(Name)}': value {value} at element {index} is out of range for {Type.ToProtocolName()}");
}
