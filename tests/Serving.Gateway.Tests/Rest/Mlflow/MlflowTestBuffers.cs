using System.Buffers;

namespace Serving.Gateway.Tests.Rest.Mlflow;

/// <summary>Builds multi-segment sequences, as a request body arrives from Kestrel in pieces.</summary>
internal static class MlflowTestBuffers
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var start = 0; start < bytes.Length; start += segmentSize)
        {
            var segment = new Segment(bytes.AsMemory(start, Math.Min(segmentSize, bytes.Length - start)), last);
            first ??= segment;
            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
