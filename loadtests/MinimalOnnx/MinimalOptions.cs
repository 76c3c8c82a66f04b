using System.Globalization;

namespace Serving.LoadTests.MinimalOnnx;

/// <summary>Command-line settings of the minimal endpoint: port, ONNX file, and the name and version it answers with.</summary>
internal sealed record MinimalOptions(int Port, string ModelFile, string Name, string Version)
{
    public const string Usage =
        "usage: MinimalOnnx --port <port> --model <model.onnx> [--name <model name>] [--version <version>]\n" +
        "  Answers every POST on 127.0.0.1:<port> (HTTP/1.1) carrying one OIP JSON input of shape [1, k] with the\n" +
        "  model's outputs as an OIP JSON answer. Nothing else: no routing, validation beyond the row's width,\n" +
        "  logging or monitoring.";

    /// <summary>Parses the arguments; null when they are incomplete or malformed.</summary>
    public static MinimalOptions? Parse(IReadOnlyList<string> args)
    {
        int? port = null;
        string? model = null;
        var name = "model";
        var version = "1";
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                                   && p is > 0 and < 65536:
                    port = p;
                    break;
                case "--model":
                    model = value;
                    break;
                case "--name":
                    name = value;
                    break;
                case "--version":
                    version = value;
                    break;
                default:
                    return null;
            }
        }

        return args.Count % 2 == 0 && port is int chosen && model is not null
            ? new MinimalOptions(chosen, model, name, version)
            : null;
    }
}
