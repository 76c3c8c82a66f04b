using Serving.Cli.Scoring;
using Serving.Cli.Tests.Commands;
using Serving.Core.Contracts;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.MLNet;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Cli.Tests.Scoring;

/// <summary>
/// A runtime that fails on a chunk after the first, while chunks are scored off the main loop (several at once on
/// a machine with more cores): the run stops with the lines of that chunk and the runtime's reason, and leaves no
/// output behind.
/// </summary>
public sealed class FailingRuntimeTests
{
    [Fact]
    public async Task A_runtime_failure_on_a_later_chunk_names_its_lines_and_leaves_no_output()
    {
        using var temp = new TemporaryDirectory();
        CommittedSamples.CopyTo(temp.Combine("models"), "diabetes");
        var sample = File.ReadAllLines(ScoringFiles.Sample("diabetes"));
        var rows = Enumerable.Range(0, 40).Select(i => sample[1 + (i % (sample.Length - 1))]).ToArray();

        // Line 14 (the header is line 1) holds a value the runtime below refuses: it is in the third chunk of five rows.
        var cells = rows[12].Split(',');
        cells[0] = "1234";
        rows[12] = string.Join(',', cells);
        var input = ScoringFiles.Write(temp.Combine("in.csv"), [sample[0], .. rows]);
        var failing = new FailingFactory(new MLNetRuntimeFactory());
        var scorer = new BatchScorer(new ModelRuntimeFactories([new OnnxRuntimeFactory(), failing]));
        var request = new ScoreRequest
        {
            Model = "diabetes",
            RegistryPath = temp.Combine("models"),
            InputPath = input,
            OutputPath = temp.Combine("out.csv"),
            InputFormat = TableFormat.Csv,
            OutputFormat = TableFormat.Csv,
            BatchSize = 5,
        };

        var error = await Assert.ThrowsAsync<ScoringException>(() => scorer.RunAsync(request, _ => { }, TestContext.Current.CancellationToken));

        Assert.Contains("the model failed on lines", error.Message, StringComparison.Ordinal);
        Assert.Contains("lines 12 to 16", error.Message, StringComparison.Ordinal);
        Assert.Contains("broken on purpose", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out.csv")));
        Assert.Empty(Directory.GetFiles(temp.Path, "out.csv*"));
    }

    /// <summary>Loads runtimes that throw on a batch holding the value <see cref="FailingRuntime.Refused"/>.</summary>
    private sealed class FailingFactory(IModelRuntimeFactory inner) : IModelRuntimeFactory
    {
        public string Format => inner.Format;

        public IModelRuntime Load(string artifactPath) => new FailingRuntime(inner.Load(artifactPath));
    }

    private sealed class FailingRuntime(IModelRuntime inner) : IModelRuntime
    {
        public const float Refused = 1234f;

        public IReadOnlyList<TensorSpec> Inputs => inner.Inputs;

        public IReadOnlyList<TensorSpec> Outputs => inner.Outputs;

        public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken) =>
            inputs.Any(input => input.DataType == TensorDataType.FP32 && input.AsSpan<float>().Contains(Refused))
                ? throw new InvalidOperationException("broken on purpose")
                : inner.RunAsync(inputs, outputNames, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
