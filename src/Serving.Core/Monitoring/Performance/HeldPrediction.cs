namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// A prediction waiting for its label: where its rows sit (the window's number, then consecutive rows across
/// consecutive windows) and how to read a label for it. A struct kept inside the store's arrays, and it names its
/// window by number rather than by reference, so a held prediction adds no object of its own and keeps no forgotten
/// window alive.
/// </summary>
/// <param name="Order">Arrival number, telling this prediction apart from a later one under the same id.</param>
internal readonly record struct HeldPrediction(
    VersionWindows Windows, PredictionLayout Layout, long Window, int Row, int Rows, DateTimeOffset Time, long Order);
