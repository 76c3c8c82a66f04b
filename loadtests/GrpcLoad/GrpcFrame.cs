using System.Buffers.Binary;
using Google.Protobuf;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>gRPC's length-prefixed message framing, for tools that send a prepared body (h2load -d).</summary>
internal static class GrpcFrame
{
    /// <summary>The 5-byte prefix is the whole framing: one flag byte (0 = not compressed), then the length, big-endian.</summary>
    public const int PrefixBytes = 5;

    /// <summary>One uncompressed message as it travels in an HTTP/2 DATA payload.</summary>
    public static byte[] Frame(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[PrefixBytes + size];
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)size);
        message.WriteTo(frame.AsSpan(PrefixBytes));
        return frame;
    }
}
