using System.Net;
using System.Net.Http.Headers;

namespace Serving.Gateway.Tests.Grpc;

/// <summary>
/// One gRPC call made by hand over HTTP/2 with <see cref="HttpClient"/>, so a test can send bytes no gRPC client
/// would (a body that is not protobuf, a bad frame header, strings that are not UTF-8) and read the status as sent.
/// </summary>
internal static class RawGrpcCall
{
    /// <summary>A gRPC frame: not compressed (unless <paramref name="flag"/> says otherwise), then the length and the bytes.</summary>
    public static byte[] Frame(byte[] message, byte flag = 0)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>
    /// Posts <paramref name="body"/> to <c>/inference.GRPCInferenceService/{method}</c> (or to <paramref name="method"/>
    /// itself when it is a path); returns grpc-status and the decoded grpc-message.
    /// </summary>
    public static async Task<(string Status, string Message)> SendAsync(Uri server, string method, byte[] body, string contentType = "application/grpc")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var call = new HttpRequestMessage(HttpMethod.Post, new Uri(server, method.StartsWith('/') ? method : "/inference.GRPCInferenceService/" + method))
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        call.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));

        using var response = await http.SendAsync(call, TestContext.Current.CancellationToken);
        await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);

        // A call that ends before any message carries its status in the headers ("trailers-only"), others in trailers.
        var status = Header(response, "grpc-status") ?? "(none)";
        var message = Header(response, "grpc-message") ?? string.Empty;
        return (status, Uri.UnescapeDataString(message));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.TrailingHeaders.TryGetValues(name, out values)
            ? values.Single()
            : null;
}
