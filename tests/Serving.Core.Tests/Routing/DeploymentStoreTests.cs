using System.Text.Json;
using Serving.Core.Routing;

namespace Serving.Core.Tests.Routing;

public sealed class DeploymentStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("deployment-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_file_from_before_rollouts_were_saved_loads_its_deployments_and_no_rollouts()
    {
        var path = Path.Combine(_directory, "deployments.json");
        File.WriteAllText(path, """
            {
              "models": [
                { "model": "iris", "spec": { "stable": 1, "canary": 2, "canaryWeight": 25 }, "changedBy": "rollout", "reason": "rollout step 2 of 4 passed" }
              ]
            }
            """);

        var (saved, problem) = new DeploymentStore(path).LoadAll();

        Assert.Null(problem);
        var deployment = Assert.Single(saved.Deployments);
        Assert.Equal(new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 25 }, deployment.Spec);
        Assert.Empty(saved.Rollouts);
    }

    [Fact]
    public void A_file_that_is_not_json_is_moved_aside_rather_than_written_over_by_the_next_change()
    {
        var path = Path.Combine(_directory, "deployments.json");
        const string damaged = """{"models": [ {"model": "iris", "spec": {"stable": """;
        File.WriteAllText(path, damaged);
        var store = new DeploymentStore(path);

        var (saved, problem) = store.LoadAll();
        store.Save(DeploymentTable.Empty);

        Assert.Empty(saved.Deployments);
        var aside = Assert.Single(Directory.GetFiles(_directory, "deployments.json.unreadable-*"));
        Assert.Equal(damaged, File.ReadAllText(aside));
        Assert.Contains($"it was moved to {aside}", problem, StringComparison.Ordinal);
        Assert.NotEqual(damaged, File.ReadAllText(path));
    }

    [Fact]
    public void Rollouts_are_saved_beside_the_deployments_and_read_back_as_written()
    {
        var path = Path.Combine(_directory, "deployments.json");
        var store = new DeploymentStore(path);
        var table = DeploymentTable.Empty.With(new ModelDeployment { Model = "iris", Spec = new DeploymentSpec { Stable = 1, Canary = 2, CanaryWeight = 5 } });
        using var rollout = JsonDocument.Parse("""{"model":"iris","canary":2,"stepIndex":0}""");

        store.Save(table, new Dictionary<string, JsonElement> { ["iris"] = rollout.RootElement });
        var (saved, problem) = store.LoadAll();

        Assert.Null(problem);
        Assert.Equal(2, saved.Deployments[0].Spec.Canary);
        Assert.Equal(2, saved.Rollouts["iris"].GetProperty("canary").GetInt32());
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Contains("\"rollouts\": {", File.ReadAllText(path), StringComparison.Ordinal);
    }
}
