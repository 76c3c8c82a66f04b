using Microsoft.AspNetCore.Http;
using Serving.Gateway.Routing;

namespace Serving.Gateway.Tests.Routing;

/// <summary>The routing headers mean the same on every transport: read by one reader, with one rule for odd values.</summary>
public sealed class RoutingHeadersTests
{
    [Fact]
    public void Http_headers_and_grpc_metadata_read_alike()
    {
        // gRPC's metadata keys come lower case in the HTTP/2 headers the gRPC service reads.
        var http = new HeaderDictionary { ["X-Model-Version"] = "2", ["X-Routing-Key"] = "user-7" };
        var grpc = new HeaderDictionary { ["x-model-version"] = "2", ["x-routing-key"] = "user-7" };

        Assert.Equal(new RoutingHeaders("2", "user-7"), RoutingHeaders.Read(http));
        Assert.Equal(new RoutingHeaders("2", "user-7"), RoutingHeaders.Read(grpc));
    }

    [Fact]
    public void Missing_and_empty_values_are_none_and_only_the_first_value_counts()
    {
        var empty = new HeaderDictionary { ["X-Model-Version"] = string.Empty, ["X-Routing-Key"] = string.Empty };
        var twice = new HeaderDictionary { ["X-Model-Version"] = new(["3", "4"]) };

        Assert.Equal(default, RoutingHeaders.Read(new HeaderDictionary()));
        Assert.Equal(default, RoutingHeaders.Read(empty));
        Assert.Equal(new RoutingHeaders("3", null), RoutingHeaders.Read(twice));
    }
}
