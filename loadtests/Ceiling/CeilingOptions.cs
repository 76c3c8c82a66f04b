using System.Globalization;

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
        int? port = null;
        string? body = null;
        string? headers = null;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                                   && p is > 0 and < 65536:
                    port = p;
                    break;
                case "--body-file":
                    body = value;
                    break;
                case "--headers-file":
                    headers = value;
                    break;
                default:
                    return null;
            }
        }

        return args.Count % 2 == 0 && port is int chosen && body is not null
            ? new CeilingOptions(chosen, body, headers)
            : null;
    }
}
