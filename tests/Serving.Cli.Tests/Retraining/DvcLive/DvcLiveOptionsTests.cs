using System.Text.Json.Nodes;
using Serving.Cli.Retraining;

namespace Serving.Cli.Tests.Retraining.DvcLive;

public sealed class DvcLiveOptionsTests
{
    [Fact]
    public void A_jobs_dvclive_dir_is_read_and_resolved_against_the_config_files_folder()
    {
        using var work = new TemporaryDirectory();
        var path = work.Combine("retrainer.json");
        File.WriteAllText(path, new JsonObject
        {
            ["jobs"] = new JsonObject
            {
                [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin", ["trainingData"] = RetrainerTestBed.TrainingData, ["dvclive"] = new JsonObject { ["dir"] = "repo/dvclive" } },
                ["other"] = new JsonObject { ["kind"] = "builtin", ["sample"] = "breast-cancer", ["trainingData"] = RetrainerTestBed.TrainingData },
            },
        }.ToJsonString());

        var config = RetrainerConfig.Load(path, dataFolder: null);

        Assert.Equal(work.Combine("repo", "dvclive"), config.Jobs[RetrainerTestBed.Model].Dvclive!.Dir);
        Assert.Null(config.Jobs["other"].Dvclive);
    }

    [Fact]
    public void An_unknown_key_under_dvclive_is_refused()
    {
        using var work = new TemporaryDirectory();
        var path = work.Combine("retrainer.json");
        File.WriteAllText(path, """{"jobs": {"breast-cancer": {"dvclive": {"directory": "x"}}}}""");

        var error = Assert.Throws<RetrainerConfigException>(() => RetrainerConfig.Load(path, dataFolder: null));

        Assert.Contains("directory", error.Message, StringComparison.Ordinal);
    }
}
