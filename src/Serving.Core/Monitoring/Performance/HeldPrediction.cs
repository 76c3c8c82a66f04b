namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// A prediction waiting for its label: where its rows sit (the window's number, then consecutive rows across
/// consecutive windows) and how to read a label for it. A struct kept inside the held predictions' ring, and it names its
/// window by number rather than by reference, so a held prediction adds no object of its own and keeps no forgotten
/// window alive.
/// </summary>
internal readonly record struct HeldPrediction(
    VersionWindows Windows, PredictionLayout Layout, long Window, int Row, int Rows, DateTimeOffset Time);
