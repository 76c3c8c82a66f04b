using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serving.Core.Contracts;
using Serving.Core.Inference;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>An observer that throws, registered in the real host: predictions still answer 200, and /metrics counts the failures.</summary>
public sealed class ThrowingObserverTests : IAsyncLifetime
{
    private const string IrisRow = """{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}""";
    private readonly SampleRegistry _registry = new("iris");
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _rest = null!;

    public async ValueTask InitializeAsync()
    {
        _host = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Serving:Registry:Path", _registry.Path);
            builder.UseSetting("Serving:DefaultModel", "iris");
            builder.UseSetting("Serving:Monitoring:PredictionLog:Directory", _registry.Path + "-predictions");

            // Everything the gateway writes stays beside the private registry copy, which Dispose removes.
            builder.UseSetting("Serving:DataPath", _registry.Path + "-predictions");
            builder.ConfigureServices(services => services.AddSingleton<IInferenceObserver, ThrowingObserver>());
        });
        _rest = _host.CreateClient();
        await GatewayReadiness.WaitAsync(_host.Services);
    }

    public async ValueTask DisposeAsync()
    {
        _rest.Dispose();
        await _host.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task Oip_and_mlflow_predictions_answer_200_and_the_failures_are_counted()
    {
        var oip = await _rest.PostAsync("/v2/models/iris/infer", new StringContent(IrisRow, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var mlflow = await _rest.PostAsync(
            "/invocations",
            new StringContent("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2", Encoding.UTF8, "text/csv"),
            TestContext.Current.CancellationToken);
        var metrics = await _rest.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, oip.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mlflow.StatusCode);

        // Two requests, each seen twice (started, completed).
        Assert.Contains("serving_observer_failures_total{observer=\"ThrowingObserver\"} 4", metrics, StringComparison.Ordinal);
    }

    private sealed class ThrowingObserver : IInferenceObserver
    {
        public void OnStarted(InferenceRequest request) => throw new InvalidOperationException("observer bug on start");

        public void OnCompleted(InferenceRecord record) => throw new InvalidOperationException("observer bug on completion");
    }
}
