namespace Serving.Cli.Retraining;

/// <summary>The stages a run passes through, in order; it ends in done, refused (by the gate) or failed.</summary>
public static class RunStages
{
    public const string Queued = "queued";
    public const string ReadingData = "reading-data";
    public const string Training = "training";
    public const string Evaluating = "evaluating";
    public const string Publishing = "publishing";
    public const string Done = "done";
    public const string Refused = "refused";
    public const string Failed = "failed";

    /// <summary>True once a run has ended.</summary>
    public static bool IsFinal(string stage) => stage is Done or Refused or Failed;
}
