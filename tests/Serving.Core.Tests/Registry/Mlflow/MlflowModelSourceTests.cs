using Serving.Core.Packaging;
using Serving.Core.Registry;
using Serving.Core.Registry.Mlflow;

namespace Serving.Core.Tests.Registry.Mlflow;

public sealed class MlflowModelSourceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Poll_publishes_the_champion_into_the_disk_registry_under_its_MLflow_number_and_makes_it_stable()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.True(polled, harness.State.LastError);
        var version = Assert.Single(harness.Registry.Current.Models[MlflowSourceHarness.Model].Versions);
        Assert.Equal((1, ModelVersionState.Ready), (version.Version, version.State));
        Assert.Equal(1, harness.Deployment!.Stable);
        var lineage = ManifestSerializer.Read(Path.Combine(harness.Root, MlflowSourceHarness.Model, "1")).Lineage!.Mlflow!;
        Assert.Equal(("1", "mlflow-artifacts:/manual/onnx-v1", null), (lineage.Version, lineage.ArtifactUri, lineage.RunId));
        Assert.Equal((true, 1, (int?)null), (harness.State.Reachable, harness.State.StableAliasVersion, harness.State.CanaryAliasVersion));
    }

    [Fact]
    public async Task Poll_serves_the_challenger_as_canary_with_the_configured_weight_and_the_MLmodel_signature()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "challenger", 2);

        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((1, (int?)2, 20), (harness.Deployment!.Stable, harness.Deployment.Canary, harness.Deployment.CanaryWeight));
        var manifest = ManifestSerializer.Read(Path.Combine(harness.Root, MlflowSourceHarness.Model, "2"));
        Assert.Equal(["probability", "label", "logit"], manifest.Signature.Outputs.Select(o => o.Name));
        Assert.Equal(("436d5a8e5bd2414cbb1758066bfed79f", "7d067df01ebd40ecb21e8b82d77bab61"), (manifest.Lineage!.Mlflow!.RunId, manifest.Lineage.Mlflow.ModelUuid));
        Assert.Equal(ModelTasks.Binary, manifest.Task);
    }

    [Fact]
    public async Task Poll_follows_an_alias_change_on_the_next_poll()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "challenger", 2);
        await harness.Source.PollOnceAsync(Token);

        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 2);
        harness.Server.DeleteAlias(MlflowSourceHarness.Model, "challenger");
        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((2, (int?)null, 0), (harness.Deployment!.Stable, harness.Deployment.Canary, harness.Deployment.CanaryWeight));
    }

    [Fact]
    public async Task Running_source_polls_again_when_the_poll_interval_passes()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        await harness.Source.StartAsync(Token);
        await WaitUntil(() => harness.Deployment?.Stable == 1);

        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 2);
        harness.Time.Advance(TimeSpan.FromSeconds(30));

        await WaitUntil(() => harness.Deployment?.Stable == 2);
        await harness.Source.StopAsync(Token);
    }

    [Fact]
    public async Task Poll_keeps_the_deployment_and_records_unreachable_when_the_server_is_gone()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        await harness.Source.PollOnceAsync(Token);
        var lastSuccess = harness.State.LastSuccessAt;
        await harness.Server.StopAsync();
        harness.Time.Advance(TimeSpan.FromSeconds(30));

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.False(polled);
        Assert.False(harness.State.Reachable);
        Assert.Contains("registered-models/alias", harness.State.LastError, StringComparison.Ordinal);
        Assert.Equal(lastSuccess, harness.State.LastSuccessAt);
        Assert.Equal(1, harness.Deployment!.Stable);
        Assert.True(harness.Registry.Current.Models[MlflowSourceHarness.Model].Loaded.ContainsKey(1));
    }

    [Fact]
    public async Task Poll_without_the_champion_alias_publishes_nothing_and_says_what_it_waits_for()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.True(polled);
        Assert.False(Directory.Exists(Path.Combine(harness.Root, MlflowSourceHarness.Model)));
        Assert.Contains("'champion'", harness.State.Waiting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_records_a_version_without_the_onnx_flavor_as_failed_and_the_old_stable_keeps_serving()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.AddVersion(MlflowSourceHarness.Model, 3, "1/1ac4520fc339417f83e18a39d0095caf/artifacts/model", new Dictionary<string, byte[]>
        {
            ["MLmodel"] = MlflowFixtures.Bytes("MLmodel-sklearn-only"),
            ["model.pkl"] = [1, 2, 3],
        });
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        await harness.Source.PollOnceAsync(Token);

        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 3);
        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.False(polled);
        Assert.Contains("onnx flavor", harness.State.FailedVersions[3], StringComparison.Ordinal);
        Assert.Equal(1, harness.Deployment!.Stable);
        Assert.False(Directory.Exists(Path.Combine(harness.Root, MlflowSourceHarness.Model, "3")));
    }

    [Fact]
    public async Task Poll_leaves_an_admin_change_alone_while_the_aliases_stay_put()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "challenger", 2);
        await harness.Source.PollOnceAsync(Token);
        harness.Deployments.Promote(MlflowSourceHarness.Model, "admin");

        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((2, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(20, Token);
        }
    }
}
