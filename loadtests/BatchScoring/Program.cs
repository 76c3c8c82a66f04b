using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Inference;
using Serving.Core.Registry;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.MLNet;
using Serving.Core.Runtimes.Onnx;

// The baseline for serving score: the model's runtime called in a tight loop over the same rows in batches of the
// same size, with the rows already in tensors. Two commands:
//   generate <source.csv> <rows> <output.csv> [seed]   resample the data set's rows (with replacement) into a large file
//   loop <registry> <model> <input.csv> <batch size>  time Runtime.RunAsync over every row; prints rows/s on the last line
var invariant = CultureInfo.InvariantCulture;
switch (args.FirstOrDefault())
{
    case "generate" when args.Length is 4 or 5:
        Generate(args[1], int.Parse(args[2], invariant), args[3], args.Length == 5 ? int.Parse(args[4], invariant) : 1);
        return 0;
    case "loop" when args.Length == 5:
        await LoopAsync(args[1], args[2], args[3], int.Parse(args[4], invariant));
        return 0;
    default:
        Console.Error.WriteLine("usage: BatchScoring generate <source.csv> <rows> <output.csv> [seed] | loop <registry> <model> <input.csv> <batch size>");
        return 2;
}

static void Generate(string source, int rows, string output, int seed)
{
    var lines = File.ReadAllLines(source);
    var data = lines.Skip(1).Where(l => l.Length > 0).ToArray();
    var random = new Random(seed);
    using var writer = new StreamWriter(output, false, new UTF8Encoding(false), 1 << 20);
    writer.Write(lines[0]);
    writer.Write('\n');
    for (var i = 0; i < rows; i++)
    {
        writer.Write(data[random.Next(data.Length)]);
        writer.Write('\n');
    }
}

static async Task LoopAsync(string registry, string model, string input, int batchSize)
{
    var versions = Directory.GetDirectories(Path.Combine(registry, model)).Select(Path.GetFileName).Select(v => int.TryParse(v, out var n) ? n : 0).Where(n => n > 0).ToList();
    var version = versions.Max();
    var loaded = new ModelVersionLoader(new ModelRuntimeFactories([new OnnxRuntimeFactory(), new MLNetRuntimeFactory()]))
        .Load(model, version, Path.Combine(registry, model, version.ToString(CultureInfo.InvariantCulture)));
    var generation = loaded.Generation ?? throw new InvalidOperationException(loaded.Reason);
    var spec = generation.Manifest.Signature.Inputs.Single();
    var features = spec.Features!;

    // Rows into tensors first, outside the timing: the loop measures the runtime alone.
    var lines = File.ReadLines(input);
    var header = lines.First().Split(',');
    var columns = features.Select(f => Array.IndexOf(header, f)).ToArray();
    var batches = new List<Tensor[]>();
    var buffer = new List<float>(batchSize * features.Count);
    var rows = 0L;
    foreach (var line in lines.Skip(1))
    {
        var fields = line.Split(',');
        foreach (var column in columns)
        {
            buffer.Add(float.Parse(fields[column], CultureInfo.InvariantCulture));
        }

        rows++;
        if (buffer.Count == batchSize * features.Count)
        {
            batches.Add(Bind(buffer));
        }
    }

    if (buffer.Count > 0)
    {
        batches.Add(Bind(buffer));
    }

    var outputs = generation.Binding.AllOutputSourceNames;
    await generation.Runtime.RunAsync(batches[0], outputs, CancellationToken.None); // warm-up
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var started = Stopwatch.GetTimestamp();
    foreach (var batch in batches)
    {
        await generation.Runtime.RunAsync(batch, outputs, CancellationToken.None);
    }

    var elapsed = Stopwatch.GetElapsedTime(started);
    var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loop: {rows} rows of {model} version {version} in {elapsed.TotalSeconds:0.000} s ({cpuSeconds:0.000} CPU s), batches of {batchSize}"));

    // Last line, for the script: rows per wall-clock second, then per CPU second.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows / elapsed.TotalSeconds:0} {rows / cpuSeconds:0}"));
    generation.Retire();

    Tensor[] Bind(List<float> values)
    {
        var tensor = Tensor.FromValues<float>(spec.Name, TensorDataType.FP32, [values.Count / features.Count, features.Count], values.ToArray());
        values.Clear();
        return RequestValidator.BindInputs(model, generation.Binding, [tensor]);
    }
}
