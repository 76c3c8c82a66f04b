using Microsoft.Extensions.Options;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Mlflow;
using Serving.Core.Registry;
using Serving.Core.Tests.Registry.Mlflow;
using Serving.Core.Registry.Mlflow;
using Serving.Core.Routing.Mlflow;
using Serving.Core.Routing;
using Serving.Core.Runtimes.Onnx;

namespace Serving.Core.Tests.Routing.Mlflow;

public sealed class MlflowModelSourceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Poll_publishes_the_champion_into_the_data_directory_under_its_MLflow_number_and_makes_it_stable()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddBareVersion(1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.True(polled, harness.State.LastError);
        var version = Assert.Single(harness.Registry.Current.Models[MlflowSourceHarness.Model].Versions);
        Assert.Equal((1, ModelVersionState.Ready), (version.Version, version.State));
        Assert.Equal(1, harness.Deployment!.Stable);
        var lineage = ManifestSerializer.Read(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "1")).Lineage!.Mlflow!;
        Assert.Equal(("1", "mlflow-artifacts:/manual/onnx-v1", null), (lineage.Version, lineage.ArtifactUri, lineage.RunId));
        Assert.Equal((true, 1, (int?)null), (harness.State.Reachable, harness.State.StableAliasVersion, harness.State.CanaryAliasVersion));

        // The registry folder may be read-only: nothing is written there, not even the download.
        Assert.Empty(Directory.EnumerateFileSystemEntries(harness.Root));
        Assert.Equal([MlflowSourceHarness.Model], Directory.EnumerateDirectories(harness.MlflowRoot).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')));
        Assert.Equal(["1"], Directory.EnumerateFileSystemEntries(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model)).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(harness.MlflowRoot, ".downloads", MlflowSourceHarness.Model)));
    }

    [Fact]
    public async Task Poll_serves_the_challenger_as_canary_with_the_configured_weight_and_the_MLmodel_signature()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();

        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((1, (int?)2, 20), (harness.Deployment!.Stable, harness.Deployment.Canary, harness.Deployment.CanaryWeight));
        var manifest = ManifestSerializer.Read(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "2"));
        Assert.Equal(["probability", "label", "logit"], manifest.Signature.Outputs.Select(o => o.Name));
        Assert.Equal(("436d5a8e5bd2414cbb1758066bfed79f", "7d067df01ebd40ecb21e8b82d77bab61"), (manifest.Lineage!.Mlflow!.RunId, manifest.Lineage.Mlflow.ModelUuid));
        Assert.Equal(ModelTasks.Binary, manifest.Task);
    }

    [Fact]
    public async Task Poll_follows_an_alias_change_on_the_next_poll()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();
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
        Assert.False(Directory.Exists(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model)));
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
        Assert.False(Directory.Exists(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "3")));
    }

    [Fact]
    public async Task Poll_leaves_an_admin_change_alone_while_the_aliases_stay_put()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();
        await harness.Source.PollOnceAsync(Token);
        harness.Deployments.Promote(MlflowSourceHarness.Model, "admin");

        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((2, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));
    }

    [Fact]
    public async Task A_model_that_follows_MLflow_takes_no_traffic_before_its_aliases_are_applied()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();
        var router = new TrafficRouter(new SharedRandomSource(), Options.Create(harness.Policies));
        var routedWhenPublished = new List<int?>();

        // Runs when the registry publishes the downloaded versions, after the deployments reacted, before the
        // source applies the aliases: the window in which the challenger used to take all the traffic.
        harness.Registry.Changed += snapshot =>
        {
            if (snapshot.Models.TryGetValue(MlflowSourceHarness.Model, out var entry))
            {
                routedWhenPublished.Add(router.Route(entry, harness.Deployments.Current.Find(MlflowSourceHarness.Model), null)?.Generation.Version);
            }
        };

        await harness.Source.PollOnceAsync(Token);

        Assert.NotEmpty(routedWhenPublished);
        Assert.All(routedWhenPublished, Assert.Null);
        var change = Assert.Single(harness.Changes);
        Assert.Equal(("mlflow", 1, (int?)2, 20), (change.ChangedBy, change.Spec.Stable, change.Spec.Canary, change.Spec.CanaryWeight));
    }

    [Fact]
    public async Task After_a_restart_an_admin_rollback_stands_until_an_alias_moves()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();
        await harness.Source.PollOnceAsync(Token);
        harness.Deployments.Rollback(MlflowSourceHarness.Model, "admin");

        harness.Restart();
        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.True(polled, harness.State.LastError);
        Assert.Equal((1, (int?)null, 0), (harness.Deployment!.Stable, harness.Deployment.Canary, harness.Deployment.CanaryWeight));
        Assert.Equal("admin", harness.Deployments.Current.Find(MlflowSourceHarness.Model)!.ChangedBy);

        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 2);
        harness.Server.DeleteAlias(MlflowSourceHarness.Model, "challenger");
        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((2, (int?)null, 0), (harness.Deployment!.Stable, harness.Deployment.Canary, harness.Deployment.CanaryWeight));
        Assert.Equal("mlflow", harness.Deployments.Current.Find(MlflowSourceHarness.Model)!.ChangedBy);
    }

    [Fact]
    public async Task When_an_alias_moves_to_what_already_serves_later_admin_changes_still_stand()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddChampionOneAndChallengerTwo();
        await harness.Source.PollOnceAsync(Token);
        harness.Deployments.Promote(MlflowSourceHarness.Model, "admin");

        // MLflow catches up with the admin's promotion: nothing to change, but it is now what was applied...
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 2);
        harness.Server.DeleteAlias(MlflowSourceHarness.Model, "challenger");
        await harness.Source.PollOnceAsync(Token);
        Assert.Equal((2, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));

        // ...so the admin's next change stands, across a restart too.
        harness.Deployments.Rollback(MlflowSourceHarness.Model, "admin");
        harness.Restart();
        await harness.Source.PollOnceAsync(Token);

        Assert.Equal((1, (int?)null), (harness.Deployment!.Stable, harness.Deployment.Canary));
    }

    [Fact]
    public async Task A_version_the_registry_folder_holds_is_not_downloaded_and_serves_from_there()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        var artifact = Directory.CreateDirectory(Path.Combine(harness.Data.Root, "artifact")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(artifact, "model.onnx"), MlflowFixtures.Bytes("bare-model.onnx"), Token);
        await new PackageBuilder([new OnnxRuntimeFactory()]).BuildAsync(
            MlflowPackaging.ForFolder(new PackageRequest { ArtifactPath = artifact, ModelName = MlflowSourceHarness.Model, RegistryPath = harness.Root, Version = 1 }),
            Token);
        harness.AddBareVersion(1);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 1);

        var polled = await harness.Source.PollOnceAsync(Token);

        Assert.True(polled, harness.State.LastError);
        Assert.DoesNotContain(harness.Server.Requests, r => r.Contains("get-download-uri", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(harness.MlflowRoot, MlflowSourceHarness.Model, "1")));
        Assert.Equal(Path.Combine(harness.Root, MlflowSourceHarness.Model, "1"), harness.Registry.Current.Models[MlflowSourceHarness.Model].Loaded[1].Directory);
        Assert.Equal(1, harness.Deployment!.Stable);
    }

    [Fact]
    public async Task Starting_removes_downloads_a_crash_left_behind()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        var abandoned = Directory.CreateDirectory(Path.Combine(harness.MlflowRoot, ".downloads", MlflowSourceHarness.Model, "1-0123")).FullName;
        await File.WriteAllTextAsync(Path.Combine(abandoned, "model.onnx"), "half", Token);

        await harness.Source.StartAsync(Token);
        await WaitUntil(() => harness.State.LastPollAt is not null);
        await harness.Source.StopAsync(Token);

        Assert.False(Directory.Exists(abandoned));
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
