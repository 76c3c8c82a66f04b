using System.Globalization;
using Serving.Cli.Admin;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>models show</c>: where each loaded version came from, one row per version with a lineage.</summary>
internal static class LineageRender
{
    public static readonly string[] TsvHeader = ["mlflow_run_id", "mlflow_run_url", "data_md5", "data_size", "data_path", "dvc_file", "parent_version", "event_type", "event_id", "verdict"];

    /// <summary>The lineage table, or null when no version has a lineage.</summary>
    public static Table? Table(ModelView model)
    {
        var withLineage = model.Versions.Where(v => v.Lineage is not null).ToList();
        if (withLineage.Count == 0)
        {
            return null;
        }

        var table = new Table().AddColumns("version", "mlflow run", "data version", "parent", "event", "evaluation");
        foreach (var v in withLineage)
        {
            var l = v.Lineage!;
            table.AddRow(
                v.Version.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Run(l.Mlflow)),
                Markup.Escape(Data(l.Data)),
                l.ParentVersion?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(l.Event is { } e ? $"{e.Type}{(e.Id is null ? string.Empty : $" {e.Id}")}" : "-"),
                Markup.Escape(Verdict(l.Evaluation)));
        }

        return table;
    }

    /// <summary>The lineage columns of a <c>models show -o tsv</c> row.</summary>
    public static string?[] TsvCells(LineageView? l) =>
    [
        l?.Mlflow?.RunId, l?.Mlflow?.RunUrl, l?.Data?.Md5, l?.Data?.Size?.ToString(CultureInfo.InvariantCulture), l?.Data?.Path ?? l?.Data?.File,
        l?.Data?.DvcFile, l?.ParentVersion?.ToString(CultureInfo.InvariantCulture), l?.Event?.Type, l?.Event?.Id, l?.Evaluation?.Verdict,
    ];

    private static string Run(MlflowRunView? run) => run?.RunId is not { } id ? "-" : run.RunUrl is { } url ? $"{id}\n{url}" : id;

    private static string Data(DataVersionView? data) => data switch
    {
        null => "-",
        { Md5: { } md5 } => $"md5 {md5}\n{data.Path ?? data.File}{(data.DvcFile is null ? string.Empty : $" ({data.DvcFile})")}",
        _ => $"sha256 {data.Sha256}\n{data.Path ?? data.File}",
    };

    private static string Verdict(EvaluationView? evaluation)
    {
        if (evaluation?.Verdict is not { } verdict)
        {
            return "-";
        }

        var metric = evaluation.Metric;
        if (metric is null || evaluation.Candidate?.GetValueOrDefault(metric) is not { } candidate)
        {
            return verdict;
        }

        var stable = evaluation.Stable?.TryGetValue(metric, out var s) == true ? string.Create(CultureInfo.InvariantCulture, $" vs stable {s:F4}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{verdict} ({metric} {candidate:F4}{stable})");
    }
}
