using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;
using Serving.Core.Storage;

namespace Serving.Core.Tests.Routing;

public sealed class DeploymentManagerTests : IDisposable
{
    private readonly TestRegistry _test = new();

    public void Dispose() => _test.Dispose();

    private DeploymentManager Start(int versions, string? policy = null)
    {
        for (var version = 1; version <= versions; version++)
        {
            _test.Publish("m", version);
        }

        if (policy is not null)
        {
            _test.Policies.Models["m"] = new ModelOptions { Policy = policy };
        }

        _test.Registry.Scan();
        return _test.Deployments;
    }

    private DeploymentManager Restart(ILogger<DeploymentManager>? logger = null) => new(
        _test.Registry,
        Options.Create(_test.Policies),
        Options.Create(new RegistryOptions { Path = _test.Root }),
        _test.DataDirectory,
        _test.Time,
        logger ?? new ListLogger<DeploymentManager>());

    private static DeploymentSpec Spec(int stable, int? canary = null, int weight = 0, int? shadow = null) =>
        new() { Stable = stable, Canary = canary, CanaryWeight = weight, Shadow = shadow };

    [Fact]
    public void A_new_model_is_deployed_with_its_newest_ready_version()
    {
        var deployments = Start(3);

        Assert.Equal(Spec(3), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Promote_makes_the_canary_stable_and_removes_the_canary()
    {
        var deployments = Start(3);
        deployments.Set("m", Spec(1, canary: 2, weight: 25, shadow: 3), "test", "canary");

        var promoted = deployments.Promote("m", "test");

        Assert.Equal(Spec(2, shadow: 3), promoted.Spec);
        Assert.Equal(1, promoted.PreviousStable);
        Assert.Same(promoted, deployments.Current.Find("m"));
    }

    [Fact]
    public void Promote_without_a_canary_is_a_conflict_and_changes_nothing()
    {
        var deployments = Start(2);
        var before = deployments.Current.Find("m");

        var error = Assert.Throws<DeploymentException>(() => deployments.Promote("m", "test"));

        Assert.Equal(DeploymentErrorKind.Conflict, error.Kind);
        Assert.Same(before, deployments.Current.Find("m"));
    }

    [Fact]
    public void Rollback_with_a_canary_removes_it_and_stable_stays()
    {
        var deployments = Start(3);
        deployments.Set("m", Spec(2), "test", "stable 2");
        deployments.Set("m", Spec(2, canary: 3, weight: 10), "test", "canary");

        var rolledBack = deployments.Rollback("m", "test");

        Assert.Equal(Spec(2), rolledBack.Spec);
    }

    [Fact]
    public void Rollback_without_a_canary_returns_to_the_previous_stable()
    {
        var deployments = Start(3);
        deployments.Set("m", Spec(1), "test", "first");
        deployments.Set("m", Spec(2), "test", "second");

        var rolledBack = deployments.Rollback("m", "test");

        Assert.Equal(Spec(1), rolledBack.Spec);
    }

    [Fact]
    public void Rollback_with_neither_a_canary_nor_a_previous_stable_is_a_conflict()
    {
        var deployments = Start(1);

        var error = Assert.Throws<DeploymentException>(() => deployments.Rollback("m", "test"));

        Assert.Equal(DeploymentErrorKind.Conflict, error.Kind);
        Assert.Equal(Spec(1), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Changes_to_an_unknown_model_are_not_found_and_invalid_specs_are_invalid()
    {
        var deployments = Start(2);

        Assert.Equal(DeploymentErrorKind.NotFound, Assert.Throws<DeploymentException>(() => deployments.Set("nope", Spec(1), "test", "x")).Kind);
        Assert.Equal(DeploymentErrorKind.Invalid, Assert.Throws<DeploymentException>(() => deployments.Set("m", Spec(1, canary: 1, weight: 5), "test", "x")).Kind);
        Assert.Equal(DeploymentErrorKind.Invalid, Assert.Throws<DeploymentException>(() => deployments.Set("m", Spec(1, canary: 2, weight: 101), "test", "x")).Kind);
        Assert.Equal(DeploymentErrorKind.Invalid, Assert.Throws<DeploymentException>(() => deployments.Set("m", Spec(1, weight: 5), "test", "x")).Kind);
        Assert.Equal(Spec(2), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Under_auto_stable_a_published_version_replaces_stable()
    {
        var deployments = Start(2);
        deployments.Set("m", Spec(1), "test", "pin back");

        _test.Publish("m", 3);
        _test.Registry.Scan();

        var deployment = deployments.Current.Find("m")!;
        Assert.Equal(Spec(3), deployment.Spec);
        Assert.Equal("policy auto-stable", deployment.ChangedBy);
    }

    [Fact]
    public void Under_manual_a_published_version_changes_nothing()
    {
        var deployments = Start(2, policy: "manual");
        deployments.Set("m", Spec(1, canary: 2, weight: 10), "test", "manual canary");

        _test.Publish("m", 3);
        _test.Registry.Scan();

        Assert.Equal(Spec(1, canary: 2, weight: 10), deployments.Current.Find("m")!.Spec);
        Assert.True(_test.Registry.Current.Models["m"].Loaded.ContainsKey(3));
    }

    [Fact]
    public void Under_auto_canary_without_a_rollout_controller_a_published_version_becomes_the_canary()
    {
        var deployments = Start(2, policy: "auto-canary");

        _test.Publish("m", 3);
        _test.Registry.Scan();

        Assert.Equal(Spec(2, canary: 3, weight: 5), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Under_auto_canary_with_a_rollout_controller_the_controller_starts_the_rollout()
    {
        var deployments = Start(2, policy: "auto-canary");
        var rollouts = new RecordingRolloutStarter();
        deployments.Rollouts = rollouts;

        _test.Publish("m", 3);
        _test.Registry.Scan();

        Assert.Equal([("m", 3, "policy auto-canary")], rollouts.Started);
        Assert.Equal(Spec(2), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Versions_present_at_start_up_are_not_publications()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        _test.Deployments.Set("m", Spec(1), "test", "pin back");

        var restarted = Restart();

        Assert.Equal(Spec(1), restarted.Current.Find("m")!.Spec);
    }

    [Fact]
    public void A_new_manager_over_the_same_registry_restores_the_saved_deployment()
    {
        var deployments = Start(3, policy: "manual");
        deployments.Set("m", Spec(1, canary: 3, weight: 20, shadow: 2), "admin", "experiment");

        var restarted = Restart();

        var restored = restarted.Current.Find("m")!;
        Assert.Equal(Spec(1, canary: 3, weight: 20, shadow: 2), restored.Spec);
        Assert.Equal("admin", restored.ChangedBy);
        Assert.Equal("experiment", restored.Reason);
        Assert.Equal(3, restored.PreviousStable);
    }

    [Fact]
    public void A_corrupt_state_file_is_reported_and_ignored()
    {
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        var logger = new ListLogger<DeploymentManager>();
        Directory.CreateDirectory(_test.DataDirectory.Paths.Root);
        File.WriteAllText(_test.DataDirectory.Paths.DeploymentsFile, "{ \"models\": [ { \"model\": ");

        var deployments = Restart(logger);

        Assert.Equal(Spec(2), deployments.Current.Find("m")!.Spec);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(_test.DataDirectory.Paths.DeploymentsFile, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deployments_are_saved_in_the_data_directory_and_nothing_is_written_to_the_registry()
    {
        var deployments = Start(2, policy: "manual");
        var registryFiles = Directory.GetFileSystemEntries(_test.Root).Order(StringComparer.Ordinal).ToList();

        deployments.Set("m", Spec(1), "admin", "pin back");

        Assert.Equal(_test.DataDirectory.Paths.DeploymentsFile, deployments.StatePath);
        Assert.Contains("\"stable\": 1", File.ReadAllText(_test.DataDirectory.Paths.DeploymentsFile), StringComparison.Ordinal);
        Assert.Equal(registryFiles, Directory.GetFileSystemEntries(_test.Root).Order(StringComparer.Ordinal).ToList());
        Assert.False(File.Exists(Path.Combine(_test.Root, ".deployments.json")));
    }

    [Fact]
    public void Deployments_an_earlier_release_kept_in_the_registry_are_read_once_and_saved_to_the_data_directory()
    {
        Start(3, policy: "manual").Set("m", Spec(1, canary: 3, weight: 20), "admin", "experiment");
        // As an earlier release left it: the file inside the registry folder, nothing in the data directory.
        var former = Path.Combine(_test.Root, ".deployments.json");
        File.Move(_test.DataDirectory.Paths.DeploymentsFile, former);
        var logger = new ListLogger<DeploymentManager>();

        var upgraded = Restart(logger);

        Assert.Equal(Spec(1, canary: 3, weight: 20), upgraded.Current.Find("m")!.Spec);
        var migrated = Assert.Single(logger.Entries, e => e.Message.Contains("earlier releases", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, migrated.Level);
        Assert.Contains(former, migrated.Message, StringComparison.Ordinal);
        Assert.Contains(_test.DataDirectory.Paths.DeploymentsFile, migrated.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_test.DataDirectory.Paths.DeploymentsFile));

        // From now on the data directory's file is the one read: the old one is left alone and no longer counts.
        upgraded.Set("m", Spec(2), "admin", "after the upgrade");
        var again = new ListLogger<DeploymentManager>();
        Assert.Equal(Spec(2), Restart(again).Current.Find("m")!.Spec);
        Assert.DoesNotContain(again.Entries, e => e.Message.Contains("earlier releases", StringComparison.Ordinal));
        Assert.Contains("\"canary\": 3", File.ReadAllText(former), StringComparison.Ordinal);
    }

    [Fact]
    public void When_saving_fails_the_change_still_serves_and_the_failures_are_counted_and_said_once()
    {
        // A file where the data directory should be: no user, root included, can create the folder.
        File.WriteAllText(Path.Combine(_test.Root, ".data"), "in the way");
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
        var logger = new ListLogger<DeploymentManager>();
        var deployments = Restart(logger);

        deployments.Set("m", Spec(1), "admin", "pin back");
        deployments.Set("m", Spec(2), "admin", "forward again");

        Assert.Equal(Spec(2), deployments.Current.Find("m")!.Spec);
        var report = _test.DataDirectory.Snapshot();
        Assert.Equal(3, report.StateSaveFailures); // the new model's first deployment, then two changes
        Assert.Contains(_test.DataDirectory.Paths.DeploymentsFile, report.LastStateSaveError, StringComparison.Ordinal);
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(_test.DataDirectory.Paths.DeploymentsFile, error.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(_test.Root, ".data"));
        deployments.Set("m", Spec(1), "admin", "the volume is back");

        Assert.Null(_test.DataDirectory.Snapshot().LastStateSaveError);
        Assert.Equal(3, _test.DataDirectory.StateSaveFailures);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("works again", StringComparison.Ordinal));
        Assert.Equal(Spec(1), Restart().Current.Find("m")!.Spec);
    }

    [Fact]
    public void A_save_into_a_data_directory_already_reported_unwritable_is_counted_without_another_error()
    {
        File.WriteAllText(Path.Combine(_test.Root, ".data"), "in the way");
        Assert.False(_test.DataDirectory.Check().After.Writable);
        _test.Publish("m", 1);
        _test.Registry.Scan();
        var logger = new ListLogger<DeploymentManager>();

        Restart(logger);

        Assert.Equal(1, _test.DataDirectory.StateSaveFailures);
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public void When_the_stable_versions_folder_is_removed_stable_moves_to_the_newest_ready_version()
    {
        var deployments = Start(3);
        deployments.Set("m", Spec(1), "test", "pin back");

        Directory.Delete(Path.Combine(_test.Root, "m", "1"), recursive: true);
        _test.Registry.Scan();

        var deployment = deployments.Current.Find("m")!;
        Assert.Equal(Spec(3), deployment.Spec);
        Assert.Equal("registry", deployment.ChangedBy);
    }

    [Fact]
    public void When_a_removed_stable_is_replaced_by_the_canary_the_shadow_stays()
    {
        var deployments = Start(3, policy: "manual");
        deployments.Set("m", Spec(1, canary: 3, weight: 10, shadow: 2), "test", "experiment");

        Directory.Delete(Path.Combine(_test.Root, "m", "1"), recursive: true);
        _test.Registry.Scan();

        Assert.Equal(Spec(3, shadow: 2), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Unload_refuses_a_deployed_version_and_unloads_one_that_is_not()
    {
        var deployments = Start(3, policy: "manual");
        deployments.Set("m", Spec(1, canary: 2, weight: 10), "test", "canary");

        var error = Assert.Throws<DeploymentException>(() => deployments.Unload("m", 2, "test"));
        deployments.Unload("m", 3, "test");

        Assert.Equal(DeploymentErrorKind.Conflict, error.Kind);
        var loaded = _test.Registry.Current.Models["m"].Loaded;
        Assert.True(loaded.ContainsKey(2));
        Assert.False(loaded.ContainsKey(3));
        var unloaded = _test.Registry.Current.Models["m"].Versions.Single(v => v.Version == 3);
        Assert.Equal(ModelVersionState.Unloaded, unloaded.State);
    }

    [Fact]
    public void An_unloaded_version_stays_unloaded_across_rescans_until_it_is_loaded()
    {
        var deployments = Start(3, policy: "manual");
        deployments.Set("m", Spec(2), "test", "pin");
        deployments.Unload("m", 3, "test");

        _test.Registry.Scan();
        Assert.False(_test.Registry.Current.Models["m"].Loaded.ContainsKey(3));

        deployments.Load("m", 3);
        Assert.True(_test.Registry.Current.Models["m"].Loaded.ContainsKey(3));
        Assert.Equal(Spec(2), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void Set_loads_an_unloaded_version_it_names()
    {
        var deployments = Start(3, policy: "manual");
        deployments.Set("m", Spec(2), "test", "pin");
        deployments.Unload("m", 1, "test");

        deployments.Set("m", Spec(1), "test", "back to 1");

        Assert.True(_test.Registry.Current.Models["m"].Loaded.ContainsKey(1));
        Assert.Equal(Spec(1), deployments.Current.Find("m")!.Spec);
    }

    [Fact]
    public void A_registry_change_handled_late_does_not_undo_a_deployment_made_on_a_newer_snapshot()
    {
        // Registry events are raised outside the registry's lock, so a handler may see an older snapshot after a
        // newer one (a scan's event still in flight while an admin change loads a version). Here another
        // subscriber, called first, makes such a change from inside the event.
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Policies.Models["m"] = new ModelOptions { Policy = "manual" };
        _test.Registry.Scan();
        _test.Registry.Unload("m", 1, "test");
        var armed = false;
        _test.Registry.Changed += _ =>
        {
            if (armed)
            {
                armed = false;
                _test.Deployments.Set("m", Spec(1), "admin", "back to 1");
            }
        };
        var deployments = _test.Deployments;
        armed = true;

        _test.Publish("m", 3);
        _test.Registry.Scan();

        Assert.Equal(Spec(1), deployments.Current.Find("m")!.Spec);
    }
}
