using Serving.Core.Packaging;

namespace Serving.Core.Tests.Packaging;

public sealed class VersionFoldersTests
{
    [Fact]
    public void Next_is_one_for_a_model_folder_that_does_not_exist()
    {
        using var temp = new TemporaryDirectory();

        Assert.Equal(1, VersionFolders.Next(temp.Combine("missing")));
    }

    [Fact]
    public void Next_is_one_more_than_the_highest_version_even_with_gaps()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("1"));
        Directory.CreateDirectory(temp.Combine("7"));
        Directory.CreateDirectory(temp.Combine("3"));

        Assert.Equal(8, VersionFolders.Next(temp.Path));
    }

    [Fact]
    public void Next_after_the_highest_int_refuses_instead_of_wrapping_to_a_negative_number()
    {
        using var temp = new TemporaryDirectory();
        var model = temp.Combine("big");
        Directory.CreateDirectory(Path.Combine(model, "2147483646"));
        Directory.CreateDirectory(Path.Combine(model, "2147483647"));

        var error = Assert.Throws<PackagingException>(() => VersionFolders.Next(model + Path.DirectorySeparatorChar));

        Assert.Equal(
            "model 'big' already has version 2147483647, the highest version number; there is no next one (publish under another model name)",
            error.Message);
    }

    [Fact]
    public void Publish_of_a_next_version_after_the_highest_int_refuses_and_leaves_the_staging_folder()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("2147483647"));
        var staging = VersionFolders.CreateStaging(temp.Path);

        Assert.Throws<PackagingException>(() => VersionFolders.Publish(staging, temp.Path, version: null));

        Assert.True(Directory.Exists(staging));
        Assert.Equal([int.MaxValue], VersionFolders.Existing(temp.Path));
    }

    [Fact]
    public void Folders_not_named_by_a_positive_integer_are_not_versions()
    {
        using var temp = new TemporaryDirectory();
        foreach (var name in new[] { "2", "0", "-3", "007", "v4", ".staging-x", "10x" })
        {
            Directory.CreateDirectory(temp.Combine(name));
        }

        Assert.Equal([2], VersionFolders.Existing(temp.Path));
    }

    [Fact]
    public void Publish_renames_the_staging_folder_to_the_next_version()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("4"));
        var staging = VersionFolders.CreateStaging(temp.Path);
        File.WriteAllText(Path.Combine(staging, "model.json"), "{}");

        var version = VersionFolders.Publish(staging, temp.Path, version: null);

        Assert.Equal(5, version);
        Assert.True(File.Exists(temp.Combine("5", "model.json")));
        Assert.False(Directory.Exists(staging));
    }

    [Fact]
    public void Publish_to_an_explicit_version_that_exists_is_refused()
    {
        using var temp = new TemporaryDirectory();
        Directory.CreateDirectory(temp.Combine("2"));
        var staging = VersionFolders.CreateStaging(temp.Path);

        var error = Assert.Throws<PackagingException>(() => VersionFolders.Publish(staging, temp.Path, version: 2));

        Assert.Contains("already exists", error.Message, StringComparison.Ordinal);
    }
}
