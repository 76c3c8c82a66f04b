using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;

namespace Serving.Core.Monitoring.Drift;

/// <summary>
/// Where each monitored value sits in a request and response: the feature columns of every input (element i of
/// an [N, k] input's row is its i-th feature) and, last, the prediction output read one value per row as
/// packaging read it for the baseline.
/// </summary>
internal sealed class MonitoredColumns
{
    private readonly (string Input, int Width, int FirstColumn)[] _inputs;
    private readonly string? _predictionOutput;
    private readonly bool _thresholdProbability;

    public MonitoredColumns(ModelManifest manifest)
    {
        var inputs = new List<(string, int, int)>();
        var names = new List<string>();
        foreach (var input in manifest.Signature.Inputs)
        {
            var features = input.Features ?? [input.Name];
            inputs.Add((input.Name, features.Count, names.Count));
            names.AddRange(features);
        }

        _inputs = [.. inputs];
        FeatureNames = names;
        _predictionOutput = manifest.Signature.PredictionOutput;
        _thresholdProbability = ModelTasks.IsClassification(manifest.Task)
            && _predictionOutput is not null && _predictionOutput.Contains("prob", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Feature names in column order; the prediction is column <see cref="PredictionColumn"/>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    public int PredictionColumn => FeatureNames.Count;

    public int ColumnCount => FeatureNames.Count + 1;

    /// <summary>
    /// The record's values as rows × columns (NaN where a value could not be read), or null when the request
    /// holds none of the monitored inputs in a readable form.
    /// </summary>
    public double[][]? Read(InferenceRecord record)
    {
        int? rows = null;
        var inputValues = new double[_inputs.Length][];
        for (var i = 0; i < _inputs.Length; i++)
        {
            var (name, width, _) = _inputs[i];
            var tensor = record.Request.Inputs.FirstOrDefault(t => t.Name == name);
            if (tensor is null || ReadDoubles(tensor) is not { } values || values.Length % width != 0)
            {
                continue;
            }

            var tensorRows = values.Length / width;
            if (rows is { } known && known != tensorRows)
            {
                return null;
            }

            rows = tensorRows;
            inputValues[i] = values;
        }

        if (rows is not { } n || n == 0)
        {
            return null;
        }

        var predictions = PredictionsOf(record.Response, n);
        var result = new double[n][];
        for (var r = 0; r < n; r++)
        {
            var row = new double[ColumnCount];
            Array.Fill(row, double.NaN);
            for (var i = 0; i < _inputs.Length; i++)
            {
                if (inputValues[i] is { } values)
                {
                    var (_, width, first) = _inputs[i];
                    values.AsSpan(r * width, width).CopyTo(row.AsSpan(first, width));
                }
            }

            row[PredictionColumn] = predictions?[r] ?? double.NaN;
            result[r] = row;
        }

        return result;
    }

    private double[]? PredictionsOf(InferenceResponse? response, int rows)
    {
        var tensor = response?.Outputs.FirstOrDefault(t => t.Name == _predictionOutput);
        if (tensor is null || ReadDoubles(tensor) is not { } values || values.Length == 0 || values.Length % rows != 0)
        {
            return null;
        }

        return TensorValues.PerRow(tensor, rows, _thresholdProbability);
    }

    private static double[]? ReadDoubles(Tensor tensor)
    {
        try
        {
            return tensor.DataType == TensorDataType.Bytes ? null : TensorValues.ToDoubles(tensor);
        }
        catch (PackagingException)
        {
            // A type packaging does not read (FP16, BF16, INT8...): not monitored.
            return null;
        }
    }
}
