using Serving.Core.Contracts;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// Endpoint filter that admits a request only with a key of the needed scope: 401 without a (known) key,
/// 403 for the read-only key on a change. Messages never repeat what the caller sent.
/// </summary>
internal sealed class AdminAuthorization(AdminScope required) : IEndpointFilter
{
    /// <summary>Where the filter leaves who acts, for the deployment's <c>changedBy</c>.</summary>
    public const string ActorKey = "Serving.Admin.Actor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<AdminKeys>();
        var logger = http.RequestServices.GetRequiredService<ILogger<AdminAuthorization>>();

        // The path is the caller's text and goes into a log line: cut like any echo.
        var path = CallerText.Cut(http.Request.Path.Value, 256);
        if (!keys.Configured)
        {
            AdminLog.Refused(logger, http.Request.Method, path, "no admin key is configured");
            return AdminResults.Error(StatusCodes.Status401Unauthorized,
                "the admin API is disabled: no key is configured (set Serving:Admin:ApiKey or Serving:Admin:ReadOnlyApiKey)");
        }

        var header = http.Request.Headers.Authorization.ToString();
        var scope = keys.ScopeOf(string.IsNullOrEmpty(header) ? null : header);
        if (scope == AdminScope.None)
        {
            var why = string.IsNullOrEmpty(header) ? "no key" : "unknown key";
            AdminLog.Refused(logger, http.Request.Method, path, why);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return AdminResults.Error(StatusCodes.Status401Unauthorized,
                string.IsNullOrEmpty(header) ? "an admin key is required (Authorization: Bearer <key>)" : "the admin key is not valid");
        }

        if (scope < required)
        {
            AdminLog.Refused(logger, http.Request.Method, path, "read-only key on a change");
            return AdminResults.Error(StatusCodes.Status403Forbidden, "this key may only read; changes need the full admin key");
        }

        http.Items[ActorKey] = scope == AdminScope.Full ? "admin" : "admin (read-only)";
        return await next(context).ConfigureAwait(false);
    }
}
