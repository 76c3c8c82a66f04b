using Serving.Cli.Retraining;
using Serving.Cli.Tests.Commands;

namespace Serving.Cli.Tests.Retraining.Dvc;

/// <summary>A job's <c>.dvc</c> training data and <c>dvc</c> settings are checked at start, each problem on its own line.</summary>
public sealed class DvcConfigTests
{
    [Fact]
    public void A_dvc_file_is_accepted_as_training_data_before_its_data_is_pulled()
    {
        using var work = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(work.Combine("data-repo"));
        repo.TrackFile("data/breast-cancer.csv", "x,target\n1,0\n");
        var config = work.Combine("retrainer.json");
        File.WriteAllText(config, """{"jobs": {"breast-cancer": {"trainingData": "data-repo/data/breast-cancer.csv.dvc", "dvc": {"repo": "data-repo", "path": "sets/bc.csv"}}}}""");

        var job = RetrainerConfig.Load(config, Repository.DataDirectory).Jobs["breast-cancer"];

        Assert.Equal(Path.Combine(repo.Root, "data", "breast-cancer.csv.dvc"), job.TrainingData);
        Assert.Equal(repo.Root, job.Dvc!.Repo);
        Assert.Equal("sets/bc.csv", job.Dvc.Path);
    }

    [Fact]
    public void A_broken_dvc_file_a_repo_without_dvc_and_a_path_outside_it_are_each_reported()
    {
        using var work = new TemporaryDirectory();
        File.WriteAllText(work.Combine("train.csv.dvc"), "outs:\n- md5: 0123\n  path: train.csv\n");
        Directory.CreateDirectory(work.Combine("not-a-repo"));
        var config = work.Combine("retrainer.json");
        File.WriteAllText(config, """{"jobs": {"breast-cancer": {"trainingData": "train.csv.dvc", "dvc": {"repo": "not-a-repo", "path": "../out.csv"}}}}""");

        var error = Assert.Throws<RetrainerConfigException>(() => RetrainerConfig.Load(config, Repository.DataDirectory));

        Assert.Contains(error.Problems, p => p.Contains("jobs.breast-cancer.trainingData:", StringComparison.Ordinal) && p.Contains("expected 32 hex digits", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("jobs.breast-cancer.dvc.repo", StringComparison.Ordinal) && p.Contains("run `dvc init`", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("jobs.breast-cancer.dvc.path is '../out.csv'", StringComparison.Ordinal));
    }
}
