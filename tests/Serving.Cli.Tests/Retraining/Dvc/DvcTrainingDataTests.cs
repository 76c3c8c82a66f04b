using Serving.Cli.Retraining;
using Serving.Cli.Retraining.Dvc;

namespace Serving.Cli.Tests.Retraining.Dvc;

/// <summary>
/// Training data named by a <c>.dvc</c> file is found in a hand-made DVC cache in either documented layout, or at its
/// workspace path, only when its md5 matches; otherwise the run is refused naming the md5, the places and <c>dvc pull</c>.
/// </summary>
public sealed class DvcTrainingDataTests
{
    private const string Csv = "x,target\n0.5,1\n1.5,0\n";

    [Fact]
    public void Data_is_found_in_the_dvc_3_cache_layout()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv);
        var cached = repo.PutInCache(Csv);

        var source = DvcTrainingData.Find(dvcFile);

        Assert.Equal(cached, source.CsvPath);
        Assert.Equal(Path.Combine(folder.Path, ".dvc", "cache", "files", "md5", DvcCacheBuilder.Md5(Csv)[..2], DvcCacheBuilder.Md5(Csv)[2..]), cached);
        Assert.Equal(DvcCacheBuilder.Md5(Csv), source.Reference!.Md5);
        Assert.Equal(Csv.Length, source.Reference.Size);
        Assert.Equal("data/train.csv", source.Reference.Path);
        Assert.Equal("data/train.csv.dvc", source.Reference.DvcFile);
    }

    [Fact]
    public void Data_is_found_in_the_older_dvc_2_cache_layout()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv, dvc3: false);
        var cached = repo.PutInLegacyCache(Csv);

        var source = DvcTrainingData.Find(dvcFile);

        Assert.Equal(cached, source.CsvPath);
        Assert.Equal(Path.Combine(folder.Path, ".dvc", "cache", DvcCacheBuilder.Md5(Csv)[..2], DvcCacheBuilder.Md5(Csv)[2..]), cached);
    }

    [Fact]
    public void A_workspace_file_with_the_right_md5_is_used_before_the_cache()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv);
        var workspace = repo.PutInWorkspace("data/train.csv", Csv);
        repo.PutInCache(Csv);

        Assert.Equal(workspace, DvcTrainingData.Find(dvcFile).CsvPath);
    }

    [Fact]
    public void A_changed_workspace_file_is_passed_over_for_the_cached_version()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv);
        repo.PutInWorkspace("data/train.csv", Csv + "2.5,1\n");
        var cached = repo.PutInCache(Csv);

        Assert.Equal(cached, DvcTrainingData.Find(dvcFile).CsvPath);
    }

    [Fact]
    public void A_cache_file_whose_bytes_do_not_have_its_md5_is_refused_saying_which_md5_and_where()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv);
        var corrupt = repo.PutInCache("x,target\n9,9\n", md5: DvcCacheBuilder.Md5(Csv));

        var error = Assert.Throws<RetrainException>(() => DvcTrainingData.Find(dvcFile));

        Assert.Contains($"(md5 {DvcCacheBuilder.Md5(Csv)}) is not available", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{corrupt}: md5 {DvcCacheBuilder.Md5("x,target\n9,9\n")}, not {DvcCacheBuilder.Md5(Csv)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("dvc pull train.csv.dvc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_names_every_place_looked_at_and_says_to_run_dvc_pull()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        var dvcFile = repo.TrackFile("data/train.csv", Csv);
        var md5 = DvcCacheBuilder.Md5(Csv);

        var error = Assert.Throws<RetrainException>(() => DvcTrainingData.Find(dvcFile));

        Assert.Contains($"the training data train.csv tracked by {dvcFile} (md5 {md5}) is not available", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(folder.Path, "data", "train.csv")}: missing", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(folder.Path, ".dvc", "cache", "files", "md5", md5[..2], md5[2..])}: missing", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(folder.Path, ".dvc", "cache", md5[..2], md5[2..])}: missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("Run `dvc pull train.csv.dvc`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dvc_2_file_whose_md5_differs_explains_the_crlf_normalisation()
    {
        using var folder = new TemporaryDirectory();
        var repo = DvcCacheBuilder.Init(folder.Path);
        // What DVC 2 recorded for a CRLF text file: the md5 of its LF form.
        var dvcFile = repo.TrackFile("data/train.csv", Csv, dvc3: false);
        repo.PutInWorkspace("data/train.csv", Csv.Replace("\n", "\r\n", StringComparison.Ordinal));

        var error = Assert.Throws<RetrainException>(() => DvcTrainingData.Find(dvcFile));

        Assert.Contains("DVC 2 hashed text files with CRLF line ends", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_csv_is_used_as_it_is_with_no_data_version()
    {
        using var folder = new TemporaryDirectory();
        var csv = Path.Combine(folder.Path, "train.csv");
        File.WriteAllText(csv, Csv);
        var run = new RetrainRun("r1", new RetrainTrigger("m", null, RetrainTrigger.Manual, DateTimeOffset.UnixEpoch, null, null, "{}"), DateTimeOffset.UnixEpoch, folder.Path);

        var source = DvcTrainingData.Resolve(new RetrainJob { TrainingData = csv }, run);

        Assert.Equal(csv, source.CsvPath);
        Assert.Null(source.Lineage(2));
    }
}
