using System.Collections.Frozen;
using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Registry;

/// <summary>
/// A signature prepared for the request path: inputs and outputs by public name with parsed datatypes, so
/// validation does no string parsing or list scans per request.
/// </summary>
public sealed class SignatureBinding
{
    private SignatureBinding(BoundTensor[] inputs, BoundTensor[] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        InputsByName = inputs.ToFrozenDictionary(i => i.Spec.Name, StringComparer.Ordinal);
        OutputsByName = outputs.ToFrozenDictionary(o => o.Spec.Name, StringComparer.Ordinal);
        AllOutputSourceNames = [.. outputs.Select(o => o.Spec.SourceName)];
        AllOutputsCall = new CheckedCallNames([.. inputs.Select(i => i.Spec.SourceName)], AllOutputSourceNames, [.. outputs.Select(o => o.Spec.Name)]);
    }

    public BoundTensor[] Inputs { get; }

    public BoundTensor[] Outputs { get; }

    public FrozenDictionary<string, BoundTensor> InputsByName { get; }

    public FrozenDictionary<string, BoundTensor> OutputsByName { get; }

    /// <summary>Artifact names of every served output, in signature order.</summary>
    public string[] AllOutputSourceNames { get; }

    /// <summary>
    /// The names of a checked call that asks for every output (nearly every request): the artifact's name of each
    /// input in signature order, and of each output, with the signature's name for it in the answer.
    /// </summary>
    public CheckedCallNames AllOutputsCall { get; }

    /// <summary>The names of a checked call that asks for <paramref name="outputs"/> only.</summary>
    public CheckedCallNames CallFor(BoundTensor[] outputs) => ReferenceEquals(outputs, Outputs)
        ? AllOutputsCall
        : new CheckedCallNames(AllOutputsCall.Inputs, [.. outputs.Select(o => o.Spec.SourceName)], [.. outputs.Select(o => o.Spec.Name)]);

    /// <summary>Prepares a signature; throws <see cref="InvalidDataException"/> when a datatype is unknown or a name repeats.</summary>
    public static SignatureBinding Create(ModelSignature signature)
    {
        return new SignatureBinding(Bind(signature.Inputs, "input"), Bind(signature.Outputs, "output"));

        static BoundTensor[] Bind(IReadOnlyList<TensorSpec> specs, string kind)
        {
            var bound = new BoundTensor[specs.Count];
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < specs.Count; i++)
            {
                var spec = specs[i];
                if (!names.Add(spec.Name))
                {
                    throw new InvalidDataException($"{kind} '{spec.Name}' appears twice in the signature");
                }

                if (!TensorDataTypes.TryParse(spec.Datatype, out var type))
                {
                    throw new InvalidDataException($"{kind} '{spec.Name}' has unknown datatype '{spec.Datatype}'");
                }

                bound[i] = new BoundTensor(i, spec, type, [.. spec.Shape]);
            }

            return bound;
        }
    }
}

/// <summary>One signature entry with its parsed datatype and position.</summary>
public sealed record BoundTensor(int Index, TensorSpec Spec, TensorDataType DataType, long[] Shape)
{
    /// <summary>Shape as text, for messages: <c>[-1,30]</c>.</summary>
    public string ShapeText => $"[{string.Join(',', Shape)}]";
}
