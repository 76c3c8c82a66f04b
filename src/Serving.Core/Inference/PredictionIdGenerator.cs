using System.Security.Cryptography;

namespace Serving.Core.Inference;

/// <summary>
/// Makes the gateway's own prediction ids without a system call per request: a random prefix drawn once per
/// instance (64 bits from the kernel's random source) and a counter, written as 32 lowercase hex digits (prefix, then
/// counter), the format <see cref="PredictionIds"/> documents. Two replicas, or two instances in one process, share a
/// prefix with probability about n²/2⁶⁵ for n of them, so ids stay unique across replicas; within one instance the
/// counter never repeats (2⁶⁴ ids).
/// </summary>
public sealed class PredictionIdGenerator
{
    /// <summary>How many characters a generated id has.</summary>
    public const int Length = 32;

    private readonly ulong _prefix;
    private long _counter;

    public PredictionIdGenerator()
        : this(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong))))
    {
    }

    /// <summary>An instance with a chosen prefix (tests).</summary>
    internal PredictionIdGenerator(ulong prefix) => _prefix = prefix;

    /// <summary>The prefix every id of this instance starts with, as 16 hex digits.</summary>
    public string Prefix => _prefix.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The next id: one atomic increment and one 32-character string.</summary>
    public string Next()
    {
        var sequence = unchecked((ulong)Interlocked.Increment(ref _counter));
        return string.Create(Length, (_prefix, sequence), static (chars, state) =>
        {
            state._prefix.TryFormat(chars[..16], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
            state.sequence.TryFormat(chars[16..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }
}
