using System.Globalization;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Packaging;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// How to read a model version's answers for scoring (which output is the prediction, which holds class probabilities)
/// and how to read its labels (class indexes, <c>true</c>/<c>false</c>, class names, or numbers for regression).
/// </summary>
internal sealed class PredictionLayout
{
    private PredictionLayout(string task, string predictionOutput, string? probabilityOutput, IReadOnlyList<string>? classes, int? classCount)
    {
        Task = task;
        PredictionOutput = predictionOutput;
        ProbabilityOutput = probabilityOutput;
        Classes = classes;
        ClassCount = classCount;
    }

    public string Task { get; }

    public bool IsClassification => ModelTasks.IsClassification(Task);

    public bool IsBinary => Task == ModelTasks.Binary;

    public string PredictionOutput { get; }

    /// <summary>The output with class probabilities ([N,1] = P(class 1) for binary, [N,K] otherwise); null when none.</summary>
    public string? ProbabilityOutput { get; }

    public IReadOnlyList<string>? Classes { get; }

    /// <summary>Number of classes when the manifest or the outputs tell; null when unknown.</summary>
    public int? ClassCount { get; }

    public static PredictionLayout For(ModelManifest manifest)
    {
        var outputs = manifest.Signature.Outputs;
        var prediction = manifest.Signature.PredictionOutput ?? PredictionOutputChooser.Choose(outputs, manifest.Task, null);
        var classes = manifest.Signature.Classes;
        if (!ModelTasks.IsClassification(manifest.Task))
        {
            return new PredictionLayout(manifest.Task, prediction, null, null, null);
        }

        static bool Floating(TensorSpec o) => TensorDataTypes.TryParse(o.Datatype, out var t) && t.IsFloatingPoint();
        var others = outputs.Where(o => o.Name != prediction && Floating(o)).ToList();
        var probability = others.FirstOrDefault(o => o.Name.Contains("prob", StringComparison.OrdinalIgnoreCase)) ?? others.FirstOrDefault();

        // A prediction output that is itself a probability vector: the predicted class is its argmax.
        var predictionSpec = outputs.FirstOrDefault(o => o.Name == prediction);
        if (predictionSpec is not null && Floating(predictionSpec) && Width(predictionSpec) > 1)
        {
            probability = predictionSpec;
        }

        var width = probability is null ? 0 : Width(probability);
        int? count = classes?.Count ?? (manifest.Task == ModelTasks.Binary ? 2 : width > 1 ? (int)width : (int?)null);
        return new PredictionLayout(manifest.Task, prediction, probability?.Name, classes, count);
    }

    /// <summary>
    /// Reads the rows of a response, at most <paramref name="maxRows"/> of them: past that, the middle row of each
    /// of <paramref name="maxRows"/> equal strata (<see cref="RowSample.Middle"/>, so a label list maps back to the
    /// same rows). Null when it lacks the prediction output.
    /// </summary>
    /// <remarks>With <paramref name="buffer"/> the rows go into its arrays, valid until it is read into again.</remarks>
    public PredictedRows? Read(InferenceResponse response, int maxRows = int.MaxValue, PredictedRowsBuffer? buffer = null)
    {
        if (Output(response, PredictionOutput) is not { } prediction)
        {
            return null;
        }

        var probability = Output(response, ProbabilityOutput);

        var rows = Rows(prediction);
        var sample = RowSample.Middle(rows, maxRows);
        var (probabilities, width) = IsClassification && probability is not null && probability.DataType != TensorDataType.Bytes && Rows(probability) == rows
            ? Probabilities(probability, sample, buffer)
            : (null, 0);
        var predicted = buffer?.Predicted(sample.Count) ?? new double[sample.Count];
        var perRow = rows == 0 ? 0 : prediction.ElementCount / rows;
        for (var i = 0; i < sample.Count; i++)
        {
            predicted[i] = PredictedValue(prediction, sample.Row(i), i, perRow, probabilities, width);
        }

        return new PredictedRows(predicted, probabilities, width, sample.Count);
    }

    /// <summary>Whether the answer's prediction output holds one row (false when it has none).</summary>
    public bool IsSingleRow(InferenceResponse response) => Output(response, PredictionOutput) is { } prediction && Rows(prediction) == 1;

    // The answer's output of that name. Indexed: a foreach over the interface would allocate an enumerator.
    private static Tensor? Output(InferenceResponse response, string? name)
    {
        var outputs = response.Outputs;
        for (var i = 0; name is not null && i < outputs.Count; i++)
        {
            if (outputs[i].Name == name)
            {
                return outputs[i];
            }
        }

        return null;
    }

    /// <summary>Turns a label into a class index or value; false with a reason when it does not fit the task.</summary>
    public bool TryResolve(FeedbackLabel label, out double value, out string? error)
    {
        value = 0;
        error = null;
        if (!IsClassification)
        {
            if (label.Kind == FeedbackLabelKind.Number || (label.Kind == FeedbackLabelKind.Text && double.TryParse(label.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                value = label.Kind == FeedbackLabelKind.Number ? label.Number : double.Parse(label.Text!, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (double.IsFinite(value))
                {
                    return true;
                }
            }

            error = $"label {label} is not a number, and this is a regression model";
            return false;
        }

        switch (label.Kind)
        {
            case FeedbackLabelKind.Number or FeedbackLabelKind.Boolean:
                value = label.Number;
                break;
            case FeedbackLabelKind.Text when Classes is not null && IndexOfClass(label.Text!) is { } index:
                value = index;
                return true;
            case FeedbackLabelKind.Text when double.TryParse(label.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                value = parsed;
                break;
            default:
                error = Classes is null
                    ? $"label {label} is not a class index"
                    : $"label {label} is neither a class index nor one of the classes ({string.Join(", ", Classes)})";
                return false;
        }

        if (value != Math.Floor(value) || value < 0 || (ClassCount is { } count && value >= count))
        {
            error = ClassCount is { } classes
                ? $"label {label} is not a class index from 0 to {classes - 1}"
                : $"label {label} is not a class index";
            return false;
        }

        return true;
    }

    private int? IndexOfClass(string name)
    {
        for (var i = 0; i < Classes!.Count; i++)
        {
            if (string.Equals(Classes[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return null;
    }

    // row: in the response; kept: the same row's place among the rows read (and in probabilities).
    private double PredictedValue(Tensor prediction, int row, int kept, long perRow, double[]? probabilities, int width)
    {
        if (prediction.DataType == TensorDataType.Bytes)
        {
            var text = Encoding.UTF8.GetString(prediction.Elements![row * perRow]);
            return IsClassification && Classes is not null && IndexOfClass(text) is { } index ? index
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : -1;
        }

        if (IsClassification && perRow > 1 && prediction.Name == ProbabilityOutput && probabilities is not null)
        {
            return ArgMax(probabilities.AsSpan(kept * width, width));
        }

        return TensorNumbers.At(prediction, row * perRow);
    }

    private static int Rows(Tensor tensor) => (int)(tensor.Shape.Length == 0 ? 1 : tensor.Shape[0]);

    // The sampled rows' probabilities in one array, row after row; one column (binary: P(class 1)) becomes two.
    private static (double[] Values, int Width) Probabilities(Tensor tensor, RowSample sample, PredictedRowsBuffer? buffer)
    {
        var rows = sample.Of;
        var columns = rows == 0 ? 0 : (int)(tensor.ElementCount / rows);
        if (columns == 1)
        {
            var pairs = buffer?.Probabilities(sample.Count * 2) ?? new double[sample.Count * 2];
            for (var i = 0; i < sample.Count; i++)
            {
                var p = TensorNumbers.At(tensor, sample.Row(i));
                pairs[i * 2] = 1 - p;
                pairs[(i * 2) + 1] = p;
            }

            return (pairs, 2);
        }

        var values = buffer?.Probabilities(sample.Count * columns) ?? new double[sample.Count * columns];
        for (var i = 0; i < sample.Count; i++)
        {
            var first = (long)sample.Row(i) * columns;
            for (var c = 0; c < columns; c++)
            {
                values[(i * columns) + c] = TensorNumbers.At(tensor, first + c);
            }
        }

        return (values, columns);
    }

    private static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    private static long Width(TensorSpec spec) => spec.Shape.Count < 2 ? 1 : spec.Shape.Skip(1).Aggregate(1L, (a, d) => a * Math.Max(d, 1));
}
