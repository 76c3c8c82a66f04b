using Serving.Core.Contracts;
using Serving.Core.Registry;

namespace Serving.Core.Inference;

/// <summary>
/// Checks a request against a version's signature before any runtime sees it, and renames tensors to the
/// artifact's names. Every message names the tensor and says what was expected.
/// </summary>
public static class RequestValidator
{
    /// <summary>
    /// Returns the inputs in signature order under artifact names, or throws a bad-request error. With
    /// <paramref name="limits"/> each input's rows and elements are held to them; without, only to what memory can hold
    /// (a shadow copy of a request the primary already checked).
    /// </summary>
    public static Tensor[] BindInputs(string model, SignatureBinding binding, IReadOnlyList<Tensor> inputs, RequestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return binding.AllOutputsCall.InputsUnderArtifactNames(CheckInputs(model, binding, inputs, limits));
    }

    /// <summary>
    /// Checks the inputs as <see cref="BindInputs"/> does and returns them in signature order under the caller's own
    /// names, for a checked call (<c>IModelRuntime.RunCheckedAsync</c>), which is told the artifact's names apart. A
    /// request that lists them in signature order (nearly all: most models have one input) gets its own list back, so
    /// checking copies nothing.
    /// </summary>
    public static IReadOnlyList<Tensor> CheckInputs(string model, SignatureBinding binding, IReadOnlyList<Tensor> inputs, RequestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(inputs);
        var specs = binding.Inputs.Length;
        Span<bool> seen = specs <= 64 ? stackalloc bool[specs] : new bool[specs];
        var inOrder = true;
        long batch = -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            var tensor = inputs[i];
            if (!binding.InputsByName.TryGetValue(tensor.Name, out var spec))
            {
                throw InferenceException.BadRequest(
                    $"model '{CallerText.Cut(model)}' has no input '{CallerText.Cut(tensor.Name)}'; its inputs are {string.Join(", ", binding.Inputs.Select(b => $"'{b.Spec.Name}'"))}");
            }

            if (seen[spec.Index])
            {
                throw InferenceException.BadRequest($"input '{CallerText.Cut(tensor.Name)}' is given twice");
            }

            seen[spec.Index] = true;
            inOrder &= spec.Index == i;
            CheckTensor(tensor, spec, limits);

            // Inputs that share a variable leading (batch) dimension must agree on it.
            if (spec.Shape[0] == -1)
            {
                if (batch >= 0 && tensor.Shape[0] != batch)
                {
                    throw InferenceException.BadRequest(
                        $"input '{CallerText.Cut(tensor.Name)}' has {tensor.Shape[0]} rows but other inputs have {batch}");
                }

                batch = tensor.Shape[0];
            }
        }

        for (var i = 0; i < specs; i++)
        {
            if (!seen[i])
            {
                var missing = binding.Inputs[i];
                throw InferenceException.BadRequest(
                    $"missing input '{missing.Spec.Name}' ({missing.Spec.Datatype} {missing.ShapeText})");
            }
        }

        // Every input seen once, none unknown: as many inputs as the signature has, each in its place or not.
        if (inOrder)
        {
            return inputs;
        }

        var ordered = new Tensor[specs];
        foreach (var tensor in inputs)
        {
            ordered[binding.InputsByName[tensor.Name].Index] = tensor;
        }

        return ordered;
    }

    /// <summary>The outputs to run: all when none are asked for, else the asked ones, each known.</summary>
    public static BoundTensor[] SelectOutputs(string model, SignatureBinding binding, IReadOnlyList<string>? requested)
    {
        if (requested is null || requested.Count == 0)
        {
            return binding.Outputs;
        }

        var selected = new BoundTensor[requested.Count];
        for (var i = 0; i < requested.Count; i++)
        {
            if (!binding.OutputsByName.TryGetValue(requested[i], out var output))
            {
                throw InferenceException.BadRequest(
                    $"model '{CallerText.Cut(model)}' has no output '{CallerText.Cut(requested[i])}'; its outputs are {string.Join(", ", binding.Outputs.Select(b => $"'{b.Spec.Name}'"))}");
            }

            // An output asked for twice would be computed and sent twice: one name repeated could make an answer
            // as many times larger as the request is long.
            if (Array.IndexOf(selected, output, 0, i) >= 0)
            {
                throw InferenceException.BadRequest($"output '{CallerText.Cut(requested[i])}' is asked for twice; ask for each output once");
            }

            selected[i] = output;
        }

        return selected;
    }

    private static void CheckTensor(Tensor tensor, BoundTensor spec, RequestLimits? limits)
    {
        if (tensor.DataType != spec.DataType)
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(tensor.Name)}' has datatype {tensor.DataType.ToProtocolName()} but the model expects {spec.Spec.Datatype}");
        }

        var shape = tensor.Shape;
        var fits = shape.Length == spec.Shape.Length;
        for (var d = 0; fits && d < shape.Length; d++)
        {
            fits = shape[d] >= 0 && (spec.Shape[d] == -1 || spec.Shape[d] == shape[d]);
        }

        if (!fits)
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(tensor.Name)}' has shape {ShapeText(shape)} but the model expects {spec.ShapeText} (-1 is any size)");
        }

        // Rows first: the likelier limit for a batch, and the clearer message.
        if (limits is not null && spec.Shape.Length > 0 && spec.Shape[0] == -1 && shape[0] > limits.MaxRowsPerRequest)
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(tensor.Name)}' has {shape[0]} rows; at most {limits.MaxRowsPerRequest} are allowed ({RequestLimits.SectionName}:{nameof(RequestLimits.MaxRowsPerRequest)})");
        }

        var most = limits?.MaxTensorElements ?? long.MaxValue;
        var count = ElementCountWithin(shape, most);
        if (count < 0)
        {
            throw InferenceException.BadRequest(limits is null
                ? $"input '{CallerText.Cut(tensor.Name)}' has shape {ShapeText(shape)}, which holds more elements than can be counted"
                : $"input '{CallerText.Cut(tensor.Name)}' has shape {ShapeText(shape)}, which holds more than {most} elements; at most {most} are allowed ({RequestLimits.SectionName}:{nameof(RequestLimits.MaxTensorElements)})");
        }

        if (count == 0)
        {
            throw InferenceException.BadRequest($"input '{CallerText.Cut(tensor.Name)}' has no elements (shape {ShapeText(shape)})");
        }

        var actual = tensor.DataType == TensorDataType.Bytes ? tensor.Elements!.Length : tensor.Data.Length / tensor.DataType.ElementSize();
        if (actual != count || (tensor.DataType != TensorDataType.Bytes && tensor.Data.Length % tensor.DataType.ElementSize() != 0))
        {
            throw InferenceException.BadRequest(
                $"input '{CallerText.Cut(tensor.Name)}' has shape {ShapeText(shape)}, which holds {count} elements, but {actual} were given");
        }

        if (!spec.Spec.AllowNonFinite && tensor.DataType.IsFloatingPoint())
        {
            var index = FirstNonFinite(tensor);
            if (index >= 0)
            {
                throw InferenceException.BadRequest(
                    $"input '{CallerText.Cut(tensor.Name)}' holds a non-finite value (NaN or infinity) at element {index}; this model takes finite numbers only");
            }
        }
    }

    /// <summary>
    /// The product of a shape whose dimensions are all at least 0, or -1 when it is above <paramref name="most"/>.
    /// Never overflows, whatever the caller sent: the running product stays at most <paramref name="most"/>.
    /// </summary>
    private static long ElementCountWithin(ReadOnlySpan<long> shape, long most)
    {
        // A zero anywhere makes the product zero, however large the other dimensions.
        if (shape.Contains(0L))
        {
            return 0;
        }

        long count = 1;
        foreach (var dim in shape)
        {
            // count * dim > most, asked without computing a product that could overflow.
            if (dim > most / count)
            {
                return -1;
            }

            count *= dim;
        }

        return count;
    }

    /// <summary>A caller's shape as an error message shows it: <c>[2,4]</c>, cut like any caller text when it has many dimensions.</summary>
    public static string ShapeText(IReadOnlyList<long> shape) => $"[{CallerText.Cut(string.Join(',', shape))}]";

    private static int FirstNonFinite(Tensor tensor)
    {
        switch (tensor.DataType)
        {
            case TensorDataType.FP32:
                var floats = tensor.AsSpan<float>();
                for (var i = 0; i < floats.Length; i++)
                {
                    if (!float.IsFinite(floats[i]))
                    {
                        return i;
                    }
                }

                return -1;
            case TensorDataType.FP64:
                var doubles = tensor.AsSpan<double>();
                for (var i = 0; i < doubles.Length; i++)
                {
                    if (!double.IsFinite(doubles[i]))
                    {
                        return i;
                    }
                }

                return -1;
            case TensorDataType.FP16:
                var halves = tensor.AsSpan<Half>();
                for (var i = 0; i < halves.Length; i++)
                {
                    if (!Half.IsFinite(halves[i]))
                    {
                        return i;
                    }
                }

                return -1;
            default:
                // BF16: exponent bits all ones means NaN or infinity.
                var raw = tensor.AsSpan<ushort>();
                for (var i = 0; i < raw.Length; i++)
                {
                    if ((raw[i] & 0x7F80) == 0x7F80)
                    {
                        return i;
                    }
                }

                return -1;
        }
    }
}
