using Serving.Core.Contracts;
using Serving.Core.Runtimes;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

/// <summary>
/// The data plane's checked calls run on reused bound calls (<see cref="BoundRun"/>); each answer must be exactly
/// what the ordinary, unbound run gives for the same input, never a previous request's values.
/// </summary>
public sealed class OnnxModelRuntimeBoundRunTests
{
    private static readonly string[] Outputs = ["y", "total"];

    // A checked call under the artifact's own names, as the data plane makes for a signature that keeps them.
    private static ValueTask<Tensor[]> Checked(OnnxModelRuntime runtime, Tensor[] inputs, string[] outputs) =>
        runtime.RunCheckedAsync(inputs, CheckedCallNames.Same(inputs, outputs), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Checked_runs_in_turn_each_get_their_own_answer_and_their_own_arrays()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        var first = await Checked(runtime, [Rows(1, 1f)], Outputs);
        var second = await Checked(runtime, [Rows(1, 7f)], Outputs);
        var third = await Checked(runtime, [Rows(1, 1f)], Outputs);

        AssertSame(runtime.Run([Rows(1, 1f)], Outputs), first);
        AssertSame(runtime.Run([Rows(1, 7f)], Outputs), second);
        AssertSame(first, third);
        Assert.NotEqual(first[0].AsSpan<float>().ToArray(), second[0].AsSpan<float>().ToArray());

        // They ran bound, one call in turn, each handed back for the next: one kept, not one per run.
        Assert.Equal(1, runtime.KeptBoundCalls(1));

        // An answer is the caller's to keep: the next run must not write into it.
        Assert.NotSame(first[0].Data, third[0].Data);
        var kept = first[0].AsSpan<float>().ToArray();
        await Checked(runtime, [Rows(1, -3f)], Outputs);
        Assert.Equal(kept, first[0].AsSpan<float>().ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(65)] // past BoundRunPool.MaxRows: the ordinary run
    public async Task Any_batch_size_gives_what_the_ordinary_run_gives(int rows)
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        for (var round = 0; round < 3; round++)
        {
            var input = Rows(rows, round + 0.5f);
            AssertSame(runtime.Run([input], Outputs), await Checked(runtime, [input], Outputs));
        }

        // Up to 64 rows a checked call runs bound (and its call is kept); past that, the ordinary run, keeping none.
        Assert.Equal(rows <= 64 ? 1 : 0, runtime.KeptBoundCalls(rows));
    }

    [Fact]
    public async Task A_call_that_names_fewer_outputs_gets_just_those()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        var both = await Checked(runtime, [Rows(2, 4f)], Outputs);
        var total = await Checked(runtime, [Rows(2, 4f)], ["total"]);
        var again = await Checked(runtime, [Rows(2, 4f)], Outputs);

        var only = Assert.Single(total);
        Assert.Equal("total", only.Name);
        TensorAssert.Identical(both[1], only);
        AssertSame(both, again);
    }

    [Fact]
    public async Task Two_inputs_of_every_numeric_type_match_the_ordinary_run()
    {
        foreach (var type in new[] { "FP32", "FP64", "INT64", "INT8", "UINT16", "BOOL", "FP16" })
        {
            var model = $"concat_{type}.onnx";
            using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf(model), new OnnxRuntimeOptions());
            var inputs = OnnxFixtures.Inputs(model);
            var names = runtime.Outputs.Select(o => o.Name).ToArray();

            var expected = runtime.Run(inputs, names);
            AssertSame(expected, await Checked(runtime, inputs, names));
            AssertSame(expected, await Checked(runtime, inputs, names));
        }
    }

    [Fact]
    public async Task Inputs_listed_in_another_order_reach_the_right_names()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("concat_FP32.onnx"), new OnnxRuntimeOptions());
        var inputs = OnnxFixtures.Inputs("concat_FP32.onnx");
        var names = runtime.Outputs.Select(o => o.Name).ToArray();
        Tensor[] reversed = [.. inputs.Reverse()];

        var inOrder = await Checked(runtime, inputs, names);
        var otherOrder = await Checked(runtime, reversed, names);

        // Same shapes and sizes, so only the names tell the two calls apart: a bound call must not swap a and b.
        AssertSame(runtime.Run(inputs, names), inOrder);
        AssertSame(runtime.Run(reversed, names), otherOrder);
        AssertSame(inOrder, otherOrder);
    }

    [Fact]
    public async Task Many_threads_at_once_never_see_each_others_rows()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());
        var expected = Enumerable.Range(0, 16).Select(v => runtime.Run([Rows(1, v)], Outputs)).ToArray();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var n = 0; n < 400; n++)
            {
                var value = (worker * 3 + n) % 16;
                AssertSame(expected[value], await Checked(runtime, [Rows(1, value)], Outputs));
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(workers);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65)]
    public async Task A_checked_call_finds_inputs_by_the_artifacts_names_and_answers_under_the_callers(int rows)
    {
        // 1 row runs on a bound call; 65, past BoundRunPool.MaxRows, runs unbound: both must name things the same way.
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());
        var artifactInput = Rows(rows, 2f);
        var callerInput = artifactInput.WithName("features");
        var names = new CheckedCallNames(["x"], ["total", "y"], ["sum", "scaled"]);

        var answer = await runtime.RunCheckedAsync([callerInput], names, TestContext.Current.CancellationToken);

        var expected = runtime.Run([artifactInput], ["total", "y"]);
        Assert.Equal(["sum", "scaled"], answer.Select(t => t.Name));
        AssertSame([expected[0].WithName("sum"), expected[1].WithName("scaled")], answer);
        Assert.Equal("features", callerInput.Name);
    }

    [Fact]
    public async Task A_runtime_without_a_checked_call_of_its_own_gets_the_same_names_by_default()
    {
        using var onnx = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());
        IModelRuntime plain = new PlainRuntime(onnx);
        var input = Rows(2, 3f);
        var names = new CheckedCallNames(["x"], ["y"], ["scaled"]);

        var answer = await plain.RunCheckedAsync([input.WithName("features")], names, TestContext.Current.CancellationToken);

        AssertSame([onnx.Run([input], ["y"])[0].WithName("scaled")], answer);
    }

    // Only RunAsync, as a runtime written before checked calls would have.
    private sealed class PlainRuntime(OnnxModelRuntime inner) : IModelRuntime
    {
        public IReadOnlyList<TensorSpec> Inputs => inner.Inputs;

        public IReadOnlyList<TensorSpec> Outputs => inner.Outputs;

        public ValueTask<Tensor[]> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken) =>
            inner.RunAsync(inputs, outputNames, cancellationToken);

        public void Dispose()
        {
        }
    }

    private static void AssertSame(Tensor[] expected, Tensor[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            TensorAssert.Identical(expected[i], actual[i]);
        }
    }

    private static Tensor Rows(int rows, float value) =>
        Tensor.FromValues<float>("x", TensorDataType.FP32, [rows, 3],
            [.. Enumerable.Range(0, rows).SelectMany(r => new[] { value + r, (value + r) * 2, -value })]);
}
