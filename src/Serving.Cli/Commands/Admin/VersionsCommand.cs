using System.CommandLine;
using Spectre.Console;

namespace Serving.Cli.Commands.Admin;

/// <summary><c>serving versions load|unload &lt;name&gt; &lt;version&gt;</c>.</summary>
internal static class VersionsCommand
{
    public static Command Create(CliOutput output) => new("versions", "Load or unload one version of a model.")
    {
        Action(output, "load", "Load a published version (one that was unloaded, or failed and may load now)."),
        Action(output, "unload", "Unload a version the deployment does not use; its runtime is freed when in-flight requests finish."),
    };

    private static Command Action(CliOutput output, string action, string description)
    {
        var options = new AdminCommandOptions();
        var name = new Argument<string>("name") { Description = "Model name." };
        var version = new Argument<int>("version") { Description = "Version number." };
        var command = options.AddTo(new Command(action, description) { name, version });
        command.SetAction((parse, cancellationToken) => options.RunAsync(output, parse, async (client, format) =>
        {
            var model = parse.GetValue(name)!;
            var answer = await client.ChangeVersionAsync(model, parse.GetValue(version), action, cancellationToken).ConfigureAwait(false);
            switch (format)
            {
                case OutputFormat.Json:
                    await output.Result.WriteLineAsync(answer.Json).ConfigureAwait(false);
                    break;
                case OutputFormat.Tsv:
                    await AdminTsv.VersionAsync(output.Result, model, answer.Value).ConfigureAwait(false);
                    break;
                default:
                    var v = answer.Value;
                    output.Console.MarkupLine($"{Markup.Escape(model)} version {v.Version}: {AdminRender.StateMarkup(v.State)}{(v.Reason is null ? string.Empty : " (" + Markup.Escape(v.Reason) + ")")}");
                    break;
            }

            return 0;
        }));
        return command;
    }
}
