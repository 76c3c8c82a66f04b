using System.Globalization;

namespace Serving.Cli.Commands.Admin;

/// <summary>How long <c>rollout status --watch</c> ran before its <c>--max-minutes</c>, in words that fit the span.</summary>
internal static class WatchLimitText
{
    /// <summary>
    /// Seconds below one minute (<c>0.6 s</c>, <c>36 s</c>), minutes from one up (<c>1.5 min</c>), invariant: in minutes
    /// alone a limit of 0.01 read "0 min", which looked as if the watch had not run at all.
    /// </summary>
    public static string Of(TimeSpan limit) => limit < TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds:0.##} s")
        : string.Create(CultureInfo.InvariantCulture, $"{limit.TotalMinutes:0.#} min");
}
