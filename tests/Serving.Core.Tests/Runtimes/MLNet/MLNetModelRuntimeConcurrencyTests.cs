using Microsoft.ML;
using Serving.Core.Runtimes.MLNet;
using static Serving.Core.Tests.Runtimes.MLNet.MLNetTrainedModels;

namespace Serving.Core.Tests.Runtimes.MLNet;

public sealed class MLNetModelRuntimeConcurrencyTests : IDisposable
{
    private readonly MLNetTrainedModels _models = new();

    public void Dispose() => _models.Dispose();

    [Fact]
    public async Task Many_threads_at_once_each_get_their_own_rows_scored()
    {
        var (path, model) = _models.Regression();
        using var runtime = MLNetModelRuntime.Load(path, poolSize: 4);
        var engine = _models.Context.Model.CreatePredictionEngine<HouseRow, ScoreOnly>(model);
        var expected = Houses.Select(h => engine.Predict(h).Score).ToArray();

        var workers = Enumerable.Range(0, 12).Select(worker => Task.Run(() =>
        {
            for (var n = 0; n < 300; n++)
            {
                var first = (worker * 7 + n) % (Houses.Length - 3);
                var batch = 1 + (n % 3);
                var score = runtime.Run(MLNetModelRuntimeRunTests.HouseTensors(Houses[first..(first + batch)]), ["Score"])[0];
                Assert.Equal(expected[first..(first + batch)], score.AsSpan<float>().ToArray());
            }
        }, TestContext.Current.CancellationToken));
        await Task.WhenAll(workers);

        Assert.InRange(runtime.IdleEngines, 1, 4);
    }

    [Fact]
    public void Loading_warms_one_engine_and_calls_reuse_it()
    {
        using var runtime = MLNetModelRuntime.Load(_models.Regression().Path);
        Assert.Equal(1, runtime.IdleEngines);

        runtime.Run(MLNetModelRuntimeRunTests.HouseTensors(Houses[..2]), ["Score"]);
        runtime.Run(MLNetModelRuntimeRunTests.HouseTensors(Houses[..2]), ["Score"]);

        Assert.Equal(1, runtime.IdleEngines);
    }

    [Fact]
    public async Task Disposing_while_calls_run_lets_them_finish_or_refuses_them_cleanly()
    {
        var (path, model) = _models.Regression();
        var runtime = MLNetModelRuntime.Load(path);
        var expected = _models.Context.Model.CreatePredictionEngine<HouseRow, ScoreOnly>(model).Predict(Houses[0]).Score;
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
                    Assert.Equal(expected, runtime.Run(MLNetModelRuntimeRunTests.HouseTensors(Houses[..1]), ["Score"])[0].AsSpan<float>()[0]);
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
        Assert.Equal(0, runtime.IdleEngines);
    }

    [Fact]
    public void Running_after_dispose_throws_object_disposed_and_the_pool_is_emptied()
    {
        var runtime = MLNetModelRuntime.Load(_models.Regression().Path);

        runtime.Dispose();

        Assert.Equal(0, runtime.IdleEngines);
        Assert.Throws<ObjectDisposedException>(() => runtime.Run(MLNetModelRuntimeRunTests.HouseTensors(Houses[..1]), ["Score"]));
    }
}
