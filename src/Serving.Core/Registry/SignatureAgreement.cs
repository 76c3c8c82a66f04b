using Serving.Core.Contracts;
using Serving.Core.Runtimes;

namespace Serving.Core.Registry;

/// <summary>Checks that a loaded artifact really has the inputs and outputs its manifest promises.</summary>
public static class SignatureAgreement
{
    /// <summary>Returns the first disagreement, or null.</summary>
    public static string? Check(ModelSignature signature, IModelRuntime runtime)
    {
        var artifactInputs = runtime.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var input in signature.Inputs)
        {
            if (!artifactInputs.Remove(input.SourceName, out var actual))
            {
                return $"input '{input.SourceName}' is not in the artifact (it has {Names(runtime.Inputs)})";
            }

            var problem = Compare("input", input, actual);
            if (problem is not null)
            {
                return problem;
            }
        }

        if (artifactInputs.Count > 0)
        {
            return $"the artifact also needs input(s) {string.Join(", ", artifactInputs.Keys.Select(k => $"'{k}'"))} that the manifest does not list";
        }

        var artifactOutputs = runtime.Outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);
        foreach (var output in signature.Outputs)
        {
            if (!artifactOutputs.TryGetValue(output.SourceName, out var actual))
            {
                return $"output '{output.SourceName}' is not in the artifact (it has {Names(runtime.Outputs)})";
            }

            var problem = Compare("output", output, actual);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Compare(string kind, TensorSpec declared, TensorSpec actual)
    {
        if (declared.Datatype != actual.Datatype)
        {
            return $"{kind} '{declared.SourceName}' is {actual.Datatype} in the artifact but {declared.Datatype} in the manifest";
        }

        // A fixed manifest dimension may narrow a variable artifact dimension, never contradict a fixed one.
        if (declared.Shape.Count != actual.Shape.Count
            || declared.Shape.Zip(actual.Shape).Any(p => p.Second >= 0 && p.First != p.Second))
        {
            return $"{kind} '{declared.SourceName}' has shape [{string.Join(',', actual.Shape)}] in the artifact but [{string.Join(',', declared.Shape)}] in the manifest";
        }

        return null;
    }

    private static string Names(IReadOnlyList<TensorSpec> specs) =>
        specs.Count == 0 ? "none" : string.Join(", ", specs.Select(s => $"'{s.Name}'"));
}
