using System.Text;
using Serving.Core.Storage;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Endpoint filter for the calls that change deployments: when saving the deployment state failed while the call
/// ran (a full disk, a read-only data directory), the answer carries <see cref="HeaderName"/> with the reason. The
/// change itself is in effect and keeps serving (the gateway never undoes it for a failed save), but it is lost on
/// restart, and the caller is the one who can act on that: the status code stays that of the change.
/// </summary>
internal sealed class StateSaveNotice : IEndpointFilter
{
    /// <summary>Present only when the change was not saved; its value is the file and the operating system's reason.</summary>
    public const string HeaderName = DataDirectoryStatus.StateUnsavedHeader;

    private const int MaxValueLength = 512;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var status = context.HttpContext.RequestServices.GetRequiredService<DataDirectoryStatus>();
        var failuresBefore = status.StateSaveFailures;
        var result = await next(context).ConfigureAwait(false);

        // A failure counted while this call ran is this change's save (or a concurrent one's: either way the state
        // now served is not on disk). The answer has not started, so the header can still go on it.
        var report = status.Snapshot();
        if (report.StateSaveFailures > failuresBefore && report.LastStateSaveError is { } error)
        {
            context.HttpContext.Response.Headers[HeaderName] = HeaderText(error);
        }

        return result;
    }

    /// <summary>
    /// The reason as a header value: printable ASCII only (a path may hold any character, and a header value must not
    /// carry a line break), cut to a bounded length.
    /// </summary>
    internal static string HeaderText(string reason)
    {
        var text = new StringBuilder(Math.Min(reason.Length, MaxValueLength));
        foreach (var c in reason)
        {
            if (text.Length == MaxValueLength)
            {
                break;
            }

            text.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return text.ToString();
    }
}
