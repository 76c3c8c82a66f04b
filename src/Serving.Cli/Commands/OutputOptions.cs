using System.CommandLine;

namespace Serving.Cli.Commands;

/// <summary><c>--output table|tsv|json</c> and its older shorthand <c>--json</c>, for commands whose output a script may read.</summary>
internal sealed class OutputOptions
{
    public Option<string> Output { get; } = CreateOutput();

    public Option<bool> Json { get; } = new("--json") { Description = "The same as --output json." };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Output);
        command.Options.Add(Json);
    }

    /// <summary>The format asked for; <c>--json</c> wins over <c>--output</c>.</summary>
    public OutputFormat Of(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Json) ? OutputFormat.Json : parse.GetValue(Output) switch
        {
            "tsv" => OutputFormat.Tsv,
            "json" => OutputFormat.Json,
            _ => OutputFormat.Table,
        };
    }

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table: for people, on standard error; tsv: a header line and tab-separated rows on standard output; json: the gateway's answer on standard output.",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "tsv", "json");
        return option;
    }
}
