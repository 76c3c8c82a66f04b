using Serving.Cli.Retraining;
using Serving.Cli.Retraining.Dvc;

namespace Serving.Cli.Tests.Retraining.Dvc;

/// <summary>The combined training set is written with a matching <c>.dvc</c> file and placed in a DVC repository's cache layout.</summary>
public sealed class DvcExportTests
{
    private const string Combined = "x,target\n0.5,1\n1.5,0\n2.5,1\n";

    [Fact]
    public void The_set_goes_into_the_repositorys_workspace_dvc_file_gitignore_and_cache()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Combine("repo"));
        var (run, data) = RunWithSet(folder);
        var md5 = DvcCacheBuilder.Md5(Combined);

        var reference = DvcExport.Write("iris", new RetrainJob { Dvc = new DvcJobSettings { Repo = repo.Root } }, run, data, new DvcSource(data.CombinedPath, null, null));

        var cached = Path.Combine(repo.Root, ".dvc", "cache", "files", "md5", md5[..2], md5[2..]);
        Assert.Equal(Combined, File.ReadAllText(cached));
        Assert.Equal(Combined, File.ReadAllText(Path.Combine(repo.Root, "retraining", "iris.csv")));
        Assert.Equal($"outs:\n- md5: {md5}\n  size: {Combined.Length}\n  hash: md5\n  path: iris.csv\n", File.ReadAllText(Path.Combine(repo.Root, "retraining", "iris.csv.dvc")));
        Assert.Equal("/iris.csv\n", File.ReadAllText(Path.Combine(repo.Root, "retraining", ".gitignore")));
        Assert.Equal((md5, (long?)Combined.Length, "retraining/iris.csv", "retraining/iris.csv.dvc"), (reference.Md5, reference.Size, reference.Path, reference.DvcFile));
        Assert.Equal(data.Sha256, reference.Sha256);
        Assert.Empty(Directory.GetFiles(repo.Root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_run_folder_always_gets_a_matching_dvc_file()
    {
        using var folder = new TemporaryDirectory();
        var (run, data) = RunWithSet(folder);

        var reference = DvcExport.Write("iris", new RetrainJob(), run, data, new DvcSource(data.CombinedPath, null, null));

        // Computed with `printf 'x,target\n0.5,1\n1.5,0\n2.5,1\n' | md5sum`, beside the test's own MD5.
        Assert.Equal("8bb4737f0f7d40294a7fe10afae29908", reference.Md5);
        Assert.Equal(DvcCacheBuilder.Md5(Combined), reference.Md5);
        Assert.Equal($"outs:\n- md5: {reference.Md5}\n  size: {Combined.Length}\n  hash: md5\n  path: combined.csv\n", File.ReadAllText(data.CombinedPath + ".dvc"));
        Assert.Null(reference.Path);
    }

    [Fact]
    public void A_second_export_of_the_same_bytes_keeps_one_cache_file_and_the_gitignore_line_once()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Combine("repo"));
        var (run, data) = RunWithSet(folder);
        var job = new RetrainJob { Dvc = new DvcJobSettings { Repo = repo.Root, Path = "data/sets/iris-retrain.csv" } };

        DvcExport.Write("iris", job, run, data, new DvcSource(data.CombinedPath, null, null));
        var reference = DvcExport.Write("iris", job, run, data, new DvcSource(data.CombinedPath, null, null));

        Assert.Equal("data/sets/iris-retrain.csv", reference.Path);
        Assert.Single(Directory.GetFiles(Path.Combine(repo.Root, ".dvc", "cache"), "*", SearchOption.AllDirectories));
        Assert.Equal("/iris-retrain.csv\n", File.ReadAllText(Path.Combine(repo.Root, "data", "sets", ".gitignore")));
    }

    [Fact]
    public void Without_dvc_repo_the_repository_of_the_dvc_training_data_is_used()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Combine("repo"));
        var dvcFile = repo.TrackFile("data/train.csv", "x,target\n1,1\n");
        var (run, data) = RunWithSet(folder);

        var reference = DvcExport.Write("iris", new RetrainJob(), run, data, new DvcSource(data.CombinedPath, dvcFile, null));

        Assert.Equal("retraining/iris.csv.dvc", reference.DvcFile);
        Assert.True(File.Exists(Path.Combine(repo.Root, "retraining", "iris.csv.dvc")));
    }

    private static (RetrainRun Run, TrainingSet Data) RunWithSet(TemporaryDirectory folder)
    {
        var runDirectory = folder.Combine("run");
        Directory.CreateDirectory(runDirectory);
        var combined = Path.Combine(runDirectory, "combined.csv");
        File.WriteAllText(combined, Combined);
        var run = new RetrainRun("r1", new RetrainTrigger("iris", null, RetrainTrigger.Manual, DateTimeOffset.UnixEpoch, null, null, "{}"), DateTimeOffset.UnixEpoch, runDirectory);
        var data = new TrainingSet(combined, combined, combined, Serving.Core.Packaging.Checksums.Sha256OfFile(combined), "target", 2, 1, 3, 1, "test");
        return (run, data);
    }
}
