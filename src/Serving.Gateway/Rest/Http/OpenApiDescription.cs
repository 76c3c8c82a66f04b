using System.Reflection;

namespace Serving.Gateway.Rest.Http;

/// <summary>Endpoint conventions for the OpenAPI document (<c>/openapi/v1.json</c>).</summary>
internal static class OpenApiDescription
{
    /// <summary>
    /// Lists plain request-delegate endpoints in the document. The hot-path handlers are mapped as
    /// <see cref="RequestDelegate"/>s, which skip parameter binding; such endpoints carry no handler
    /// <see cref="MethodInfo"/>, and API explorer leaves out endpoints without one. This adds it as metadata
    /// only: the endpoint still runs the same delegate. Handlers mapped as ordinary delegates already have it.
    /// </summary>
    public static TBuilder IncludeInOpenApi<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } handler && !endpoint.Metadata.OfType<MethodInfo>().Any())
            {
                endpoint.Metadata.Add(handler.Method);
            }
        });
        return builder;
    }
}
