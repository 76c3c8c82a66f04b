using Serving.Core.Packaging;
using Spectre.Console;

namespace Serving.Cli.Commands;

/// <summary>A short table of what was published, for the person at the terminal.</summary>
internal static class PackageSummary
{
    public static void Write(IAnsiConsole console, string model, PackageResult result)
    {
        var manifest = result.Manifest;
        var table = new Table().AddColumns("tensor", "served as", "datatype", "shape", "artifact name");
        foreach (var input in manifest.Signature.Inputs)
        {
            table.AddRow("input", Markup.Escape(input.Name), input.Datatype, $"[[{string.Join(",", input.Shape)}]]", Markup.Escape(input.SourceName));
        }

        foreach (var output in manifest.Signature.Outputs)
        {
            table.AddRow("output", Markup.Escape(output.Name), output.Datatype, $"[[{string.Join(",", output.Shape)}]]", Markup.Escape(output.SourceName));
        }

        console.MarkupLineInterpolated($"[green]published[/] {model} version {result.Version} ({manifest.Format}, {manifest.Task}) at {result.Directory}");
        console.Write(table);
        console.MarkupLineInterpolated($"prediction output: {manifest.Signature.PredictionOutput ?? "-"}; baseline rows: {manifest.Baseline?.Rows ?? 0}");
    }
}
