using System.Text.Json.Serialization;
using Serving.Core.Contracts;
using Serving.Core.Packaging;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Where a loaded version came from, read from its manifest's lineage: the MLflow run (with its URL when the lineage
/// has one), the data version (DVC md5, size and path beside our SHA-256: the retrainer's exported set, else the file
/// it was packaged with), the parent version, the event that caused it, and the evaluation gate's verdict. Fields the
/// lineage lacks are left out.
/// </summary>
public sealed record AdminLineageView(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MlflowLineage? Mlflow,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TrainingDataReference? Data,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ParentVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AdminLineageEvent? Event,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvaluationLineage? Evaluation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RetrainingRunId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Trainer,
    DateTimeOffset CreatedAt)
{
    public static AdminLineageView? Of(ModelManifest? manifest) => manifest?.Lineage is not { } lineage ? null : new(
        lineage.Mlflow,
        lineage.Retraining?.DataVersion ?? lineage.TrainingData,
        lineage.Retraining?.ParentVersion,
        lineage.Retraining is { } r ? new AdminLineageEvent(r.EventId, r.EventType) : null,
        lineage.Retraining?.Evaluation,
        lineage.Retraining?.RunId,
        lineage.Trainer,
        lineage.CreatedAt);
}

/// <summary>The event a retraining answered: its id (the webhook-id; null for a run by hand) and type.</summary>
public sealed record AdminLineageEvent(string? Id, string Type);
