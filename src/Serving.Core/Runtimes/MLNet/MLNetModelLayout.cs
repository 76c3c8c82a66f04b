using Microsoft.ML;
using Microsoft.ML.Data;

namespace Serving.Core.Runtimes.MLNet;

/// <summary>
/// Which columns of a loaded ML.NET model are its inputs and outputs. Outputs are the visible columns that the
/// last prediction transformer and the transformers after it produce, so input pass-through columns and
/// intermediate feature columns are left out. Inputs are only the input columns those outputs depend on, so a
/// label column the model was trained with is not asked for.
/// </summary>
internal sealed class MLNetModelLayout
{
    private MLNetModelLayout(DataViewSchema inputSchema, MLNetColumn[] inputs, MLNetColumn[] outputs)
    {
        InputSchema = inputSchema;
        Inputs = inputs;
        Outputs = outputs;
    }

    public DataViewSchema InputSchema { get; }

    /// <summary>Input columns, in input-schema order; a column's position here is its binding slot.</summary>
    public MLNetColumn[] Inputs { get; }

    /// <summary>Output columns (of the mapper's output schema), in schema order.</summary>
    public MLNetColumn[] Outputs { get; }

    public static MLNetModelLayout Analyze(ITransformer model, DataViewSchema inputSchema, string path)
    {
        if (!model.IsRowToRowMapper)
        {
            throw new ModelLoadException($"ML.NET model '{path}' cannot score one row at a time (it is not a row-to-row mapper)");
        }

        var mapper = model.GetRowToRowMapper(inputSchema);
        var before = SchemaBeforePrediction(model, inputSchema);
        var outputs = new List<MLNetColumn>();
        foreach (var column in mapper.OutputSchema)
        {
            // Append-style transforms keep earlier columns at their index; a column found there is not an output.
            var passedThrough = before.GetColumnOrNull(column.Name) is { } earlier && earlier.Index == column.Index;
            if (!column.IsHidden && !passedThrough && MLNetColumn.TryCreate(column, out var output))
            {
                outputs.Add(output);
            }
        }

        if (outputs.Count == 0)
        {
            throw new ModelLoadException($"ML.NET model '{path}' produces no output column of a type the gateway can serve");
        }

        var inputs = new List<MLNetColumn>();
        foreach (var column in mapper.GetDependencies(outputs.Select(o => o.Column)).OrderBy(c => c.Index))
        {
            if (!MLNetColumn.TryCreate(column, out var input))
            {
                throw new ModelLoadException($"ML.NET model '{path}': input column '{column.Name}' has type {column.Type}, which no OIP datatype carries");
            }

            inputs.Add(input);
        }

        (mapper as IDisposable)?.Dispose();
        return new MLNetModelLayout(inputSchema, [.. inputs], [.. outputs]);
    }

    private static DataViewSchema SchemaBeforePrediction(ITransformer model, DataViewSchema inputSchema)
    {
        var steps = Flatten(model).ToList();
        var last = steps.FindLastIndex(IsPredictionTransformer);
        var schema = inputSchema;
        for (var i = 0; i < last; i++)
        {
            schema = steps[i].GetOutputSchema(schema);
        }

        return schema;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var step in chain)
            {
                foreach (var inner in Flatten(step))
                {
                    yield return inner;
                }
            }
        }
        else
        {
            yield return transformer;
        }
    }

    private static bool IsPredictionTransformer(ITransformer transformer) =>
        transformer.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IPredictionTransformer<>));
}
