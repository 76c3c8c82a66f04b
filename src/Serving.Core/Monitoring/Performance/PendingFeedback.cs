namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// A label whose prediction had not been seen when it came, held until <see cref="Expires"/>; <see cref="Bytes"/> is
/// what holding it costs, by <see cref="SizeOf"/>.
/// </summary>
internal sealed record PendingFeedback(FeedbackItem Item, DateTimeOffset Expires, long Bytes)
{
    // What one held item costs besides its strings and its label array, on x64: the item and this record, the linked
    // list node and dictionary entry that find it, rounded up. Overestimating is the safe side of a memory bound.
    private const long EntryBytes = 200;

    // A string's header, length and terminator; its characters take two bytes each.
    private const long StringBytes = 24;

    // An array's header; a FeedbackLabel takes 24 bytes (kind, number, text reference).
    private const long ArrayBytes = 32;
    private const long LabelBytes = 24;

    /// <summary>The bytes holding <paramref name="item"/> keeps alive: its id, its labels and their text, and the entry itself.</summary>
    public static long SizeOf(FeedbackItem item)
    {
        var bytes = EntryBytes + StringBytes + (2L * (item.Id?.Length ?? 0)) + ArrayBytes + (LabelBytes * item.Labels.Count);
        foreach (var label in item.Labels)
        {
            // An unusable label's text is one of a few shared descriptions, not the caller's.
            if (label.Kind == FeedbackLabelKind.Text)
            {
                bytes += StringBytes + (2L * label.Text!.Length);
            }
        }

        return bytes;
    }
}
