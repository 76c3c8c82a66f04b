using Serving.Cli.Commands.Logs;
using Serving.Core.Monitoring.Logging;
using Serving.Core.Storage;
using Spectre.Console;

namespace Serving.Cli.Tests.Commands.Logs;

/// <summary>Where <c>serving logs tail</c> looks without <c>--dir</c>.</summary>
public sealed class LogsTailDefaultsTests
{
    [Fact]
    public void Without_dir_it_reads_var_predictions_where_a_gateway_started_in_the_same_folder_writes()
    {
        var command = LogsTailCommand.Create(new CliOutput(TextWriter.Null, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) })));

        var folder = command.Parse("m").GetValue<DirectoryInfo>("--dir")!;

        Assert.Equal(Path.GetFullPath(Path.Combine("var", "predictions")), folder.FullName);
        Assert.Equal(new PredictionLogOptions().DirectoryIn(DataPaths.From(new DataPathOptions())), folder.FullName);
    }
}
