using System.Text.Json;
using Serving.Core.Contracts;
using Serving.Core.Registry;
using Serving.Core.Rollouts;
using Serving.Core.Routing;

namespace Serving.Gateway.Rest.Admin;

/// <summary>
/// The admin API under <c>/admin</c>: model views, the deployment, promote and rollback, analysed rollouts, and
/// loading or unloading a version. Reads need either key, changes the full key.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/admin").WithTags("Admin").AddEndpointFilter(new AdminAuthorization(AdminScope.Read));
        read.MapGet("/models", (HttpContext c) => AdminResults.Ok(AdminModels.All(c.RequestServices))).WithSummary("Every model: policy, deployment, rollout and versions.");
        read.MapGet("/models/{name}", GetModel).WithSummary("One model: policy, deployment, rollout, shadow comparison and versions with state and reason.");
        read.MapGet("/models/{name}/deployment", GetDeployment).WithSummary("The model's deployment: stable, canary with weight, shadow.");
        read.MapGet("/models/{name}/rollout", GetRollout).WithSummary("The analysed rollout: steps, weight, state and every decision with its figures.");

        var change = app.MapGroup("/admin").WithTags("Admin").AddEndpointFilter(new AdminAuthorization(AdminScope.Full))
            .AddEndpointFilter(new StateSaveNotice());
        change.MapPut("/models/{name}/deployment", PutDeploymentAsync).WithSummary("Set the deployment; versions not loaded are loaded first, and a failure keeps the old one (409).");
        change.MapPost("/models/{name}/promote", (HttpContext c, string name) =>
            Deploy(c, name, "promote", (m, actor) => m.Promote(name, actor, "promoted by admin"))).WithSummary("Make the canary stable.");
        change.MapPost("/models/{name}/rollback", (HttpContext c, string name) =>
            Deploy(c, name, "rollback", (m, actor) => m.Rollback(name, actor, "rolled back by admin"))).WithSummary("Remove the canary; without one, return to the previous stable.");
        change.MapPost("/models/{name}/rollout", StartRolloutAsync).WithSummary("Start an analysed canary rollout.");
        change.MapPost("/models/{name}/rollout/pause", (HttpContext c, string name) => Rollout(c, name, "pause", (r, actor) => r.Pause(name, actor))).WithSummary("Pause the rollout at its current weight.");
        change.MapPost("/models/{name}/rollout/resume", (HttpContext c, string name) => Rollout(c, name, "resume", (r, actor) => r.Resume(name, actor))).WithSummary("Resume a paused rollout.");
        change.MapPost("/models/{name}/rollout/abort", (HttpContext c, string name) => Rollout(c, name, "abort", (r, actor) => r.Abort(name, actor))).WithSummary("Abort the rollout and remove the canary; stable stays.");
        change.MapPost("/models/{name}/versions/{version:int}/load", (HttpContext c, string name, int version) =>
            VersionAction(c, name, version, "load", (m, _) => m.Load(name, version))).WithSummary("Load (and warm up) one version.");
        change.MapPost("/models/{name}/versions/{version:int}/unload", (HttpContext c, string name, int version) =>
            VersionAction(c, name, version, "unload", (m, actor) => m.Unload(name, version, actor))).WithSummary("Unload one version; 409 while the deployment uses it.");
        return app;
    }

    private static IResult GetModel(HttpContext context, string name) =>
        AdminModels.Find(context.RequestServices, name) is { } view ? AdminResults.Ok(view) : UnknownModel(name);

    private static IResult GetDeployment(HttpContext context, string name)
    {
        if (!Exists(context, name))
        {
            return UnknownModel(name);
        }

        return Manager(context).Current.Find(name) is { } deployment
            ? AdminResults.Ok(AdminDeploymentView.Of(deployment.Spec))
            : AdminResults.Error(StatusCodes.Status404NotFound, $"model '{CallerText.Cut(name)}' has no deployment yet: none of its versions has loaded");
    }

    private static async Task<IResult> PutDeploymentAsync(HttpContext context, string name)
    {
        var (body, refusal) = await AdminResults.ReadJsonAsync<DeploymentBody>(context, "malformed JSON");
        if (refusal is not null)
        {
            return refusal;
        }

        if (body?.Stable is not { } stable)
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, """the deployment needs "stable": {"stable": N, "canary": M, "canaryWeight": W, "shadow": K}""");
        }

        var spec = new DeploymentSpec { Stable = stable, Canary = body.Canary, CanaryWeight = body.CanaryWeight ?? 0, Shadow = body.Shadow };
        return Deploy(context, name, "deployment change", (m, actor) => m.Set(name, spec, actor, "set by admin"));
    }

    private static IResult Deploy(HttpContext context, string name, string action, Func<DeploymentManager, string, ModelDeployment> change)
    {
        var actor = Actor(context);
        try
        {
            var deployment = change(Manager(context), actor);
            AdminLog.Acted(Logger(context), action, name, actor);
            return AdminResults.Ok(AdminDeploymentView.Of(deployment.Spec));
        }
        catch (DeploymentException ex)
        {
            return AdminResults.Of(ex);
        }
    }

    private static IResult GetRollout(HttpContext context, string name)
    {
        if (!Exists(context, name))
        {
            return UnknownModel(name);
        }

        if (Rollouts(context) is not { } rollouts)
        {
            return NoRollouts();
        }

        return rollouts.Get(name) is { } status
            ? AdminResults.Ok(status)
            : AdminResults.Error(StatusCodes.Status404NotFound, RolloutMessages.NoRollout(name));
    }

    private static async Task<IResult> StartRolloutAsync(HttpContext context, string name)
    {
        var (request, refusal) = await AdminResults.ReadJsonAsync<RolloutRequest>(
            context, """malformed rollout request (expected {"canary": N, "steps": [5, 10, 25, 50], "intervalSeconds": 60})""");
        if (refusal is not null)
        {
            return refusal;
        }

        if (request is null)
        {
            return AdminResults.Error(StatusCodes.Status400BadRequest, "the rollout request needs \"canary\"");
        }

        return Rollout(context, name, "rollout start", (r, actor) => r.Start(name, request, actor));
    }

    private static IResult Rollout(HttpContext context, string name, string action, Func<IRolloutController, string, RolloutStatus> act)
    {
        if (!Exists(context, name))
        {
            return UnknownModel(name);
        }

        if (Rollouts(context) is not { } rollouts)
        {
            return NoRollouts();
        }

        var actor = Actor(context);
        try
        {
            var status = act(rollouts, actor);
            AdminLog.Acted(Logger(context), action, name, actor);
            return AdminResults.Ok(status);
        }
        catch (DeploymentException ex)
        {
            return AdminResults.Of(ex);
        }
    }

    private static IResult VersionAction(HttpContext context, string name, int version, string action, Action<DeploymentManager, string> act)
    {
        if (!Exists(context, name))
        {
            return UnknownModel(name);
        }

        var actor = Actor(context);
        try
        {
            act(Manager(context), actor);
        }
        catch (DeploymentException ex)
        {
            return AdminResults.Of(ex);
        }

        AdminLog.VersionActed(Logger(context), action, version, name, actor);
        var status = context.RequestServices.GetRequiredService<ModelRegistry>().Current.Models[name].Versions.FirstOrDefault(v => v.Version == version);
        return status is null
            ? AdminResults.Error(StatusCodes.Status404NotFound, $"model '{CallerText.Cut(name)}' has no version {version}")
            : AdminResults.Ok(AdminVersionView.Of(status));
    }

    private static bool Exists(HttpContext context, string name) =>
        context.RequestServices.GetRequiredService<ModelRegistry>().Current.Models.ContainsKey(name);

    private static DeploymentManager Manager(HttpContext context) => context.RequestServices.GetRequiredService<DeploymentManager>();

    private static IRolloutController? Rollouts(HttpContext context) => context.RequestServices.GetService<IRolloutController>();

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminEndpoints));

    private static string Actor(HttpContext context) => context.Items[AdminAuthorization.ActorKey] as string ?? "admin";

    private static IResult UnknownModel(string name) => AdminResults.Error(StatusCodes.Status404NotFound, $"model '{CallerText.Cut(name)}' not found");

    private static IResult NoRollouts() => AdminResults.Error(StatusCodes.Status501NotImplemented,
        "analysed rollouts are not available: this gateway has no rollout controller; set the deployment with PUT /admin/models/{name}/deployment instead");
}
