namespace Serving.Cli.Retraining;

/// <summary>
/// The data of one run, as files in its folder: <c>combined.csv</c> (the original training data, then the labelled
/// logged predictions), split deterministically into <c>train.csv</c> (what the job trains on) and
/// <c>heldout.csv</c> (what the gate scores both versions on), and <c>window.csv</c> (the labelled logged rows alone,
/// the population of the drifted window).
/// </summary>
public sealed record TrainingSet(
    string CombinedPath,
    string TrainPath,
    string HeldOutPath,
    string Sha256,
    string Label,
    int OriginalRows,
    int LoggedRows,
    int TrainRows,
    int HeldOutRows,
    string Split)
{
    /// <summary><c>window.csv</c>: the logged rows of the window alone, with the same columns; null when not written.</summary>
    public string? WindowPath { get; init; }
}
