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
