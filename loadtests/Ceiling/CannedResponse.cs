using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Primitives;

namespace Serving.LoadTests.Ceiling;

/// <summary>The fixed answer the ceiling sends to every POST: status 200, the gateway's headers and body bytes.</summary>
internal sealed class CannedResponse(byte[] body, IReadOnlyList<KeyValuePair<string, StringValues>> headers)
{
    /// <summary>Loads the body, and the headers when a file names them, from what the run script captured.</summary>
    public static CannedResponse Load(string bodyFile, string? headersFile)
    {
        var body = File.ReadAllBytes(bodyFile);
        var headers = new List<KeyValuePair<string, StringValues>>();
        if (headersFile is not null)
        {
            foreach (var line in File.ReadAllLines(headersFile))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                var name = line[..colon].Trim();
                // Kestrel writes these itself; copying them would duplicate or contradict its own.
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Date", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Server", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                headers.Add(new(name, line[(colon + 1)..].Trim()));
            }
        }

        if (!headers.Exists(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Content-Type", "application/json"));
        }

        return new CannedResponse(body, headers);
    }

    /// <summary>Size of the canned body in bytes.</summary>
    public int Length => body.Length;

    /// <summary>Reads the request body to its end, as the gateway must, then writes the canned answer.</summary>
    public async Task AnswerAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        await DrainAsync(context.Request.BodyReader);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }

        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body);
    }

    private static async Task DrainAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
