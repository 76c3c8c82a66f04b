using Serving.Core.Contracts;

namespace Serving.Core.Packaging.Mlflow;

/// <summary>
/// Matches an MLflow signature to the ONNX graph it describes. Tensor entries match graph tensors by name, or by
/// position when MLflow's names differ but the counts agree; columns become the feature names of one [N,k] input,
/// or match graph inputs one to one by name.
/// </summary>
public static class MlflowSignatureMapper
{
    /// <summary>The plan for a model; throws <see cref="PackagingException"/> when the signature does not fit the graph.</summary>
    public static MlflowSignaturePlan Plan(MlflowModel model, IReadOnlyList<TensorSpec> graphInputs, IReadOnlyList<TensorSpec> graphOutputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (inputs, features) = model.Inputs is { Count: > 0 } declaredInputs ? MapInputs(declaredInputs, graphInputs) : (null, null);
        var outputs = model.Outputs is { Count: > 0 } declaredOutputs ? MapTensors(declaredOutputs, graphOutputs, "output", requireAll: false) : null;
        return new MlflowSignaturePlan(inputs, outputs, features);
    }

    private static (IReadOnlyList<TensorRename>? Inputs, IReadOnlyList<string>? Features) MapInputs(
        IReadOnlyList<MlflowSignatureEntry> declared, IReadOnlyList<TensorSpec> graph)
    {
        var tensors = declared.Count(e => e.IsTensor);
        if (tensors == declared.Count)
        {
            return (MapTensors(declared, graph, "input", requireAll: true), null);
        }

        if (tensors > 0)
        {
            throw new PackagingException("the MLflow signature mixes tensor and column inputs, which the gateway cannot map to one ONNX graph");
        }

        return MapColumns(declared, graph);
    }

    private static (IReadOnlyList<TensorRename>? Inputs, IReadOnlyList<string>? Features) MapColumns(
        IReadOnlyList<MlflowSignatureEntry> columns, IReadOnlyList<TensorSpec> graph)
    {
        foreach (var column in columns)
        {
            _ = column.Datatype; // throws for column types the gateway cannot serve
            if (column.Name is null)
            {
                throw new PackagingException("an MLflow column input has no name");
            }
        }

        var names = columns.Select(c => c.Name!).ToList();
        if (graph.Count == 1 && graph[0].Shape.Count == 2 && (graph[0].Shape[1] == columns.Count || graph[0].Shape[1] == -1))
        {
            var nonNumeric = columns.FirstOrDefault(c => !MlflowTypes.IsNumericColumn(c.Type));
            return nonNumeric is null
                ? (null, names)
                : throw new PackagingException(
                    $"the MLflow column '{nonNumeric.Name}' is {nonNumeric.Type}; only numeric columns can share the graph's one input '{graph[0].Name}' [{string.Join(", ", graph[0].Shape)}]");
        }

        if (graph.Count == columns.Count && graph.All(g => names.Contains(g.Name)))
        {
            return (null, null);
        }

        throw new PackagingException(
            $"the MLflow signature has {columns.Count} column(s) ({string.Join(", ", names)}) but the ONNX graph's inputs are "
            + $"{Describe(graph)}; expected one [N,{columns.Count}] input or one input per column, named like it");
    }

    private static List<TensorRename> MapTensors(IReadOnlyList<MlflowSignatureEntry> declared, IReadOnlyList<TensorSpec> graph, string kind, bool requireAll)
    {
        List<(MlflowSignatureEntry Entry, TensorSpec Graph)> pairs;
        if (declared.All(e => e.Name is not null && graph.Any(g => g.Name == e.Name)))
        {
            pairs = declared.Select(e => (e, graph.First(g => g.Name == e.Name))).ToList();
            var missing = requireAll ? graph.Where(g => declared.All(e => e.Name != g.Name)).ToList() : [];
            if (missing.Count > 0)
            {
                throw new PackagingException($"the ONNX graph's {kind}(s) {string.Join(", ", missing.Select(m => $"'{m.Name}'"))} are not in the MLflow signature");
            }
        }
        else if (declared.Count == graph.Count)
        {
            // MLflow and the graph name the same tensors differently (or MLflow left names out): graph order decides.
            pairs = declared.Zip(graph).ToList();
        }
        else
        {
            throw new PackagingException(
                $"the MLflow signature's {kind}s ({string.Join("; ", declared)}) do not match the ONNX graph's {kind}s {Describe(graph)} by name, and their counts differ");
        }

        foreach (var (entry, tensor) in pairs)
        {
            // Columns carry no dtype the graph must share (a double column may feed a float tensor).
            if (entry.IsTensor && entry.Datatype != tensor.Datatype)
            {
                throw new PackagingException(
                    $"the MLflow signature says {kind} '{entry.Name ?? tensor.Name}' is {entry.Dtype} ({entry.Datatype}) but the ONNX graph's '{tensor.Name}' is {tensor.Datatype}");
            }
        }

        var renames = pairs.Select(p => new TensorRename(p.Entry.Name ?? p.Graph.Name, p.Graph.Name)).ToList();
        var duplicate = renames.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? renames : throw new PackagingException($"the MLflow signature names two {kind}s '{duplicate.Key}'");
    }

    private static string Describe(IReadOnlyList<TensorSpec> tensors) =>
        string.Join(", ", tensors.Select(t => $"'{t.Name}' {t.Datatype} [{string.Join(", ", t.Shape)}]"));
}
