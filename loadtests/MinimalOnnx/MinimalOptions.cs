using Serving.LoadTests.Shared;

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
        var pairs = LoopbackKestrel.Pairs(args, "--port", "--model", "--name", "--version");
        return pairs is not null && LoopbackKestrel.Port(pairs.GetValueOrDefault("--port")) is int port
                                 && pairs.TryGetValue("--model", out var model)
            ? new MinimalOptions(port, model, pairs.GetValueOrDefault("--name", "model"), pairs.GetValueOrDefault("--version", "1"))
            : null;
    }
}
