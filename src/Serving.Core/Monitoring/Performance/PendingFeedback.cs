namespace Serving.Core.Monitoring.Performance;

/// <summary>A label whose prediction had not been seen when it came, held until <see cref="Expires"/>.</summary>
internal sealed record PendingFeedback(FeedbackItem Item, DateTimeOffset Expires);
