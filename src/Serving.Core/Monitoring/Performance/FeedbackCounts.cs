namespace Serving.Core.Monitoring.Performance;

/// <summary>Running totals of feedback outcomes since start, for metrics.</summary>
/// <param name="Accepted">Labels joined to their prediction on arrival.</param>
/// <param name="UnknownIds">Labels whose id matched no held prediction on arrival.</param>
/// <param name="InvalidLabels">Labels that did not fit their model (wrong type, unknown class), on arrival or on a late join.</param>
/// <param name="JoinedLate">Held labels joined when their prediction came.</param>
/// <param name="Expired">Held labels dropped because their prediction never came in time (or the hold was full).</param>
/// <param name="Evicted">Of <paramref name="Expired"/>, those dropped early because the hold was full (by count or by bytes).</param>
public sealed record FeedbackCounts(long Accepted, long UnknownIds, long InvalidLabels, long JoinedLate, long Expired, long Evicted);
