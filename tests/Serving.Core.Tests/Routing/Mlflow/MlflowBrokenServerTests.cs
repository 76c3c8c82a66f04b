using Microsoft.AspNetCore.Http;
using Serving.Core.Registry;
using Serving.Core.Tests.Registry.Mlflow;

namespace Serving.Core.Tests.Routing.Mlflow;

/// <summary>
/// A tracking server that answers what MLflow never does (wrong JSON, an HTML page, an error status) or holds a
/// version whose files are garbage: the poll never throws, the state names one reason, and what serves keeps serving.
/// </summary>
public sealed class MlflowBrokenServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(200, "application/json", """{"model_version":null}""", "no model_version", true)]
    [InlineData(200, "application/json", "null", "an empty answer", true)]
    [InlineData(200, "application/json", """{"model_version":{"name":"m","version":null}}""", "is not a positive whole number", true)]
    [InlineData(200, "application/json", """{"model_version":{"name":"m","version":"abc"}}""", "is not a positive whole number", true)]
    [InlineData(200, "application/json", """{"model_version":{"name":"m","version":7}}""", "JSON the gateway cannot read", true)]
    [InlineData(200, "application/json", "{\"model_version\":{\"name\":\"m\",\"version\":\"1", "JSON the gateway cannot read", true)]
    [InlineData(200, "text/html", "<html><body>Sign in</body></html>", "JSON the gateway cannot read", true)]
    [InlineData(401, "text/html", "<html><body>Unauthorized</body></html>", "check Serving:Mlflow:Token", true)]
    [InlineData(403, "application/json", """{"error_code":"PERMISSION_DENIED","message":"no"}""", "403 PERMISSION_DENIED", true)]
    [InlineData(404, "text/html", "<html>Not Found</html>", "answered 404", true)]
    [InlineData(429, "text/plain", "slow down", "answered 429", false)]
    [InlineData(500, "text/html", "<html>Internal Server Error</html>", "answered 500", false)]
    public async Task A_broken_alias_answer_fails_the_poll_with_one_reason_and_the_stable_version_keeps_serving(
        int status, string contentType, string body, string reason, bool reachable)
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        Assert.True(await harness.Source.PollOnceAsync(Token), harness.State.LastError);
        harness.Server.Answer = async context =>
        {
            if (context.Request.Path != "/api/2.0/mlflow/registered-models/alias")
            {
                return false;
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
            return true;
        };

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.False(polled);
        Assert.Contains(reason, harness.State.LastError, StringComparison.Ordinal);
        Assert.Equal(reachable, harness.State.Reachable);
        Assert.Equal(1, harness.Deployment!.Stable);
        Assert.Equal(ModelVersionState.Ready, harness.Registry.Current.Models[MlflowSourceHarness.Model].Versions.Single().State);
    }

    [Theory]
    [InlineData("\u0000\u00ff{{{ : : -")]
    [InlineData("flavors: [1, 2")]
    [InlineData("flavors:\n  onnx:\n    onnx_version: 1.12.0\n    data: ../../../etc/passwd\n")]
    [InlineData("flavors:\n  onnx: null\n")]
    public async Task A_challenger_whose_MLmodel_is_garbage_is_refused_and_the_champion_keeps_serving(string mlmodel)
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.AddVersion(MlflowSourceHarness.Model, 2, "1/run/artifacts/model", new Dictionary<string, byte[]>
        {
            ["MLmodel"] = System.Text.Encoding.UTF8.GetBytes(mlmodel),
            ["model.onnx"] = "not an onnx graph"u8.ToArray(),
        });
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "challenger", 2);

        await harness.Source.PollOnceAsync(Token);
        var requests = harness.Server.Requests.Count;
        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((1, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));
        Assert.True(harness.State.FailedVersions.ContainsKey(2), harness.State.LastError);
        Assert.Contains("challenger version 2 cannot serve", harness.State.LastError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "2")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(harness.MlflowRoot, ".downloads", MlflowSourceHarness.Model)));

        // Refused once, not downloaded again: the second poll only reads the aliases.
        Assert.Equal(2, harness.Server.Requests.Count - requests);
    }
}
