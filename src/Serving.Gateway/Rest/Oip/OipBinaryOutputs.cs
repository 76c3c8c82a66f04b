using Serving.Core.Contracts;

namespace Serving.Gateway.Rest.Oip;

/// <summary>
/// Which outputs a caller asked for as raw bytes (the binary tensor data extension): the request's
/// <c>parameters.binary_data_output</c> for all of them, and an output's own <c>parameters.binary_data</c> in
/// <c>outputs</c>, which wins over it. Made only for a request that said either.
/// </summary>
internal sealed class OipBinaryOutputs
{
    private List<(string Name, bool Binary)>? _perOutput;

    /// <summary>The request's <c>binary_data_output</c>: the choice for every output that does not say its own.</summary>
    public bool AllBinary { get; set; }

    /// <summary>Records an output's own choice; a name given twice keeps the last.</summary>
    public void Choose(string name, bool binary) => (_perOutput ??= []).Add((name, binary));

    /// <summary>Whether the output of this name goes as raw bytes.</summary>
    public bool IsBinary(string name)
    {
        if (_perOutput is { } chosen)
        {
            for (var i = chosen.Count - 1; i >= 0; i--)
            {
                if (chosen[i].Name == name)
                {
                    return chosen[i].Binary;
                }
            }
        }

        return AllBinary;
    }

    /// <summary>Whether any of <paramref name="outputs"/> goes as raw bytes, so the answer needs the binary layout.</summary>
    public bool AnyBinary(IReadOnlyList<Tensor> outputs)
    {
        foreach (var output in outputs)
        {
            if (IsBinary(output.Name))
            {
                return true;
            }
        }

        return false;
    }
}
