namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// What became of a feedback batch. Every item is counted once in <see cref="Accepted"/>, <see cref="UnknownIds"/> or
/// <see cref="InvalidLabels"/>; <see cref="Pending"/> counts the unknown ids held in case their prediction is still on its way.
/// </summary>
public sealed record FeedbackResult(int Accepted, int Pending, int UnknownIds, int InvalidLabels, IReadOnlyList<string> Errors);
