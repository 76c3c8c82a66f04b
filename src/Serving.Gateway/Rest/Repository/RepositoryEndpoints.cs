using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Registry;
using Serving.Core.Routing;
using Serving.Gateway.Rest.Admin;

namespace Serving.Gateway.Rest.Repository;

/// <summary>
/// The OIP model repository extension as Triton and MLServer define it. Unlike Triton it needs an admin key:
/// the index takes either key, load and unload the full key. Unload takes away every version the deployment
/// does not use; deployed versions keep serving until the deployment changes, so callers never see a gap.
/// </summary>
internal static class RepositoryEndpoints
{
    public static IEndpointRouteBuilder MapRepositoryEndpoints(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup("/v2/repository").WithTags("Repository");
        repository.MapPost("/index", (Func<HttpContext, Task<IResult>>)IndexAsync).AddEndpointFilter(new AdminAuthorization(AdminScope.Read))
            .WithSummary("List every version with its state (Triton's shape); {\"ready\": true} lists only those that serve.");
        repository.MapPost("/models/{name}/load", Load).AddEndpointFilter(new AdminAuthorization(AdminScope.Full))
            .WithSummary("Load every published version that is not serving.");
        repository.MapPost("/models/{name}/unload", Unload).AddEndpointFilter(new AdminAuthorization(AdminScope.Full))
            .WithSummary("Unload every version the deployment does not use.");
        return app;
    }

    private static async Task<IResult> IndexAsync(HttpContext context)
    {
        // The body is optional: none, or {}, lists every version; {"ready": true} only those that serve.
        bool readyOnly;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            readyOnly = !string.IsNullOrWhiteSpace(text) && JsonSerializer.Deserialize<RepositoryIndexRequest>(text, AdminResults.Json)?.Ready == true;
        }
        catch (JsonException ex)
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, $"malformed JSON: {AdminResults.JsonProblem(ex)}");
        }
        catch (Exception ex) when (AdminResults.BodyRefused(context.Request, ex) is { } refused)
        {
            return refused;
        }

        var snapshot = context.RequestServices.GetRequiredService<ModelRegistry>().Current;
        var index = snapshot.ModelNames
            .SelectMany(name => snapshot.Models[name].Versions.Select(v => (name, v)))
            .Where(e => !readyOnly || e.v.State == ModelVersionState.Ready)
            .Select(e => new RepositoryIndexEntry(e.name, e.v.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), TritonState(e.v.State), e.v.Reason ?? string.Empty))
            .ToList();
        return AdminResults.Ok(index);
    }

    /// <summary>Loads every version of the model that is published but not serving (after an unload, or a failure).</summary>
    private static IResult Load(HttpContext context, string name)
    {
        var registry = context.RequestServices.GetRequiredService<ModelRegistry>();
        if (!registry.Current.Models.TryGetValue(name, out var entry))
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, $"failed to load '{CallerText.Cut(name)}': no such model in the repository");
        }

        var manager = context.RequestServices.GetRequiredService<DeploymentManager>();
        var failures = new List<string>();
        foreach (var version in entry.Versions.Where(v => v.State is ModelVersionState.Unloaded or ModelVersionState.Failed))
        {
            try
            {
                manager.Load(name, version.Version);
            }
            catch (DeploymentException ex)
            {
                failures.Add(ex.Message);
            }
        }

        // The model counts as loaded when some version serves; versions whose folders are gone are not an error.
        return registry.Current.Models.TryGetValue(name, out var after) && after.Loaded.Count > 0
            ? AdminResults.Ok(new { })
            : AdminResults.Error(StatusCodes.Status400BadRequest, $"failed to load '{name}': {(failures.Count == 0 ? "no version is published" : string.Join("; ", failures))}");
    }

    /// <summary>Unloads every loaded version the deployment does not use; deployed ones stay until it changes.</summary>
    private static IResult Unload(HttpContext context, string name)
    {
        var registry = context.RequestServices.GetRequiredService<ModelRegistry>();
        if (!registry.Current.Models.TryGetValue(name, out var entry))
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, $"failed to unload '{CallerText.Cut(name)}': no such model in the repository");
        }

        var manager = context.RequestServices.GetRequiredService<DeploymentManager>();
        var actor = context.Items[AdminAuthorization.ActorKey] as string ?? "admin";
        var unloaded = new List<int>();
        var kept = new List<int>();
        foreach (var version in entry.Loaded.Keys.Order())
        {
            try
            {
                manager.Unload(name, version, actor);
                unloaded.Add(version);
            }
            catch (DeploymentException)
            {
                kept.Add(version);
            }
        }

        return AdminResults.Ok(new RepositoryUnloadResult(unloaded, kept));
    }

    private static string TritonState(ModelVersionState state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Draining => "UNLOADING",
        _ => "UNAVAILABLE",
    };
}
