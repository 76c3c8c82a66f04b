using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Serving.Cli.Retraining;
using Serving.Core.Packaging;

namespace Serving.Cli.Tests.Retraining.Dvc;

/// <summary>
/// The retrainer end to end on DVC-tracked data: the original CSV comes from a hand-made DVC cache, the published
/// version's lineage records both data versions (md5 and path), and the combined set lands in the repository's cache;
/// without the data in the cache the run fails saying to run <c>dvc pull</c>.
/// </summary>
public sealed class RetrainerDvcTests
{
    private static readonly JsonObject Jobs = new()
    {
        [RetrainerTestBed.Model] = new JsonObject { ["kind"] = "builtin", ["trainingData"] = "dvc-repo/data/breast-cancer.csv.dvc" },
    };

    [Fact]
    public async Task A_run_on_data_from_the_dvc_cache_records_both_data_versions_and_exports_the_set_into_the_cache()
    {
        var original = File.ReadAllText(RetrainerTestBed.TrainingData);
        await using var bed = await RetrainerTestBed.StartAsync(Jobs.DeepClone().AsObject(), prepare: root =>
        {
            var repo = DvcCacheBuilder.Init(Path.Combine(root, "dvc-repo"));
            repo.TrackFile("data/breast-cancer.csv", original);
            repo.PutInCache(original);
        });
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-dvc-1", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.True(run.Stage == RunStages.Done, $"{run.Stage}: {run.Message}\n{string.Join('\n', run.Log ?? [])}");
        var lineage = ManifestSerializer.Read(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3")).Lineage!.Retraining!;
        var source = lineage.OriginalDataVersion!;
        Assert.Equal((DvcCacheBuilder.Md5(original), "data/breast-cancer.csv", "data/breast-cancer.csv.dvc", 569), (source.Md5, source.Path, source.DvcFile, source.Rows));

        var combined = File.ReadAllBytes(Path.Combine(bed.DataPath, "retrainer", "runs", run.Id, "combined.csv"));
#pragma warning disable CA5351 // DVC's content address, computed independently of the code under test
        var md5 = Convert.ToHexStringLower(MD5.HashData(combined));
#pragma warning restore CA5351
        var exported = lineage.DataVersion!;
        Assert.Equal((md5, (long?)combined.Length, "retraining/breast-cancer.csv", "retraining/breast-cancer.csv.dvc"), (exported.Md5, exported.Size, exported.Path, exported.DvcFile));
        Assert.Equal(lineage.DataSha256, exported.Sha256);
        Assert.Equal(combined, File.ReadAllBytes(bed.Combine("dvc-repo", ".dvc", "cache", "files", "md5", md5[..2], md5[2..])));
        Assert.Contains($"- md5: {md5}\n", File.ReadAllText(bed.Combine("dvc-repo", "retraining", "breast-cancer.csv.dvc")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_whose_dvc_data_is_not_in_the_cache_fails_saying_to_run_dvc_pull()
    {
        var original = File.ReadAllText(RetrainerTestBed.TrainingData);
        await using var bed = await RetrainerTestBed.StartAsync(Jobs.DeepClone().AsObject(), prepare: root =>
            DvcCacheBuilder.Init(Path.Combine(root, "dvc-repo")).TrackFile("data/breast-cancer.csv", original));
        bed.LogLabelledPredictions(RetrainerTestBed.SampleRows(scale: 3));

        var (_, answer) = await bed.PostWebhookAsync("evt-dvc-2", RetrainerTestBed.DriftEvent());
        var run = await bed.FinishedRunAsync(answer["run"]!.ToString());

        Assert.Equal(RunStages.Failed, run.Stage);
        Assert.Contains($"(md5 {DvcCacheBuilder.Md5(original)}) is not available", run.Message, StringComparison.Ordinal);
        Assert.Contains("dvc pull breast-cancer.csv.dvc", run.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(bed.Registry, RetrainerTestBed.Model, "3")));
    }
}
