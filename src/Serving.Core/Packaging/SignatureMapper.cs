using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Maps the artifact's own tensors to the served signature: public names, kept outputs, feature names.</summary>
public static class SignatureMapper
{
    /// <summary>
    /// Served inputs. With training features, a single input carries all of them in column order (element i of a row
    /// is feature i); several inputs are matched to CSV columns by their served names.
    /// </summary>
    public static IReadOnlyList<TensorSpec> Inputs(IReadOnlyList<TensorSpec> artifactInputs, IReadOnlyList<TensorRename>? renames, IReadOnlyList<string>? features)
    {
        ArgumentNullException.ThrowIfNull(artifactInputs);
        CheckSources(renames, artifactInputs, "input");
        var inputs = artifactInputs.Select(input => Renamed(input, renames)).ToList();
        if (features is null)
        {
            return inputs;
        }

        if (inputs.Count == 1)
        {
            var perRow = inputs[0].Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            if (perRow > 0 && perRow != features.Count)
            {
                throw new PackagingException(
                    $"input '{inputs[0].Name}' takes {perRow} value(s) a row but the training data has {features.Count} feature column(s): {string.Join(", ", features)}");
            }

            return [inputs[0] with { Features = features.ToList() }];
        }

        var unmatched = inputs.Where(i => !features.Contains(i.Name)).Select(i => i.Name).ToList();
        return unmatched.Count == 0
            ? inputs
            : throw new PackagingException(
                $"the model has several inputs, matched to CSV columns by name, but no column is named {string.Join(", ", unmatched.Select(n => $"'{n}'"))}; the feature columns are: {string.Join(", ", features)}");
    }

    /// <summary>Served outputs: every artifact output as named, or only the renamed ones when renames are given.</summary>
    public static IReadOnlyList<TensorSpec> Outputs(IReadOnlyList<TensorSpec> artifactOutputs, IReadOnlyList<TensorRename>? renames)
    {
        ArgumentNullException.ThrowIfNull(artifactOutputs);
        if (renames is null)
        {
            return artifactOutputs.Select(o => o with { Source = null }).ToList();
        }

        CheckSources(renames, artifactOutputs, "output");
        return renames.Select(r => Renamed(artifactOutputs.Single(o => o.SourceName == r.Source), renames)).ToList();
    }

    private static TensorSpec Renamed(TensorSpec artifactTensor, IReadOnlyList<TensorRename>? renames)
    {
        var source = artifactTensor.SourceName;
        var rename = renames?.FirstOrDefault(r => r.Source == source);
        return rename is null || rename.Name == source
            ? artifactTensor with { Name = source, Source = null }
            : artifactTensor with { Name = rename.Name, Source = source };
    }

    private static void CheckSources(IReadOnlyList<TensorRename>? renames, IReadOnlyList<TensorSpec> artifactTensors, string kind)
    {
        foreach (var rename in renames ?? [])
        {
            if (!artifactTensors.Any(t => t.SourceName == rename.Source))
            {
                throw new PackagingException(
                    $"the artifact has no {kind} '{rename.Source}'; its {kind}s are: {string.Join(", ", artifactTensors.Select(t => t.SourceName))}");
            }
        }
    }
}
