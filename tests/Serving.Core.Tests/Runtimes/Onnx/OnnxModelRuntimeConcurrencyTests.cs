using Serving.Core.Contracts;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Runtimes.Onnx;

public sealed class OnnxModelRuntimeConcurrencyTests
{
    [Fact]
    public async Task One_session_serves_many_threads_at_once_without_mixing_their_rows()
    {
        using var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());
        var expectedFor = new Func<float, float[]>(v => runtime.Run([Row(v)], ["y"])[0].AsSpan<float>().ToArray());
        var expected = Enumerable.Range(0, 16).Select(i => expectedFor(i)).ToArray();

        var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var n = 0; n < 400; n++)
            {
                var value = (worker + n) % 16;
                var output = runtime.Run([Row(value)], ["y"])[0];
                Assert.Equal(expected[value], output.AsSpan<float>().ToArray());
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(workers);
    }

    [Fact]
    public void Running_after_dispose_throws_object_disposed()
    {
        var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        runtime.Dispose();

        Assert.Throws<ObjectDisposedException>(() => runtime.Run(OnnxFixtures.Inputs("linear_fp32.onnx"), ["y"]));
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());

        runtime.Dispose();
        runtime.Dispose();

        Assert.Throws<ObjectDisposedException>(() => runtime.Run(OnnxFixtures.Inputs("linear_fp32.onnx"), ["y"]));
    }

    [Fact]
    public async Task Disposing_while_calls_run_lets_them_finish_or_refuses_them_cleanly()
    {
        var runtime = OnnxModelRuntime.Load(OnnxFixtures.PathOf("linear_fp32.onnx"), new OnnxRuntimeOptions());
        var expected = runtime.Run([Row(1)], ["y"])[0].AsSpan<float>().ToArray();
        var refused = 0;
        using var started = new CountdownEvent(4);

        // Workers on threads of their own: four busy pool threads plus this one blocked in Wait starved a 2-core
        // pool, so the workers trickled in as the pool grew (about 7 s) and, on a loaded CI machine, later still.
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            started.Signal();
            // Each worker keeps calling until Dispose refuses it, so the test cannot pass without a refusal. The
            // deadline only ends a worker that is never refused; it is long because one call (a first call builds an
            // engine) was seen taking most of 30 s on a loaded CI machine, which left that worker unrefused.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    Assert.Equal(expected, runtime.Run([Row(1)], ["y"])[0].AsSpan<float>().ToArray());
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        started.Wait(TestContext.Current.CancellationToken);
        Thread.Sleep(5);
        runtime.Dispose();

        await Task.WhenAll(workers);
        Assert.Equal(4, refused);
    }

    private static Tensor Row(float value) =>
        Tensor.FromValues<float>("x", TensorDataType.FP32, [1, 3], [value, value * 2, -value]);
}
