using System.Security.Cryptography;
using System.Text;
using Serving.Core.Contracts;
using Serving.Core.Packaging;
using Serving.Core.Packaging.Dvc;

namespace Serving.Core.Tests.Packaging.Dvc;

/// <summary>The md5 DVC keys data by (raw bytes, as DVC 3), the <c>.dvc</c> file format, the cache layouts, and the data version a package records.</summary>
public sealed class DvcFilesTests
{
    [Fact]
    public void The_md5_is_of_the_files_raw_bytes_as_md5sum_computes_it()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv");
        File.WriteAllText(file, "a,b\n1,2\n");

        // Computed with `printf 'a,b\n1,2\n' | md5sum`.
        Assert.Equal("e5ebd4c02cefbe7955977c67ada242b7", DvcMd5.OfFile(file));
    }

    [Fact]
    public void Crlf_text_is_hashed_as_it_is_not_normalised_as_DVC_2_did()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv");
        var text = "x,label\r\n0.5,1\r\n";
        File.WriteAllText(file, text);

#pragma warning disable CA5351 // the test's own MD5, to check against DVC's content address
        var expected = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
        var normalised = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal))));
#pragma warning restore CA5351
        Assert.Equal(expected, DvcMd5.OfFile(file));
        Assert.NotEqual(normalised, DvcMd5.OfFile(file));
    }

    [Fact]
    public void A_dvc_3_file_is_read_with_md5_size_hash_and_path()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv.dvc");
        File.WriteAllText(file, "outs:\n- md5: E5EBD4C02CEFBE7955977C67ADA242B7\n  size: 8\n  hash: md5\n  path: data.csv\n");

        var output = DvcFiles.Read(file);

        Assert.Equal(new DvcOut("e5ebd4c02cefbe7955977c67ada242b7", 8, "data.csv", "md5"), output);
        Assert.False(output.IsLegacy);
    }

    [Fact]
    public void A_dvc_2_file_without_hash_is_read_as_legacy()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv.dvc");
        File.WriteAllText(file, "outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  size: 8\n  path: data.csv\n");

        Assert.True(DvcFiles.Read(file).IsLegacy);
    }

    [Fact]
    public void A_wdir_is_put_in_front_of_the_path_and_other_fields_are_ignored()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv.dvc");
        File.WriteAllText(file, "wdir: ../raw\nouts:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  size: 8\n  hash: md5\n  path: data.csv\n  desc: the data\n  remote: store\n");

        Assert.Equal("../raw/data.csv", DvcFiles.Read(file).Path);
    }

    [Fact]
    public void Written_files_read_back_in_dvc_adds_field_order()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("odd name.csv.dvc");
        var output = new DvcOut("e5ebd4c02cefbe7955977c67ada242b7", 8, "odd name's.csv", "md5");

        DvcFiles.Write(file, output);

        Assert.Equal("outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  size: 8\n  hash: md5\n  path: 'odd name''s.csv'\n", File.ReadAllText(file));
        Assert.Equal(output, DvcFiles.Read(file));
    }

    [Theory]
    [InlineData("outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  path: data\n", "tracks a folder")]
    [InlineData("outs:\n- md5: nothex\n  path: data.csv\n", "expected 32 hex digits")]
    [InlineData("outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n", "path is missing")]
    [InlineData("deps: []\n", "has no 'outs' list")]
    [InlineData("outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  path: a.csv\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  path: b.csv\n", "tracks 2 outs")]
    [InlineData("outs: [\n", "is not valid YAML")]
    public void Files_that_are_not_one_tracked_file_are_refused_saying_why(string text, string expected)
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("data.csv.dvc");
        File.WriteAllText(file, text);

        var error = Assert.Throws<InvalidDataException>(() => DvcFiles.Read(file));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cache_paths_follow_both_documented_layouts()
    {
        var root = Path.Combine("repo");

        Assert.Equal(Path.Combine("repo", ".dvc", "cache", "files", "md5", "e5", "ebd4c02cefbe7955977c67ada242b7"), DvcCache.FilesMd5Path(root, "e5ebd4c02cefbe7955977c67ada242b7"));
        Assert.Equal(Path.Combine("repo", ".dvc", "cache", "e5", "ebd4c02cefbe7955977c67ada242b7"), DvcCache.LegacyPath(root, "e5ebd4c02cefbe7955977c67ada242b7"));
    }

    [Fact]
    public void Data_in_a_dvc_repository_is_described_with_md5_size_path_and_its_dvc_file()
    {
        using var folder = new TemporaryDirectory();
        Directory.CreateDirectory(folder.Combine(".dvc"));
        Directory.CreateDirectory(folder.Combine("data"));
        var file = folder.Combine("data", "train.csv");
        File.WriteAllText(file, "a,b\n1,2\n");
        File.WriteAllText(file + ".dvc", "outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  size: 8\n  hash: md5\n  path: train.csv\n");

        var described = DvcRepository.Describe(new TrainingDataReference { File = "train.csv", Sha256 = "x" }, file);

        Assert.Equal("e5ebd4c02cefbe7955977c67ada242b7", described.Md5);
        Assert.Equal(8, described.Size);
        Assert.Equal("data/train.csv", described.Path);
        Assert.Equal("data/train.csv.dvc", described.DvcFile);
    }

    [Fact]
    public void Data_outside_a_dvc_repository_still_gets_md5_and_size_but_no_path()
    {
        using var folder = new TemporaryDirectory();
        var file = folder.Combine("train.csv");
        File.WriteAllText(file, "a,b\n1,2\n");

        var described = DvcRepository.Describe(new TrainingDataReference { File = "train.csv", Sha256 = "x" }, file);

        Assert.Equal(("e5ebd4c02cefbe7955977c67ada242b7", 8L), (described.Md5, described.Size!.Value));
        Assert.Null(described.Path);
        Assert.Null(described.DvcFile);
    }
}
