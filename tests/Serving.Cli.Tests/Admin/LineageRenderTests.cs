using Serving.Cli.Admin;
using Serving.Cli.Commands.Admin;
using Spectre.Console;

namespace Serving.Cli.Tests.Admin;

/// <summary>
/// The lineage as <c>models show</c> prints it when the gateway's answer carries an MLflow run URL (written by the
/// retrainer when a tracking URI is set): the URL is shown under the run id, and in its own tsv column.
/// </summary>
public sealed class LineageRenderTests
{
    private static readonly ModelView Model = new("iris", "auto-stable", null, null,
    [
        new VersionView(1, "ready", null, DateTimeOffset.UnixEpoch),
        new VersionView(2, "ready", null, DateTimeOffset.UnixEpoch, new LineageView(
            new MlflowRunView("run-7", "http://mlflow:5000/#/experiments/3/runs/run-7", "http://mlflow:5000", "3", null, null),
            new DataVersionView("combined.csv", "ab", 10, "e5ebd4c02cefbe7955977c67ada242b7", 8, "retraining/iris.csv", "retraining/iris.csv.dvc"),
            1,
            new LineageEventView(null, "manual"),
            new EvaluationView("rmse", "passed", new Dictionary<string, double> { ["rmse"] = 0.25 }, null),
            "r-1",
            null)),
    ]);

    [Fact]
    public void The_table_shows_the_run_url_data_version_and_a_run_by_hand()
    {
        var text = Render(LineageRender.Table(Model)!);

        Assert.Contains("run-7", text, StringComparison.Ordinal);
        Assert.Contains("http://mlflow:5000/#/experiments/3/runs/run-7", text, StringComparison.Ordinal);
        Assert.Contains("md5 e5ebd4c02cefbe7955977c67ada242b7", text, StringComparison.Ordinal);
        Assert.Contains("manual", text, StringComparison.Ordinal);
        Assert.Contains("passed (rmse 0.2500)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vs stable", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Versions_without_lineage_make_no_table()
    {
        Assert.Null(LineageRender.Table(Model with { Versions = [Model.Versions[0]] }));
    }

    [Fact]
    public void The_tsv_cells_carry_the_run_url()
    {
        Assert.Equal<IEnumerable<string?>>(
            ["run-7", "http://mlflow:5000/#/experiments/3/runs/run-7", "e5ebd4c02cefbe7955977c67ada242b7", "8", "retraining/iris.csv", "retraining/iris.csv.dvc", "1", "manual", null, "passed"],
            LineageRender.TsvCells(Model.Versions[1].Lineage));
    }

    private static string Render(Table table)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 240;
        console.Write(table);
        return writer.ToString();
    }
}
