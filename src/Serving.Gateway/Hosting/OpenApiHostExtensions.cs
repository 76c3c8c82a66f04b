using Microsoft.OpenApi;

namespace Serving.Gateway.Hosting;

/// <summary>
/// The OpenAPI document of the REST surface, served at <c>/openapi/v1.json</c>. Endpoints declare their own tag
/// and summary where they are mapped; this file only names the document and serves it. The handlers read and
/// write JSON by hand (no model binding on the hot path), so the document lists routes, parameters and what each
/// does, not body schemas: docs/protocols.md and docs/admin.md describe the bodies.
/// </summary>
internal static class OpenApiHostExtensions
{
    /// <summary>The document's name; it is also the last segment of its path.</summary>
    public const string DocumentName = "v1";

    /// <summary>Where the document is served.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>The security scheme of the admin key (<c>Authorization: Bearer &lt;key&gt;</c>).</summary>
    public const string AdminKeyScheme = "adminKey";

    // Routes behind the admin key: the admin API and the OIP repository extension (see AdminAuthorization).
    private static readonly string[] AdminRoutes = ["admin/", "v2/repository/"];

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Serving gateway REST API",
                    Version = DocumentName,
                    Description = "Open Inference Protocol v2 (REST), the MLflow scoring protocol, the admin API, the OIP "
                        + "repository extension and monitoring. gRPC (port 8081) is described by its proto file instead.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                document.Components.SecuritySchemes[AdminKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "Serving:Admin:ApiKey (read and change) or Serving:Admin:ReadOnlyApiKey (read only).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                DeclarePathParameters(operation, context.Description.RelativePath);
                if (AdminRoutes.Any(r => (context.Description.RelativePath ?? string.Empty).TrimStart('/').StartsWith(r, StringComparison.Ordinal)))
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminKeyScheme, context.Document)] = [] });
                }

                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder app)
    {
        // The default pattern, /openapi/{documentName}.json, gives DocumentPath.
        app.MapOpenApi();
        return app;
    }

    /// <summary>
    /// Declares every <c>{parameter}</c> of the route that the operation lacks. Request-delegate handlers read
    /// route values themselves, so API explorer finds no parameter for them, and OpenAPI requires each one.
    /// </summary>
    private static void DeclarePathParameters(OpenApiOperation operation, string? route)
    {
        foreach (var segment in (route ?? string.Empty).Split('/'))
        {
            if (segment is not ['{', .., '}'])
            {
                continue;
            }

            var name = segment[1..^1].Split(':')[0];
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }
    }
}
