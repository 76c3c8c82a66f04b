using System.Globalization;
using Serving.Cli.Admin;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Serving.Cli.Commands.Admin;

/// <summary>Tables for model lists and model views.</summary>
internal static class AdminRender
{
    public static Table Models(IReadOnlyList<ModelView> models)
    {
        var table = new Table().AddColumns("model", "policy", "deployment", "rollout", "versions");
        foreach (var model in models)
        {
            table.AddRow(
                Markup.Escape(model.Name),
                Markup.Escape(model.Policy),
                Markup.Escape(model.Deployment?.Describe() ?? "none"),
                Markup.Escape(model.Rollout is { } r ? $"{r.State} ({r.Weight}%)" : "-"),
                string.Join(", ", model.Versions.Select(v => $"{v.Version}:{StateMarkup(v.State)}")));
        }

        return table;
    }

    public static IRenderable Model(ModelView model)
    {
        var versions = new Table().AddColumns("version", "state", "since", "reason");
        foreach (var v in model.Versions)
        {
            versions.AddRow(
                v.Version.ToString(CultureInfo.InvariantCulture),
                StateMarkup(v.State),
                v.Since.ToString("u", CultureInfo.InvariantCulture),
                Markup.Escape(v.Reason ?? string.Empty));
        }

        var lines = new List<IRenderable>
        {
            new Markup($"[bold]{Markup.Escape(model.Name)}[/]  policy {Markup.Escape(model.Policy)}"),
            new Markup($"deployment: {Markup.Escape(model.Deployment?.Describe() ?? "none")}"),
            versions,
        };
        if (LineageRender.Table(model) is { } lineage)
        {
            lines.Add(lineage);
        }

        if (model.Rollout is { } rollout)
        {
            lines.Add(RolloutRender.Status(rollout));
        }

        return new Rows(lines);
    }

    public static string StateMarkup(string state) => state switch
    {
        "ready" => "[green]ready[/]",
        "failed" => "[red]failed[/]",
        "loading" or "draining" => $"[yellow]{state}[/]",
        _ => $"[grey]{Markup.Escape(state)}[/]",
    };
}
