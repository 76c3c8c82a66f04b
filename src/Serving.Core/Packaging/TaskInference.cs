using Serving.Core.Contracts;

namespace Serving.Core.Packaging;

/// <summary>Guesses the task from the label column when <c>--task</c> is left out.</summary>
public static class TaskInference
{
    /// <summary>The most distinct integer labels still read as classes rather than a quantity.</summary>
    public const int MaxInferredClasses = 20;

    /// <summary>2 distinct values: binary; 3 to <see cref="MaxInferredClasses"/> integer values: multiclass; else regression.</summary>
    public static string Infer(IEnumerable<double> labels)
    {
        var distinct = labels.Where(v => !double.IsNaN(v)).Distinct().ToList();
        if (distinct.Count == 2)
        {
            return ModelTasks.Binary;
        }

        var integers = distinct.TrueForAll(v => Math.Abs(v - Math.Round(v)) == 0);
        return integers && distinct.Count is > 2 and <= MaxInferredClasses ? ModelTasks.Multiclass : ModelTasks.Regression;
    }
}
