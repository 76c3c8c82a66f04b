using Serving.Core.Storage;

namespace Serving.Core.Tests.Storage;

public sealed class TornAppendsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("torn-appends-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_file_longer_than_before_the_write_is_cut_back_to_it()
    {
        var path = Path.Combine(_folder, "log.jsonl");
        File.WriteAllText(path, "{\"a\":1}\n{\"b\":");

        TornAppends.CutBack(path, 8);

        Assert.Equal("{\"a\":1}\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_no_longer_than_that_or_gone_is_left_as_it_is()
    {
        var path = Path.Combine(_folder, "log.jsonl");
        File.WriteAllText(path, "{\"a\":1}\n");

        TornAppends.CutBack(path, 100);
        TornAppends.CutBack(Path.Combine(_folder, "gone.jsonl"), 0);

        Assert.Equal("{\"a\":1}\n", File.ReadAllText(path));
        Assert.False(File.Exists(Path.Combine(_folder, "gone.jsonl")));
    }
}
