using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Picks the output that holds the prediction when <c>--prediction-output</c> is left out.</summary>
public static class PredictionOutputChooser
{
    private static readonly string[] PredictionWords = ["label", "prediction", "predicted"];

    /// <summary>
    /// The requested output if given (it must exist); else one named like label, prediction or predicted; else,
    /// for classifiers, a probability output (the prediction is its argmax); else the first output.
    /// </summary>
    public static string Choose(IReadOnlyList<TensorSpec> outputs, string task, string? requested)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            throw new PackagingException("the model has no tensor outputs");
        }

        if (requested is not null)
        {
            return outputs.Any(o => o.Name == requested)
                ? requested
                : throw new PackagingException($"--prediction-output '{requested}' is not an output; the outputs are: {string.Join(", ", outputs.Select(o => o.Name))}");
        }

        var named = outputs.FirstOrDefault(o => PredictionWords.Any(w => o.Name.Contains(w, StringComparison.OrdinalIgnoreCase)));
        if (named is not null)
        {
            return named.Name;
        }

        if (ModelTasks.IsClassification(task))
        {
            var probability = outputs.FirstOrDefault(o => o.Name.Contains("prob", StringComparison.OrdinalIgnoreCase));
            if (probability is not null)
            {
                return probability.Name;
            }
        }

        return outputs[0].Name;
    }
}
