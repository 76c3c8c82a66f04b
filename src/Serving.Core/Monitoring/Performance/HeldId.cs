using System.Buffers;

namespace Serving.Core.Monitoring.Performance;

/// <summary>
/// A held prediction's id. The gateway's own ids are 32 lowercase hex digits (a Guid's "N" form): those are kept as
/// the Guid itself, so the many held predictions under load keep no string alive; any other id is kept as given.
/// </summary>
internal readonly record struct HeldId(Guid Value, string? Text)
{
    public static HeldId From(string id) => IsCanonicalGuid(id) && Guid.TryParseExact(id, "N", out var value)
        ? new HeldId(value, null)
        : new HeldId(default, id);

    // Only the exact form Guid.ToString("N") writes maps to a Guid: ids differing in case stay different ids. Checked
    // with a vectorised search, as every served prediction's id passes here.
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private static bool IsCanonicalGuid(string id) => id.Length == 32 && !id.AsSpan().ContainsAnyExcept(LowerHex);
}
