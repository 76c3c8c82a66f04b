namespace Serving.Core.Contracts;

/// <summary>Tasks a manifest may name.</summary>
public static class ModelTasks
{
    public const string Binary = "binary";
    public const string Multiclass = "multiclass";
    public const string Regression = "regression";

    public static bool IsKnown(string? task) => task is Binary or Multiclass or Regression;

    public static bool IsClassification(string task) => task is Binary or Multiclass;
}
