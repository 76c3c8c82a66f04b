using Microsoft.AspNetCore.Http;
using Serving.Core.Registry.Mlflow;

namespace Serving.Core.Tests.Registry.Mlflow;

/// <summary>
/// Artifact listings a hostile or broken tracking server may send: each is refused as <see cref="MlflowErrorKind.Invalid"/>
/// with a reason, and nothing is written outside the download folder.
/// </summary>
public sealed class MlflowHostileListingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"files":[null]}""", "an empty entry")]
    [InlineData("""{"files":[{"path":null,"is_dir":false}]}""", "an entry without a path")]
    [InlineData("""{"files":[{"path":"a\u0000b","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"a\nb","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"a\\..\\..\\b","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"../../etc/x","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"/abs/path","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"a/../../b","is_dir":false,"file_size":1}]}""", "is not a plain relative path")]
    [InlineData("""{"files":[{"path":"a","is_dir":false,"file_size":1},{"path":"a","is_dir":true}]}""", "lists 'a' twice")]
    [InlineData("""{"files":[{"path":"a","is_dir":false,"file_size":1},{"path":"a/b","is_dir":false,"file_size":1}]}""", "'a/b', a path of more than one part")]
    [InlineData("""{"files":[{"path":"x/a","is_dir":false,"file_size":1},{"path":"a/b","is_dir":false,"file_size":1}]}""", "'a/b', a path of more than one part")]
    public async Task A_listing_entry_the_gateway_cannot_write_safely_refuses_the_version(string listing, string reason)
    {
        await using var harness = await MlflowSourceHarness.StartAsync();
        harness.Server.Answer = context => ListingAsync(context, listing);
        var target = Path.Combine(harness.Root, "download");
        Directory.CreateDirectory(target);

        var error = await Assert.ThrowsAsync<MlflowRegistryException>(() => harness.Client.DownloadDirectoryAsync("mlflow-artifacts:/x", target, Token));

        Assert.Equal(MlflowErrorKind.Invalid, error.Kind);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    internal static async Task<bool> ListingAsync(HttpContext context, string listing)
    {
        if (context.Request.Path != "/api/2.0/mlflow-artifacts/artifacts")
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(new byte[] { 1 });
            return true;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(listing);
        return true;
    }
}
