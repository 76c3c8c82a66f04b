using Microsoft.Extensions.Http.Resilience;
using Polly.Retry;
using Serving.Core.Events.Webhooks;

namespace Serving.Core.Events.Delivery;

/// <summary>
/// The wait before a retry when the receiver sent Retry-After, held between the first back-off step and the longest
/// one. The resilience library's own reading takes the header as it comes: a 0 or a date in the past retries at
/// once, so a receiver answering 429 with Retry-After: 0 was sent the event in a tight loop (each attempt also a
/// journal line) until the horizon. A wait past the longest back-off is cut to it, as the retry's MaxDelay did, so a
/// wait of years neither stalls the delivery nor overflows a timer. Without the header the exponential back-off decides.
/// </summary>
internal static class RetryAfterDelay
{
    /// <summary>A delay generator for <see cref="HttpRetryStrategyOptions.DelayGenerator"/>: null when the answer names no wait.</summary>
    public static Func<RetryDelayGeneratorArguments<HttpResponseMessage>, ValueTask<TimeSpan?>> Generator(WebhookOptions options, TimeProvider time) =>
        args => ValueTask.FromResult(From(args.Outcome.Result, options, time.GetUtcNow()));

    /// <summary>The wait <paramref name="response"/> asks for, held within FirstRetryDelay and MaxRetryDelay; null when it asks none.</summary>
    public static TimeSpan? From(HttpResponseMessage? response, WebhookOptions options, DateTimeOffset now)
    {
        var asked = response?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };
        if (asked is not { } wait)
        {
            return null;
        }

        if (wait < options.FirstRetryDelay)
        {
            return options.FirstRetryDelay;
        }

        return wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait;
    }
}
