using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Core.Tests.Support;

namespace Serving.Core.Tests.Routing;

/// <summary>What the MLflow aliases last asked for is kept with the deployment, in memory and in the state file.</summary>
public sealed class MlflowAppliedStateTests : IDisposable
{
    private static readonly DeploymentSpec Aliases = new() { Stable = 1, Canary = 2, CanaryWeight = 20 };

    private readonly TestRegistry _test = new();

    public MlflowAppliedStateTests()
    {
        _test.Policies.Models["m"] = new ModelOptions { Source = "mlflow" };
        _test.Publish("m", 1);
        _test.Publish("m", 2);
        _test.Registry.Scan();
    }

    public void Dispose() => _test.Dispose();

    private DeploymentManager Restart() => new(
        _test.Registry,
        Options.Create(_test.Policies),
        Options.Create(new RegistryOptions { Path = _test.Root }),
        _test.DataDirectory,
        _test.Time,
        NullLogger<DeploymentManager>.Instance);

    [Fact]
    public void The_record_survives_admin_changes_and_a_restart()
    {
        var deployments = _test.Deployments;
        deployments.Set("m", Aliases, "mlflow", "aliases", mlflowApplied: Aliases);
        deployments.Rollback("m", "admin");

        var restarted = Restart();

        var deployment = restarted.Current.Find("m")!;
        Assert.Equal(new DeploymentSpec { Stable = 1 }, deployment.Spec);
        Assert.Equal("admin", deployment.ChangedBy);
        Assert.Equal(Aliases, deployment.MlflowApplied);
        Assert.Contains("\"mlflowApplied\"", File.ReadAllText(restarted.StatePath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_file_written_before_the_record_existed_is_read_as_having_none()
    {
        var path = _test.Deployments.StatePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """
            {
              "models": [
                { "model": "m", "spec": { "stable": 2, "canaryWeight": 0 }, "previousStable": 1, "since": "2026-01-01T00:00:00+00:00", "changedBy": "admin", "reason": "rolled forward" }
              ]
            }
            """);

        var deployment = Restart().Current.Find("m")!;

        Assert.Equal((2, (int?)1, "admin"), (deployment.Spec.Stable, deployment.PreviousStable, deployment.ChangedBy));
        Assert.Null(deployment.MlflowApplied);
    }
}
