using System.Globalization;

namespace Serving.LoadTests.GrpcLoad;

/// <summary>Settings of one bounded load run, from the command line.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: GrpcLoad [options]
          --target <url>         gRPC endpoint, HTTP/2 cleartext          (default http://127.0.0.1:8081)
          --model <name>         model to infer                           (default breast-cancer)
          --model-version <v>    version; empty lets the server choose    (default empty)
          --mode typed|raw       tensor in typed contents or raw bytes    (default typed)
          --concurrency <n>      callers sharing one HTTP/2 connection    (default 16)
          --duration <s>         measured seconds                         (default 10)
          --warmup <s>           unmeasured seconds before that           (default 3)
          --max-requests <n>     stop the measured phase after n calls    (default 2000000)
          --payload <csv>        header of feature names + one data row   (default payload/breast-cancer-row.csv)
          --input <name>         input tensor name      (default: the model metadata's only input)
          --datatype FP32|FP64   input datatype         (default: the model metadata's)
          --server-pid <pid>     also report that process's CPU time per call (Linux)
          --write-request <file> make the probe call, then write its request as one gRPC-framed message
                                 (flag byte, big-endian length, protobuf) to <file> for h2load -d, and exit
        Prints a summary and one line 'GRPCLOAD_RESULT {json}': requests, rps, latency and CPU per call in microseconds.
        With --write-request it prints 'GRPCLOAD_REQUEST {json}' instead: the file and the framed sizes of the
        request and of the probe's answer.
        Exit code 0: every call succeeded; 1: some calls failed; 2: bad arguments or the model cannot be called.
        """;

    public Uri Target { get; init; } = new("http://127.0.0.1:8081");

    public string Model { get; init; } = "breast-cancer";

    public string ModelVersion { get; init; } = string.Empty;

    public LoadMode Mode { get; init; } = LoadMode.Typed;

    public int Concurrency { get; init; } = 16;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public long MaxRequests { get; init; } = 2_000_000;

    public string Payload { get; init; } = Path.Combine(AppContext.BaseDirectory, "payload", "breast-cancer-row.csv");

    public string? Input { get; init; }

    public string? Datatype { get; init; }

    public int? ServerPid { get; init; }

    public string? WriteRequest { get; init; }

    /// <summary>Parses "--name value" pairs; throws <see cref="FormatException"/> with the reason when one is wrong.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                throw new FormatException($"{name} needs a value");
            }

            var value = args[i + 1];
            options = name switch
            {
                "--target" => options with { Target = new Uri(value, UriKind.Absolute) },
                "--model" => options with { Model = value },
                "--model-version" => options with { ModelVersion = value },
                "--mode" => options with { Mode = ParseMode(value) },
                "--concurrency" => options with { Concurrency = (int)Positive(name, value) },
                "--duration" => options with { Duration = Seconds(name, value) },
                "--warmup" => options with { Warmup = Seconds(name, value, allowZero: true) },
                "--max-requests" => options with { MaxRequests = Positive(name, value) },
                "--payload" => options with { Payload = value },
                "--input" => options with { Input = value },
                "--datatype" => options with { Datatype = value.ToUpperInvariant() },
                "--server-pid" => options with { ServerPid = (int)Positive(name, value) },
                "--write-request" => options with { WriteRequest = value },
                _ => throw new FormatException($"unknown option {name}"),
            };
        }

        return options;
    }

    private static LoadMode ParseMode(string value) => value.ToLowerInvariant() switch
    {
        "typed" => LoadMode.Typed,
        "raw" => LoadMode.Raw,
        _ => throw new FormatException($"--mode takes typed or raw, not {value}"),
    };

    private static long Positive(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= int.MaxValue
            ? n
            : throw new FormatException($"{name} takes a positive whole number, not {value}");

    private static TimeSpan Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
        && (s > 0 || (allowZero && s == 0)) && s <= 3600
            ? TimeSpan.FromSeconds(s)
            : throw new FormatException($"{name} takes seconds between 0 and 3600, not {value}");
}
