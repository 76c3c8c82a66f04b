using Serving.LoadTests.Shared;

namespace Serving.LoadTests.Ceiling;

/// <summary>Command-line settings of the ceiling server: port, canned body and optional canned headers.</summary>
internal sealed record CeilingOptions(int Port, string BodyFile, string? HeadersFile)
{
    public const string Usage =
        "usage: Ceiling --port <port> --body-file <file> [--headers-file <file>]\n" +
        "  Answers every POST on 127.0.0.1:<port> (HTTP/1.1) with the bytes of <file>, Content-Length set.\n" +
        "  <headers-file> holds extra 'Name: value' lines to send with every answer (Content-Type included).";

    /// <summary>Parses the arguments; null when they are incomplete or malformed.</summary>
    public static CeilingOptions? Parse(IReadOnlyList<string> args)
    {
        var pairs = LoopbackKestrel.Pairs(args, "--port", "--body-file", "--headers-file");
        return pairs is not null && LoopbackKestrel.Port(pairs.GetValueOrDefault("--port")) is int port
                                 && pairs.TryGetValue("--body-file", out var body)
            ? new CeilingOptions(port, body, pairs.GetValueOrDefault("--headers-file"))
            : null;
    }
}
