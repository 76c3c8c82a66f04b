namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// The true outcome of one prediction: its id and one label per predicted row (a single-row prediction takes one).
/// </summary>
/// <param name="Id">The prediction id the caller got back; null when the caller sent none.</param>
/// <param name="Labels">Labels in row order; empty when the caller sent none.</param>
public sealed record FeedbackItem(string? Id, IReadOnlyList<FeedbackLabel> Labels);
