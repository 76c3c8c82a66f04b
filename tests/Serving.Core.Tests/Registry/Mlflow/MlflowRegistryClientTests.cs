using System.Net;
using System.Net.Sockets;
using Serving.Core.Registry.Mlflow;

namespace Serving.Core.Tests.Registry.Mlflow;

public sealed class MlflowRegistryClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindVersionByAlias_reads_the_version_an_alias_points_at()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddLoggedVersion(2);
        harness.Server.SetAlias(MlflowSourceHarness.Model, "champion", 2);

        var version = await harness.Client.FindVersionByAliasAsync(MlflowSourceHarness.Model, "champion", Token);

        Assert.Equal(("2", "mlflow-artifacts:/1/436d5a8e5bd2414cbb1758066bfed79f/artifacts/model", "READY"), (version!.Version, version.Source, version.Status));
        Assert.Contains("champion", version.Aliases!);
    }

    [Fact]
    public async Task FindVersionByAlias_returns_null_when_MLflow_says_the_alias_is_not_found()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();

        Assert.Null(await harness.Client.FindVersionByAliasAsync(MlflowSourceHarness.Model, "nope", Token));
    }

    [Fact]
    public async Task GetModelVersion_of_an_unknown_version_throws_with_the_MLflow_error_code_and_message()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();

        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => harness.Client.GetModelVersionAsync(MlflowSourceHarness.Model, "9", Token));

        Assert.Equal((MlflowErrorKind.Rejected, "RESOURCE_DOES_NOT_EXIST", HttpStatusCode.NotFound), (error.Kind, error.ErrorCode, error.StatusCode));
        Assert.Contains("version=9) not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadDirectory_fetches_every_file_with_sub_folders_and_identical_bytes()
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.AddLoggedVersion(2);
        var target = Path.Combine(harness.Root, "download");

        var uri = await harness.Client.GetDownloadUriAsync(MlflowSourceHarness.Model, "2", Token);
        var count = await harness.Client.DownloadDirectoryAsync(uri, target, Token);

        Assert.Equal(4, count);
        Assert.Equal(MlflowFixtures.Bytes("logistic.onnx"), File.ReadAllBytes(Path.Combine(target, "model.onnx")));
        Assert.True(File.Exists(Path.Combine(target, "metadata", "python_env.yaml")));
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_unreachable_after_the_time_limit()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = new MlflowOptions { TrackingUri = $"http://127.0.0.1:{port}" };
        var client = new MlflowRegistryClient(MlflowRegistryClient.CreateHttpClient(options), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => client.FindVersionByAliasAsync("m", "champion", Token));

        Assert.Equal(MlflowErrorKind.Unreachable, error.Kind);
        Assert.Contains("did not answer within 0.3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateHttpClient_moves_credentials_from_the_URL_into_a_basic_auth_header()
    {
        using var http = MlflowRegistryClient.CreateHttpClient(new MlflowOptions { TrackingUri = "http://alice:s3cret@mlflow.local:5000/prefix" });

        Assert.Equal("http://mlflow.local:5000/prefix/", http.BaseAddress!.ToString());
        Assert.Equal("Basic", http.DefaultRequestHeaders.Authorization!.Scheme);
        Assert.Equal("alice:s3cret", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(http.DefaultRequestHeaders.Authorization.Parameter!)));
    }

    [Theory]
    [InlineData("mlflow-artifacts:/1/abc/artifacts/model", "1/abc/artifacts/model")]
    [InlineData("mlflow-artifacts://tracking:5000/manual/onnx-v1", "manual/onnx-v1")]
    public void ArtifactUri_path_is_the_part_after_the_scheme_and_host(string uri, string path) =>
        Assert.Equal(path, MlflowArtifactUri.PathOf(uri));

    [Fact]
    public void ArtifactUri_of_another_scheme_is_refused_with_how_to_serve_artifacts()
    {
        var error = Assert.Throws<MlflowRegistryException>(() => MlflowArtifactUri.PathOf("s3://bucket/1/abc/artifacts/model"));

        Assert.Contains("--serve-artifacts", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public void ArtifactUri_refuses_listed_paths_that_leave_the_folder(string path) =>
        Assert.False(MlflowArtifactUri.IsSafeRelative(path));
}
