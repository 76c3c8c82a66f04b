using Microsoft.AspNetCore.Builder;

namespace Serving.Gateway.Tests.Hosting;

/// <summary>
/// Options for minimal in-test web hosts. The test folder holds the gateway's own appsettings.json (copied
/// with the project reference), whose Kestrel endpoints would bind the real ports 8080/8081; an empty content
/// root keeps a bare host on the ports its test chooses.
/// </summary>
public static class BareHostOptions
{
    private static readonly string EmptyRoot = Directory.CreateTempSubdirectory("bare-host-").FullName;

    public static WebApplicationOptions Create() => new() { ContentRootPath = EmptyRoot };
}
