using System.Diagnostics;
using SharpFuzz;

namespace Serving.Fuzz;

/// <summary>
/// Fuzz runner for the gateway's request decoders (see <see cref="FuzzTargets"/>). Modes:
/// <c>afl TARGET</c> runs under afl-fuzz through SharpFuzz (the gateway assembly instrumented by the
/// <c>sharpfuzz</c> tool); <c>replay TARGET PATH...</c> runs files once and reports each crash;
/// <c>mutate TARGET SECONDS CORPUS [SEED]</c> is a plain in-process random-mutation loop over the corpus (no coverage
/// guidance), for machines without AFL++.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2 || !FuzzTargets.All.TryGetValue(args[1], out var target))
        {
            Console.Error.WriteLine($"usage: Serving.Fuzz afl|replay|mutate TARGET ...; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
            return 2;
        }

        return args[0] switch
        {
            "afl" => Afl(target),
            "replay" => Replay(target, args.Skip(2)),
            "mutate" when args.Length >= 4 => Mutate(target, double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3], args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 11),
            _ => 2,
        };
    }

    private static int Afl(FuzzTarget target)
    {
        // Documented bad-input exceptions are swallowed; anything else escapes and afl-fuzz records a crash.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Run(target, copy.ToArray(), rethrow: true);
        });
        return 0;
    }

    private static int Replay(FuzzTarget target, IEnumerable<string> paths)
    {
        var crashes = 0;
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p) : [p]).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal));
        foreach (var file in files)
        {
            if (Run(target, File.ReadAllBytes(file), rethrow: false) is { } crash)
            {
                crashes++;
                Console.WriteLine($"CRASH {file}: {crash.GetType().FullName}: {crash.Message}{Environment.NewLine}{crash.StackTrace}");
            }
        }

        Console.WriteLine($"replayed, {crashes} crash(es)");
        return crashes == 0 ? 0 : 1;
    }

    private static int Mutate(FuzzTarget target, double seconds, string corpus, int seed)
    {
        var random = new Random(seed);
        var inputs = Directory.GetFiles(corpus).Select(File.ReadAllBytes).ToList();
        var crashes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        long runs = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            var input = Mutator.Mutate(inputs[random.Next(inputs.Count)], inputs, random);
            runs++;
            if (Run(target, input, rethrow: false) is { } crash)
            {
                // One example per place of failure.
                var where = $"{crash.GetType().FullName} at {crash.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
                if (crashes.TryAdd(where, input))
                {
                    var path = Path.Combine("crashes", $"mutate-{crashes.Count}.bin");
                    Directory.CreateDirectory("crashes");
                    File.WriteAllBytes(path, input);
                    Console.WriteLine($"CRASH {path}: {crash.GetType().FullName}: {crash.Message}{Environment.NewLine}{crash.StackTrace}");
                }
            }
            else if (inputs.Count < 5_000 && random.Next(64) == 0)
            {
                inputs.Add(input);
            }
        }

        Console.WriteLine($"{runs} runs in {watch.Elapsed.TotalSeconds:F0} s, {crashes.Count} distinct crash(es)");
        return crashes.Count == 0 ? 0 : 1;
    }

    private static Exception? Run(FuzzTarget target, byte[] input, bool rethrow)
    {
        try
        {
            target.Decode(input);
            return null;
        }
        catch (Exception ex) when (target.IsDocumented(ex))
        {
            return null;
        }
        catch (Exception ex) when (!rethrow)
        {
            return ex;
        }
    }
}
