using System.CommandLine;
using Serving.Cli.Admin;

namespace Serving.Cli.Commands;

/// <summary>The <c>--url</c> option of the commands that talk to the gateway (admin, drift, performance).</summary>
internal static class GatewayUrlOption
{
    public const string BlankMessage = $"--url is blank: give the gateway's address, or leave --url out to use ${AdminConnection.UrlVariable} (else {AdminConnection.DefaultUrl})";

    /// <summary>
    /// A new <c>--url</c> option. A blank value (<c>--url " "</c>, an unset shell variable) is a usage error: the address
    /// resolution skips blank values so that a blank <c>SERVING_URL</c> falls back to the default, which for an option
    /// given on purpose meant quietly talking to another gateway than the one meant.
    /// </summary>
    public static Option<string?> Create()
    {
        var url = new Option<string?>("--url") { Description = $"Gateway REST address (default: ${AdminConnection.UrlVariable}, else {AdminConnection.DefaultUrl})." };
        url.Require(value => value is null || !string.IsNullOrWhiteSpace(value), BlankMessage);
        return url;
    }
}
