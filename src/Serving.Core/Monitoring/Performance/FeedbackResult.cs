namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// What became of a feedback batch. Every item is counted once in <see cref="Accepted"/>, <see cref="UnknownIds"/>,
/// <see cref="InvalidLabels"/> or <see cref="Duplicates"/>; <see cref="Pending"/> counts the unknown ids held in case
/// their prediction is still on its way.
/// </summary>
public sealed record FeedbackResult(int Accepted, int Pending, int UnknownIds, int InvalidLabels, IReadOnlyList<string> Errors)
{
    /// <summary>Items whose id came again later in the same batch: only the last item with an id counts.</summary>
    public int Duplicates { get; init; }
}
