using Serving.Gateway.Rest.Oip;

namespace Serving.Gateway.Tests.Rest.Oip;

/// <summary>The infer paths served ahead of routing are read as routing reads them; anything else is left to routing.</summary>
public sealed class OipInferPathTests
{
    [Theory]
    [InlineData("/v2/models/breast-cancer/infer", "breast-cancer", null)]
    [InlineData("/V2/Models/breast-cancer/INFER", "breast-cancer", null)]
    [InlineData("/v2/models/iris/versions/2/infer", "iris", "2")]
    [InlineData("/v2/models/iris/VERSIONS/abc/infer", "iris", "abc")]
    [InlineData("/v2/models/a b/infer", "a b", null)]
    public void An_infer_path_gives_its_model_and_pinned_version(string path, string model, string? version)
    {
        Assert.True(OipInferPath.TryMatch(path, out var name, out var pinned));
        Assert.Equal((model, version), (name, pinned));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/v2/models/infer")]
    [InlineData("/v2/models//infer")]
    [InlineData("/v2/models/iris/infer/")]
    [InlineData("/v2/models/iris/ready")]
    [InlineData("/v2/models/iris/versions/infer")]
    [InlineData("/v2/models/iris/versions//infer")]
    [InlineData("/v2/models/iris/versions/1/2/infer")]
    [InlineData("/v2/models/iris/other/1/infer")]
    [InlineData("/v2/models//versions/1/infer")]
    [InlineData("/v1/models/iris/infer")]
    public void Other_paths_are_left_to_routing(string? path)
    {
        Assert.False(OipInferPath.TryMatch(path, out _, out _));
    }

    [Fact]
    public void The_same_name_twice_is_the_same_string()
    {
        OipInferPath.TryMatch("/v2/models/iris/infer", out var first, out _);
        OipInferPath.TryMatch("/v2/models/iris/infer", out var second, out _);
        OipInferPath.TryMatch("/v2/models/wine/infer", out var other, out _);

        Assert.Same(first, second);
        Assert.Equal("wine", other);
    }
}
