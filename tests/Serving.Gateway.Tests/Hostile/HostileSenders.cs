using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;

namespace Serving.Gateway.Tests.Hostile;

/// <summary>
/// Sends generated requests with a few parallel senders and records what came back. An answer is bad when it is a
/// 5xx (or gRPC UNKNOWN/INTERNAL), when none comes (reset, timeout, deadline), or when it echoes caller text without
/// bound: an error body over <see cref="ErrorBodyBound"/> bytes, a header or gRPC status message over
/// <see cref="HeaderBound"/> characters (echoes are cut to 64 characters, so these bounds leave ample room).
/// </summary>
internal static class HostileSenders
{
    public const int Senders = 8;
    public const int ErrorBodyBound = 8 * 1024;
    public const int HeaderBound = 1024;

    public static Task SendAsync(HttpClient client, IEnumerable<HostileRequest> requests, HostileTally tally) =>
        Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (request, _) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
                if (request.Method != "GET")
                {
                    message.Content = new ByteArrayContent(request.Body);
                    if (request.ContentType is { } type)
                    {
                        message.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                    }
                }

                if (request.Authorization is { } authorization)
                {
                    message.Headers.TryAddWithoutValidation("Authorization", authorization);
                }

                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                var body = await response.Content.ReadAsByteArrayAsync();
                tally.Took(System.Diagnostics.Stopwatch.GetElapsedTime(started), request.Describe);
                var status = (int)response.StatusCode;
                var longHeader = response.Headers.Concat(response.Content.Headers).FirstOrDefault(h => h.Value.Any(v => v.Length > HeaderBound)).Key;
                if (longHeader is not null)
                {
                    tally.Record($"{status}+header {longHeader} over {HeaderBound}", bad: true, request.Describe);
                }
                else if (status >= 400 && body.Length > ErrorBodyBound)
                {
                    tally.Record($"{status}+body over {ErrorBodyBound} bytes", bad: true, () => $"{body.Length} bytes <- {request.Describe()}");
                }
                else
                {
                    tally.Record(status.ToString(System.Globalization.CultureInfo.InvariantCulture), status >= 500, request.Describe);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                tally.Record($"no answer ({ex.GetType().Name})", bad: true, request.Describe);
            }
        });

    /// <summary>
    /// Writes raw bytes on a fresh connection (for what HttpClient will not send: broken chunking, smuggling) and
    /// reads the status line. A connection closed without any answer counts as no answer.
    /// </summary>
    public static Task SendRawAsync(int port, IEnumerable<(string Label, byte[] Bytes)> requests, HostileTally tally) =>
        Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (request, _) =>
        {
            string Describe() => $"{request.Label}: {Encoding.ASCII.GetString(request.Bytes, 0, Math.Min(request.Bytes.Length, 120)).ReplaceLineEndings(" ")}";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
                try
                {
                    await socket.SendAsync(request.Bytes, SocketFlags.None, timeout.Token);
                }
                catch (SocketException)
                {
                    // The server may answer and close before taking the whole request; its answer is still read below.
                }

                var buffer = new byte[64 * 1024];
                var received = new List<byte>();
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0 && received.Count < 1 << 20)
                {
                    received.AddRange(buffer.AsSpan(0, read));
                }

                var text = Encoding.ASCII.GetString([.. received]);
                if (text.Length >= 12 && text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var status))
                {
                    tally.Record($"{request.Label}: {status}", status >= 500, Describe);
                }
                else
                {
                    tally.Record($"{request.Label}: no answer (closed)", bad: true, Describe);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                tally.Record($"{request.Label}: no answer ({ex.GetType().Name})", bad: true, Describe);
            }
        });

    /// <summary>Sends gRPC calls built by <paramref name="calls"/>; the status is what counts, with a 5 s deadline each.</summary>
    public static Task SendGrpcAsync<T>(GrpcChannel channel, IEnumerable<T> requests, Func<CallInvoker, T, CallOptions, Task> call, Func<T, string> describe, HostileTally tally) =>
        Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (request, _) =>
        {
            var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5));
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await call(channel.CreateCallInvoker(), request, options);
                tally.Took(System.Diagnostics.Stopwatch.GetElapsedTime(started), () => describe(request));
                tally.Record("OK", bad: false, () => describe(request));
            }
            catch (RpcException ex)
            {
                tally.Took(System.Diagnostics.Stopwatch.GetElapsedTime(started), () => describe(request));
                var code = ex.StatusCode;
                if (ex.Status.Detail.Length > HeaderBound)
                {
                    tally.Record($"{code}+message over {HeaderBound} characters", bad: true, () => $"{ex.Status.Detail.Length} characters <- {describe(request)}");
                }
                else
                {
                    var bad = code is StatusCode.Unknown or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Unavailable or StatusCode.Cancelled;
                    tally.Record(code.ToString(), bad, () => $"{describe(request)} -> {ex.Status.Detail[..Math.Min(ex.Status.Detail.Length, 120)]}");
                }
            }
        });

    /// <summary>A raw byte marshaller, so garbage can be sent as a protobuf message.</summary>
    public static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static b => b, static b => b);

    public static Method<byte[], byte[]> RawMethod(string name) =>
        new(MethodType.Unary, "inference.GRPCInferenceService", name, Bytes, Bytes);
}
